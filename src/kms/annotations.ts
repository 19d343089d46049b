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

interface SnapshotHashes {
  readonly keyIdHash: string;
  readonly transitMountHash: string;
  readonly transitKeyHash: string;
  readonly namespaceHash: string | undefined;
}

// Snapshots are immutable, so their hashes are computed once, not on every request.
const hashCache = new WeakMap<KeySnapshot, SnapshotHashes>();

function hashesOf(snapshot: KeySnapshot): SnapshotHashes {
  let h = hashCache.get(snapshot);
  if (h === undefined) {
    const s = snapshot.scope;
    h = {
      keyIdHash: hashValue(snapshot.keyId),
      transitMountHash: hashValue(s.transitMountId),
      transitKeyHash: hashValue(s.keyLineageId),
      namespaceHash: s.openbaoNamespace === "" ? undefined : hashValue(s.openbaoNamespace),
    };
    hashCache.set(snapshot, h);
  }
  return h;
}

/** Annotations for a new ciphertext, in the order the Go implementation lists them. */
export function buildAnnotations(snapshot: KeySnapshot, pluginVersion: string): Map<string, string> {
  const h = hashesOf(snapshot);
  const out = new Map<string, string>([
    [annotationKeys.provider, providerKind],
    [annotationKeys.keyIdHash, h.keyIdHash],
    [annotationKeys.transitKeyVersion, String(snapshot.transitVersion)],
    [annotationKeys.transitMountHash, h.transitMountHash],
    [annotationKeys.transitKeyHash, h.transitKeyHash],
  ]);
  if (h.namespaceHash !== undefined) out.set(annotationKeys.namespaceHash, h.namespaceHash);
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
  /** Raw value, checked by verifyAnnotations: required and equal with a namespace, absent without one. */
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
  // Compared against the snapshot by verifyAnnotations (present exactly when it has a namespace).
  const namespaceHash = annotations.get(annotationKeys.namespaceHash);

  const version = atoi(annotations.get(annotationKeys.transitKeyVersion) ?? "");
  if (version === undefined || version <= 0) throw invalid("transit key version annotation");
  if ((annotations.get(annotationKeys.pluginVersion) ?? "") === "") throw invalid("plugin version annotation");
  if (annotations.get(annotationKeys.aadVersion) !== aadVersion) throw invalid("aad version annotation");

  return { keyIdHash, transitVersion: version, transitMountHash, transitKeyHash, namespaceHash };
}

/** Checks parsed annotations against the snapshot; throws KmsError annotation_mismatch. */
export function verifyAnnotations(parsed: ParsedAnnotations, snapshot: KeySnapshot): void {
  const h = hashesOf(snapshot);
  const matches =
    parsed.transitVersion === snapshot.transitVersion &&
    parsed.keyIdHash === h.keyIdHash &&
    parsed.transitMountHash === h.transitMountHash &&
    parsed.transitKeyHash === h.transitKeyHash &&
    // With a namespace the annotation must be present and equal; without one it must be absent
    // (the Go provider's TestAADNamespaceHashRequiredOnlyWhenConfigured, internal/aad/contract_test.go):
    // a ciphertext that claims a namespace was not written for this root-namespace key.
    parsed.namespaceHash === h.namespaceHash;
  if (!matches) throw new KmsError("annotation_mismatch");
}
