// PLACEHOLDER until the registry persistence branch lands (it replaces this file).
import { nextState } from "./build.ts";
import { RegistryError, type RegistryState, type SnapshotRecord } from "./types.ts";

export interface TransitionResult {
  readonly next: RegistryState;
  readonly changed: boolean;
  readonly records: readonly SnapshotRecord[];
}

export function retireVersions(state: RegistryState, beforeVersion: number): TransitionResult {
  const active = state.snapshots.find((r) => r.kubernetesKeyId === state.activeKeyId);
  if (active === undefined) throw new RegistryError("corrupt", "no active record");
  if (!Number.isSafeInteger(beforeVersion) || beforeVersion <= 1 || beforeVersion > active.transitVersion) throw new RegistryError("progress", `--before-version must be in 2..${active.transitVersion}`);
  if (state.snapshots.some((r) => r.state === "pending")) throw new RegistryError("progress", "a rotation is pending");
  const removed = state.snapshots.filter((r) => r.state === "retired" && r.transitVersion < beforeVersion);
  if (removed.length === 0) return { next: state, changed: false, records: [] };
  const ids = new Set(removed.map((r) => r.kubernetesKeyId));
  return { next: nextState(state, state.snapshots.map((r) => (ids.has(r.kubernetesKeyId) ? { ...r, state: "removed" as const } : r)), state.activeKeyId), changed: true, records: removed };
}

export function restoreVersions(state: RegistryState, versions: readonly number[]): TransitionResult {
  const restored: SnapshotRecord[] = [];
  for (const v of versions) {
    const r = state.snapshots.find((x) => x.transitVersion === v && x.state === "removed");
    if (r === undefined) throw new RegistryError("progress", `version ${v} is not removed`);
    restored.push(r);
  }
  const ids = new Set(restored.map((r) => r.kubernetesKeyId));
  return { next: nextState(state, state.snapshots.map((r) => (ids.has(r.kubernetesKeyId) ? { ...r, state: "retired" as const } : r)), state.activeKeyId), changed: true, records: restored };
}
