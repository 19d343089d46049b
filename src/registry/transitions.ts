// The two operator transitions (reference §2.9 rule 44): retire (retired → removed below a
// version; the only change allowed to drop decrypt eligibility) and its undo, restore
// (removed → retired for named versions). Pure: they return the next generation; the CLI
// checks live metadata, takes the lock and saves it.

import { nextState } from "./build.ts";
import { RegistryError, type RegistryState, type SnapshotRecord } from "./types.ts";

export interface TransitionResult {
  /** The new generation, or the same state when nothing changes. */
  readonly next: RegistryState;
  readonly changed: boolean;
  /** The records retired (retire) or restored (restore), highest version first. */
  readonly records: readonly SnapshotRecord[];
}

const refuse = (message: string) => new RegistryError("progress", message);

/** `identityFingerprint`: the config's, needed when `state` is a v1alpha1 file (the save upgrades it). */
export function retireVersions(state: RegistryState, beforeVersion: number, identityFingerprint?: string): TransitionResult {
  const active = state.snapshots.find((r) => r.kubernetesKeyId === state.activeKeyId);
  if (active === undefined) throw new RegistryError("corrupt", "the state has no active snapshot");
  if (!Number.isSafeInteger(beforeVersion) || beforeVersion <= 1 || beforeVersion > active.transitVersion) {
    throw refuse(`--before-version must be between 2 and the active version ${active.transitVersion}`);
  }
  const pending = state.snapshots.filter((r) => r.state === "pending").map((r) => r.transitVersion);
  if (pending.length > 0) throw refuse(`version ${pending.join(", ")} is pending: let the rotation finish (or settle) before retiring versions`);
  const removed = state.snapshots.filter((r) => r.state === "retired" && r.transitVersion < beforeVersion).sort((a, b) => b.transitVersion - a.transitVersion);
  if (removed.length === 0) return { next: state, changed: false, records: [] };
  const ids = new Set(removed.map((r) => r.kubernetesKeyId));
  const records = state.snapshots.map((r) => (ids.has(r.kubernetesKeyId) ? { ...r, state: "removed" as const } : r));
  return { next: nextState(state, records, state.activeKeyId, identityFingerprint), changed: true, records: removed };
}

export function restoreVersions(state: RegistryState, versions: readonly number[], identityFingerprint?: string): TransitionResult {
  if (versions.length === 0) throw refuse("no versions given");
  const active = state.snapshots.find((r) => r.kubernetesKeyId === state.activeKeyId);
  if (active === undefined) throw new RegistryError("corrupt", "the state has no active snapshot");
  const asked = new Set<number>();
  for (const v of versions) {
    if (!Number.isSafeInteger(v) || v < 1) throw refuse("versions must be whole numbers >= 1");
    if (asked.has(v)) throw refuse(`version ${v} is given twice`);
    asked.add(v);
    if (v >= active.transitVersion) throw refuse(`version ${v} is not below the active version ${active.transitVersion}: only historical versions can be restored`);
  }
  const restored: SnapshotRecord[] = [];
  for (const v of versions) {
    const matches = state.snapshots.filter((r) => r.transitVersion === v);
    const removed = matches.find((r) => r.state === "removed");
    if (removed === undefined) {
      const now = matches.map((r) => r.state).join("/") || "not in the registry";
      throw refuse(`version ${v} is ${now}, not removed: only removed versions can be restored`);
    }
    restored.push(removed);
  }
  const ids = new Set(restored.map((r) => r.kubernetesKeyId));
  const records = state.snapshots.map((r) => (ids.has(r.kubernetesKeyId) ? { ...r, state: "retired" as const } : r));
  restored.sort((a, b) => b.transitVersion - a.transitVersion);
  return { next: nextState(state, records, state.activeKeyId, identityFingerprint), changed: true, records: restored };
}
