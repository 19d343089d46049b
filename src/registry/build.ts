// Builds the next generation of the registry from a list of records: canonical order,
// generation + 1, previousHash linked to the prior state, currentHash computed.

import { computeStateHash, sortRecords } from "./state-hash.ts";
import { type RegistryState, type SnapshotRecord, stateSchemaVersion } from "./types.ts";

export function nextState(prev: RegistryState | undefined, records: readonly SnapshotRecord[], activeKeyId: string): RegistryState {
  const generation = prev === undefined ? 1 : prev.generation + 1;
  const link = prev === undefined ? {} : { previousHash: prev.currentHash };
  const snapshots = sortRecords(records);
  const currentHash = computeStateHash({ schemaVersion: stateSchemaVersion, generation, ...link, activeKeyId, snapshots });
  return { schemaVersion: stateSchemaVersion, generation, ...link, currentHash, activeKeyId, snapshots };
}
