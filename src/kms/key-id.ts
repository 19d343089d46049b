// key_id derivation and parsing (docs/wire-format.md): "obk2." + H-style digest over the
// NUL-terminated identity parts. Byte-compatible with the Go implementation; never change.

import { createHash } from "node:crypto";
import { decodeBase64UrlNoPad } from "./hash.ts";
import type { KeyScope } from "./snapshot.ts";

const keyIdDomain = "openbao-kubernetes-kms/key-id/v1";
export const keyIdPrefix = "obk2.";
export const keyIdLength = 48;

/**
 * Derives the key_id of one Transit version. Throws RangeError on inputs the format forbids
 * (empty scope fields, version <= 0, creation time <= 0) — callers validate config first.
 */
export function deriveKeyId(scope: KeyScope, transitVersion: number, createdAtUnix: number): string {
  if (!Number.isSafeInteger(transitVersion) || transitVersion <= 0) throw new RangeError("transit version must be > 0");
  if (!Number.isSafeInteger(createdAtUnix) || createdAtUnix <= 0) throw new RangeError("creation time must be > 0");
  const required = [scope.providerName, scope.clusterId, scope.openbaoInstanceId, scope.transitMountId, scope.keyLineageId];
  if (required.some((p) => p === "")) throw new RangeError("key_id scope fields must be non-empty");

  const parts = [keyIdDomain, scope.providerName, scope.clusterId, scope.openbaoInstanceId];
  if (scope.openbaoNamespace !== "") parts.push(scope.openbaoNamespace);
  parts.push(scope.transitMountId, scope.keyLineageId, String(transitVersion), String(createdAtUnix));

  const h = createHash("sha256");
  for (const part of parts) {
    h.update(part, "utf8");
    h.update(nulByte);
  }
  return keyIdPrefix + h.digest("base64url");
}

const nulByte = new Uint8Array([0]);

/** True when `keyId` is well-formed: 48 chars, `obk2.` prefix, 32 bytes of base64url after it. */
export function isWellFormedKeyId(keyId: string): boolean {
  return (
    keyId.length === keyIdLength &&
    keyId.startsWith(keyIdPrefix) &&
    decodeBase64UrlNoPad(keyId.slice(keyIdPrefix.length))?.length === 32
  );
}
