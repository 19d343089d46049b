// The persisted key registry (reference core-behaviour §4.5): field names, order and
// optionality are the Go implementation's, so a state file written by either loads in the
// other. The hash chain is computed over compact Go JSON of these fields in this order.
// Shared contract between the store (persistence), the rotation state machine and the CLI.

import type { SnapshotState } from "../kms/snapshot.ts";

/** The schema we write (the Go provider's newest): v1alpha1 plus identityFingerprint. */
export const stateSchemaVersion = "keyregistry.openbao-kms/v1alpha2";
/** The schema we wrote before; still loaded, and upgraded to v1alpha2 by the next save. */
export const legacyStateSchemaVersion = "keyregistry.openbao-kms/v1alpha1";
export type StateSchemaVersion = typeof stateSchemaVersion | typeof legacyStateSchemaVersion;
/** Prefix of the config identity fingerprint (src/config/fingerprint.ts). */
export const identityFingerprintPrefix = "cfg1.";
export const checkpointSchemaVersion = "keyregistry.openbao-kms/checkpoint/v1alpha1";
export const stateHashPrefix = "krs1.";
/** The only AAD mode the wire format knows. */
export const aadModeRequired = "aad.required";

/** One Transit version's identity and lifecycle, in file field order. */
export interface SnapshotRecord {
  readonly providerName: string;
  readonly clusterId: string;
  readonly openbaoInstanceId: string;
  /** Omitted from the file (and the hash) when empty. */
  readonly openbaoNamespace?: string;
  readonly transitMountId: string;
  readonly transitKeyLineageId: string;
  readonly transitVersion: number;
  readonly transitVersionCreatedAtUnix: number;
  readonly kubernetesKeyId: string;
  readonly state: SnapshotState;
  readonly aadMode: typeof aadModeRequired;
  /** The four below are omitted when 0 (Go omitempty). */
  readonly observedAtUnix?: number;
  readonly stableObservationCount?: number;
  readonly stableAtUnix?: number;
  readonly promotedAtUnix?: number;
}

/** The whole state file, in file field order. */
export interface RegistryState {
  readonly schemaVersion: StateSchemaVersion;
  /** v1alpha2 only (required there, absent in v1alpha1): "cfg1." + 43 chars, hashed right after schemaVersion. */
  readonly identityFingerprint?: string;
  readonly generation: number;
  /** Omitted only for a generation-1 state. */
  readonly previousHash?: string;
  readonly currentHash: string;
  readonly activeKeyId: string;
  readonly snapshots: readonly SnapshotRecord[];
}

export interface Checkpoint {
  readonly schemaVersion: typeof checkpointSchemaVersion;
  readonly generation: number;
  readonly currentHash: string;
}

/** Why loading or saving failed; `kind` is stable (logs, exit messages), `message` names no secret. */
export type RegistryErrorKind =
  | "corrupt" // undecodable, unknown fields, hash mismatch, bad records, not exactly one active
  | "permission" // file/dir mode, owner, symlink, not a regular file
  | "rollback" // not the checkpoint's generation or its direct successor (gap, divergence, older)
  | "checkpoint_without_state" // a checkpoint exists but the state file does not
  | "locked" // another process holds <state>.lock
  | "scope_mismatch" // records, or the identity fingerprint, do not match the configured identity
  | "progress" // a new generation that breaks ValidateStateProgress
  | "io"; // any other filesystem failure

export class RegistryError extends Error {
  override readonly name = "RegistryError" as const;
  /** The system error code of a file operation that failed (ENOSPC, EROFS, EACCES, …), when there was one. */
  readonly errno: string | undefined;
  constructor(
    readonly kind: RegistryErrorKind,
    message: string,
    options: { readonly errno?: string | undefined } = {},
  ) {
    super(message);
    this.errno = options.errno;
  }
}

/** Result of reading the state/checkpoint pair from disk. */
export type LoadResult =
  | { readonly kind: "missing" } // neither the state file nor the checkpoint exists
  | { readonly kind: "loaded"; readonly state: RegistryState; readonly checkpoint: "current" | "behind" | "absent" };

/** Durable storage of the registry. `save` writes the state then the checkpoint, each atomically. */
export interface RegistryStore {
  load(): Promise<LoadResult>;
  save(next: RegistryState): Promise<void>;
}
