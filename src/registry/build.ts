// PLACEHOLDER until the registry persistence branch lands (it replaces this file).
import { computeStateHash, sortRecords } from "./state-hash.ts";
import { type RegistryState, type SnapshotRecord, stateSchemaVersion } from "./types.ts";

type Body = Omit<RegistryState, "currentHash">;

export function nextState(prev: RegistryState | undefined, records: readonly SnapshotRecord[], activeKeyId: string): RegistryState {
  const body: Body = {
    schemaVersion: stateSchemaVersion,
    generation: prev === undefined ? 1 : prev.generation + 1,
    ...(prev === undefined ? {} : { previousHash: prev.currentHash }),
    activeKeyId,
    snapshots: sortRecords(records),
  };
  const h = computeStateHash(body);
  return { schemaVersion: stateSchemaVersion, generation: body.generation, ...(prev === undefined ? {} : { previousHash: prev.currentHash }), currentHash: h, activeKeyId, snapshots: body.snapshots };
}
