// Temporary key set for the skeleton: the latest Transit version is active and every version
// from min_decryption_version up is decryptable. The persisted key registry replaces this.

import { deriveKeyId } from "../kms/key-id.ts";
import type { KeyLookup, StatusSource, StatusView } from "../kms/ports.ts";
import type { KeyScope, KeySnapshot } from "../kms/snapshot.ts";
import type { KeyMetadata } from "../kms/ports.ts";

/** Why a Transit key cannot be used; the message names the problem and nothing secret. */
export class KeyProfileError extends Error {
  override readonly name = "KeyProfileError" as const;
}

/** Refuses keys this provider must not use (fail closed) and returns the active version. */
export function checkKeyProfile(meta: KeyMetadata): void {
  const problems: string[] = [];
  if (meta.softDeleted === true) problems.push("key is soft-deleted");
  if (meta.type !== "aes256-gcm96") problems.push("type is not aes256-gcm96");
  if (meta.exportable) problems.push("key is exportable");
  if (meta.allowPlaintextBackup) problems.push("plaintext backup is allowed");
  if (meta.deletionAllowed) problems.push("deletion is allowed");
  if (meta.derived) problems.push("key is derived");
  if (!meta.supportsEncryption || !meta.supportsDecryption) problems.push("key does not support encrypt and decrypt");
  if (meta.latestVersion < 1) problems.push("key has no versions");
  if (meta.minEncryptionVersion > meta.latestVersion) problems.push("min_encryption_version blocks the latest version");
  if (problems.length > 0) throw new KeyProfileError(`Transit key is not usable: ${problems.join("; ")}`);
}

/** Builds snapshots for every decryptable version; the latest is active. */
export function snapshotsFromMetadata(scope: KeyScope, meta: KeyMetadata): KeySnapshot[] {
  checkKeyProfile(meta);
  const out: KeySnapshot[] = [];
  const first = Math.max(1, meta.minDecryptionVersion, meta.minAvailableVersion);
  for (let version = meta.latestVersion; version >= first; version--) {
    const created = meta.createdAtUnix.get(version);
    if (created === undefined || created <= 0) {
      if (version === meta.latestVersion) throw new KeyProfileError(`Transit key version ${version} has no creation time`);
      continue;
    }
    const state = version === meta.latestVersion ? "active" : "retired";
    out.push({ scope, transitVersion: version, createdAtUnix: created, keyId: deriveKeyId(scope, version, created), state });
  }
  return out;
}

/** A fixed key set: lookup by key_id, and a Status view that is healthy with the active key. */
export function staticKeySet(snapshots: readonly KeySnapshot[]): KeyLookup & StatusSource {
  const byId = new Map(snapshots.map((s) => [s.keyId, s]));
  const active = snapshots.find((s) => s.state === "active");
  const view: StatusView = active ? { healthz: "ok", keyId: active.keyId, active } : { healthz: "unhealthy", keyId: "", active: undefined };
  return {
    lookup: (keyId) => byId.get(keyId),
    current: () => view,
  };
}
