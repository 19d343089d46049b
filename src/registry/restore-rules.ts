// Whether a version may be made decryptable again (restore-versions), from what Transit says of
// it now. Pure: the caller passes the version's availability in Transit and its creation time.
// Order matters: OpenBao does not list archived versions, so "not listed" only means "vanished"
// once trimming and archiving are ruled out.

import type { SnapshotRecord } from "./types.ts";
import { RegistryError } from "./types.ts";

/** Where a version stands in Transit (see status/rotation.ts versionAvailability). */
export type TransitAvailability = "listed" | "trimmed" | "archived" | "vanished";

export interface RestoreFacts {
  readonly availability: TransitAvailability;
  /** Transit's creation time of the version (Unix seconds), when listed. */
  readonly createdAtUnix: number | undefined;
  readonly minAvailableVersion: number;
  readonly minDecryptionVersion: number;
  /** "<mount>/keys/<key>", for the command that lowers the minimum. */
  readonly keyPath: string;
}

/**
 * Throws RegistryError("progress") when `record` (removed or retired) cannot come back as it is.
 * A retired version is checked too: if Transit archives it, the advice (lower the minimum) is
 * what the operator needs, not "only removed versions can be restored".
 */
export function checkRestorable(record: SnapshotRecord, f: RestoreFacts): void {
  const v = record.transitVersion;
  if (f.availability === "trimmed") {
    throw new RegistryError("progress", `Transit trimmed version ${v} (min_available_version ${f.minAvailableVersion}): its key material is deleted and it cannot be decrypted again`);
  }
  if (f.availability === "archived") {
    throw new RegistryError(
      "progress",
      `Transit archives version ${v} (min_decryption_version ${f.minDecryptionVersion}): lower it first with 'bao write ${f.keyPath}/config min_decryption_version=${v}', which brings the version back, then run restore-versions again`,
    );
  }
  if (record.state !== "removed") return; // the transition reports a retired version
  if (f.availability === "vanished" || f.createdAtUnix === undefined) throw new RegistryError("progress", `Transit no longer lists version ${v} although min_decryption_version does not archive it: it cannot be decrypted again`);
  if (f.createdAtUnix !== record.transitVersionCreatedAtUnix) throw new RegistryError("progress", `Transit version ${v} has a different creation time than the registry (the key was replaced)`);
}
