// EncryptResponse annotations (docs/wire-format.md): build them for a snapshot, parse them
// strictly from a Decrypt request, and check them against the snapshot the key_id names.

import { aadVersion, providerKind } from "./aad.ts";
import { KmsError } from "./errors.ts";
import { hashValue, isHashValue } from "./hash.ts";
import type { KeySnapshot } from "./snapshot.ts";

export const annotationKeys = {
  provider: "provider.kms.openbao.org",
  keyIdHash: "key-id-hash.kms.openbao.org",
  transitKeyVersion: "transit-key-version.kms.openbao.org",
  transitMountHash: "transit-mount-hash.kms.openbao.org",
  transitKeyHash: "transit-key-hash.kms.openbao.org",
  namespaceHash: "openbao-namespace-hash.kms.openbao.org",
  pluginVersion: "plugin-version.kms.openbao.org",
  aadVersion: "aad-version.kms.openbao.org",
} as const;

/** Annotations for a new ciphertext, in the order the Go implementation lists them. */
export function buildAnnotations(snapshot: KeySnapshot, pluginVersion: string): Map<string, string> {
  const s = snapshot.scope;
  const out = new Map<string, string>([
    [annotationKeys.provider, providerKind],
    [annotationKeys.keyIdHash, hashValue(snapshot.keyId)],
    [annotationKeys.transitKeyVersion, String(snapshot.transitVersion)],
    [annotationKeys.transitMountHash, hashValue(s.transitMountId)],
    [annotationKeys.transitKeyHash, hashValue(s.keyLineageId)],
  ]);
  if (s.openbaoNamespace !== "") out.set(annotationKeys.namespaceHash, hashValue(s.openbaoNamespace));
  out.set(annotationKeys.pluginVersion, pluginVersion);
  out.set(annotationKeys.aadVersion, aadVersion);
  return out;
}

/** The parsed, well-formed subset of a Decrypt request's annotations. */
export interface ParsedAnnotations {
  readonly keyIdHash: string;
  readonly transitVersion: number;
  readonly transitMountHash: string;
  readonly transitKeyHash: string;
  readonly namespaceHash: string | undefined;
}

const labelPattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** FQDN rule for annotation keys: ≤253 chars, at least one dot, no '/', valid labels. */
export function isFqdnKey(key: string): boolean {
  if (key.length === 0 || key.length > 253 || !key.includes(".") || key.includes("/")) return false;
  return key.split(".").every((label) => labelPattern.test(label));
}

/** Go's strconv.Atoi on a 64-bit platform: optional sign, ASCII digits, fits in int64. */
function atoi(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Parses request annotations. Unknown FQDN keys are tolerated; `plugin-version` must only be
 * non-empty (never compared, so ciphertext survives upgrades). Throws KmsError annotations_invalid.
 */
export function parseAnnotations(annotations: ReadonlyMap<string, string>): ParsedAnnotations {
  const invalid = (why: string) => new KmsError("annotations_invalid", why);
  if (annotations.size === 0) throw invalid("annotations missing");
  for (const key of annotations.keys()) if (!isFqdnKey(key)) throw invalid("annotation key is not an FQDN");

  if (annotations.get(annotationKeys.provider) !== providerKind) throw invalid("provider annotation");
  const hashOf = (key: string): string => {
    const v = annotations.get(key);
    if (v === undefined || !isHashValue(v)) throw invalid(`${key} missing or malformed`);
    return v;
  };
  const keyIdHash = hashOf(annotationKeys.keyIdHash);
  const transitMountHash = hashOf(annotationKeys.transitMountHash);
  const transitKeyHash = hashOf(annotationKeys.transitKeyHash);
  const namespaceHash = annotations.has(annotationKeys.namespaceHash) ? hashOf(annotationKeys.namespaceHash) : undefined;

  const version = atoi(annotations.get(annotationKeys.transitKeyVersion) ?? "");
  if (version === undefined || version <= 0) throw invalid("transit key version annotation");
  if ((annotations.get(annotationKeys.pluginVersion) ?? "") === "") throw invalid("plugin version annotation");
  if (annotations.get(annotationKeys.aadVersion) !== aadVersion) throw invalid("aad version annotation");

  return { keyIdHash, transitVersion: version, transitMountHash, transitKeyHash, namespaceHash };
}

/** Checks parsed annotations against the snapshot; throws KmsError annotation_mismatch. */
export function verifyAnnotations(parsed: ParsedAnnotations, snapshot: KeySnapshot): void {
  const s = snapshot.scope;
  const expectedNamespaceHash = s.openbaoNamespace === "" ? undefined : hashValue(s.openbaoNamespace);
  const matches =
    parsed.transitVersion === snapshot.transitVersion &&
    parsed.keyIdHash === hashValue(snapshot.keyId) &&
    parsed.transitMountHash === hashValue(s.transitMountId) &&
    parsed.transitKeyHash === hashValue(s.keyLineageId) &&
    parsed.namespaceHash === expectedNamespaceHash;
  if (!matches) throw new KmsError("annotation_mismatch");
}
