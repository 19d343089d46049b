// What a Transit metadata observation must satisfy before the rotation state machine uses it:
// the key's profile and minimum versions (validateMetadata), and every retained version still
// held by Transit (checkRetained). Pure. Failures are RotationError, each a Status reason.

import { softDeletedAdvice } from "../keys/archive-advice.ts";
import { checkKeyProfile, KeyProfileError } from "../keys/from-metadata.ts";
import type { KeyMetadata } from "../kms/ports.ts";
import type { SnapshotState } from "../kms/snapshot.ts";
import type { SnapshotRecord } from "../registry/types.ts";

/** Why an observation fails closed; each is a Status-unhealthy reason. */
export type RotationFailure = "profile_invalid" | "key_soft_deleted" | "version_rollback" | "creation_time_drift" | "version_unavailable";

/** A soft-deleted key where the mount and key name are not known (validateMetadata); see operatorMessage. */
export const softDeletedMessage = softDeletedAdvice("<mount>", "<name>");

export class RotationError extends Error {
  override readonly name = "RotationError" as const;
  constructor(
    readonly reason: RotationFailure,
    message: string,
  ) {
    super(message);
  }

  /** The message for an operator, naming the configured key (start-up errors). */
  operatorMessage(mount: string, key: string): string {
    return this.reason === "key_soft_deleted" ? softDeletedAdvice(mount, key) : `Transit key ${mount}/keys/${key}: ${this.message}`;
  }
}

/** Bootstrap refused: state must be restored by the operator (message says what to restore). */
export class BootstrapDeniedError extends Error {
  override readonly name = "BootstrapDeniedError" as const;
}



export const decryptable = (s: SnapshotState) => s === "active" || s === "pending" || s === "retired";

/**
 * Every structural rule on the metadata itself (§2.9 rule 39): a safe profile, sane minimum
 * versions, and well-formed version entries with creation times.
 */
export function validateMetadata(meta: KeyMetadata): void {
  // Checked first: a soft-deleted key is refused whatever else it looks like (keysutil ErrSoftDeleted).
  if (meta.softDeleted === true) throw new RotationError("key_soft_deleted", softDeletedMessage);
  try {
    checkKeyProfile(meta);
  } catch (e) {
    if (e instanceof KeyProfileError) throw new RotationError("profile_invalid", e.message);
    throw e;
  }
  const latest = meta.latestVersion;
  if (meta.minAvailableVersion < 0 || meta.minAvailableVersion > latest) {
    throw new RotationError("profile_invalid", `min_available_version ${meta.minAvailableVersion} is outside 0..${latest}`);
  }
  if (meta.minDecryptionVersion > latest) throw new RotationError("profile_invalid", `min_decryption_version ${meta.minDecryptionVersion} is above latest_version ${latest}`);
  for (const [version, created] of meta.createdAtUnix) {
    if (!Number.isSafeInteger(version) || version < 1 || version > latest) throw new RotationError("profile_invalid", `Transit key lists version ${version} outside 1..${latest}`);
    if (!Number.isSafeInteger(created) || created <= 0) throw new RotationError("profile_invalid", `Transit key version ${version} has no valid creation time`);
  }
  if (!meta.createdAtUnix.has(latest)) throw new RotationError("profile_invalid", `Transit key latest version ${latest} has no creation time`);
}

/** How Transit holds one version at or below latest_version (see versionAvailability). */
export type VersionAvailability = "trimmed" | "archived" | "vanished" | "listed";

/**
 * One classifier for every caller (probe, restore-versions, retire-versions), in the only order
 * that is right: OpenBao lists only versions >= min_decryption_version, so "not listed" means
 * "vanished" once trimming (below min_available_version: key material deleted for good) and
 * archiving (below min_decryption_version: brought back by lowering it) are ruled out.
 */
export function versionAvailability(meta: KeyMetadata, version: number): VersionAvailability {
  if (meta.minAvailableVersion > version) return "trimmed";
  if (meta.minDecryptionVersion > version) return "archived";
  return meta.createdAtUnix.has(version) ? "listed" : "vanished";
}

/**
 * Rule 42, with OpenBao's archive (sdk/helper/keysutil/policy.go handleArchiving): Transit
 * lists only versions >= min_decryption_version. For every decryptable record:
 * - below min_available_version: trimmed, its key material deleted for good → fail closed;
 * - below min_decryption_version: archived. The active version archived → fail closed (nothing
 *   could be encrypted or decrypted with it); any other version is reported in `archived` and
 *   Status stays healthy: its ciphertext fails until the minimum is lowered again;
 * - otherwise it must be listed ("vanished" → fail closed) with the same creation second.
 * Also returns whether min_encryption_version blocks the active version.
 */
export function checkRetained(records: readonly SnapshotRecord[], activeKeyId: string, meta: KeyMetadata): { blocked: boolean; archived: SnapshotRecord[] } {
  let blocked = false;
  const archived: SnapshotRecord[] = [];
  for (const r of records) {
    if (!decryptable(r.state)) continue;
    const v = r.transitVersion;
    const isActive = r.kubernetesKeyId === activeKeyId;
    if (v > meta.latestVersion) throw new RotationError("version_rollback", `Transit latest_version ${meta.latestVersion} is below registered version ${v}`);
    const availability = versionAvailability(meta, v);
    if (availability === "trimmed") {
      // A retained (retired) version's ciphertext is lost either way; retire-versions makes the
      // registry say so, after which the probes validate again.
      const way = isActive ? "" : `; once that loss is accepted, stop tracking it with 'bao-kms-provider retire-versions --before-version ${meta.minAvailableVersion}' (serve stopped; refused while a rotation is pending)`;
      throw new RotationError("version_unavailable", `Transit key version ${v} was trimmed (min_available_version ${meta.minAvailableVersion}): its key material is deleted and no setting brings it back${way}`);
    }
    if (availability === "archived") {
      if (isActive) {
        throw new RotationError("version_unavailable", `the active version ${v} is archived by Transit min_decryption_version ${meta.minDecryptionVersion}: lower min_decryption_version to ${v} or less`);
      }
      archived.push(r);
      continue;
    }
    if (availability === "vanished") {
      throw new RotationError("version_unavailable", `Transit key version ${v} is no longer listed although min_decryption_version ${meta.minDecryptionVersion} does not archive it (the version vanished)`);
    }
    const created = meta.createdAtUnix.get(v);
    if (created !== r.transitVersionCreatedAtUnix) throw new RotationError("creation_time_drift", `Transit key version ${v} creation time changed; the key was replaced`);
    if (isActive && meta.minEncryptionVersion > v) blocked = true;
  }
  archived.sort((a, b) => a.transitVersion - b.transitVersion);
  return { blocked, archived };
}
