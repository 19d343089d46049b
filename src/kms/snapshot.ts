// The identity of one Transit key version as the KMS core sees it. Everything that goes into
// key_id, annotations and AAD comes from a KeySnapshot, never from a request.

/** The configured scope every snapshot of this provider shares (identity-bearing config). */
export interface KeyScope {
  readonly providerName: string;
  readonly clusterId: string;
  readonly openbaoInstanceId: string;
  /** "" when no namespace is configured; then it is left out of key_id, annotations and AAD. */
  readonly openbaoNamespace: string;
  readonly transitMountId: string;
  readonly keyLineageId: string;
}

/** States of a registry record; only some are decryptable. */
export type SnapshotState = "active" | "pending" | "retired" | "rejected" | "removed";

export interface KeySnapshot {
  readonly scope: KeyScope;
  /** Transit key version, > 0. */
  readonly transitVersion: number;
  /** Creation time of that version, whole Unix seconds (UTC), > 0. */
  readonly createdAtUnix: number;
  /** Derived key_id (`obk2.` + 43 chars). */
  readonly keyId: string;
  readonly state: SnapshotState;
}

/** True for the states whose ciphertext Decrypt may open. */
export function isDecryptable(state: SnapshotState): boolean {
  return state === "active" || state === "retired" || state === "pending";
}
