// Builds the next generation of the registry from a list of records: canonical order,
// generation + 1, previousHash linked to the prior state, currentHash computed; and the
// conversions between file records and the KMS core's KeySnapshot.

import { computeStateHash, sortRecords } from "./state-hash.ts";
import type { KeyScope, KeySnapshot } from "../kms/snapshot.ts";
import { aadModeRequired, RegistryError, type RegistryState, type SnapshotRecord, stateSchemaVersion } from "./types.ts";

/**
 * The next generation, always written as v1alpha2. Its identity fingerprint is the one given
 * (the config's) or else the previous state's; a v1alpha1 predecessor has none, so the first
 * save after an upgrade must be given the config's.
 */
export function nextState(prev: RegistryState | undefined, records: readonly SnapshotRecord[], activeKeyId: string, identityFingerprint?: string): RegistryState {
  const fingerprint = identityFingerprint ?? prev?.identityFingerprint;
  if (fingerprint === undefined) throw new RegistryError("progress", "refusing to build a state without the config identity fingerprint");
  const generation = prev === undefined ? 1 : prev.generation + 1;
  const link = prev === undefined ? {} : { previousHash: prev.currentHash };
  const snapshots = sortRecords(records);
  const head = { schemaVersion: stateSchemaVersion as typeof stateSchemaVersion, identityFingerprint: fingerprint, generation, ...link };
  const currentHash = computeStateHash({ ...head, activeKeyId, snapshots });
  return { ...head, currentHash, activeKeyId, snapshots };
}

/** Observation metadata of a record (0 = not set, as in the file). */
export interface RecordObservation {
  readonly observedAtUnix?: number;
  readonly stableObservationCount?: number;
  readonly stableAtUnix?: number;
  readonly promotedAtUnix?: number;
}

/** A file record for a KMS-core snapshot; the snapshot's state, zero observation fields left out. */
export function recordFromSnapshot(s: KeySnapshot, observation: RecordObservation = {}): SnapshotRecord {
  const extra: Record<string, number> = {};
  for (const [k, v] of Object.entries(observation)) if (typeof v === "number" && v !== 0) extra[k] = v;
  return {
    providerName: s.scope.providerName,
    clusterId: s.scope.clusterId,
    openbaoInstanceId: s.scope.openbaoInstanceId,
    ...(s.scope.openbaoNamespace !== "" ? { openbaoNamespace: s.scope.openbaoNamespace } : {}),
    transitMountId: s.scope.transitMountId,
    transitKeyLineageId: s.scope.keyLineageId,
    transitVersion: s.transitVersion,
    transitVersionCreatedAtUnix: s.createdAtUnix,
    kubernetesKeyId: s.keyId,
    state: s.state,
    aadMode: aadModeRequired,
    ...extra,
  };
}

/** The key_id scope a record carries (its own fields, not the config's). */
export function recordScope(r: SnapshotRecord): KeyScope {
  return {
    providerName: r.providerName,
    clusterId: r.clusterId,
    openbaoInstanceId: r.openbaoInstanceId,
    openbaoNamespace: r.openbaoNamespace ?? "",
    transitMountId: r.transitMountId,
    keyLineageId: r.transitKeyLineageId,
  };
}

/** The KMS-core view of a record (scope, version, creation second, key_id, state). */
export function snapshotFromRecord(r: SnapshotRecord): KeySnapshot {
  return {
    scope: recordScope(r),
    transitVersion: r.transitVersion,
    createdAtUnix: r.transitVersionCreatedAtUnix,
    keyId: r.kubernetesKeyId,
    state: r.state,
  };
}
