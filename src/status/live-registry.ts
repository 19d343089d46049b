// The in-memory registry the KMS core reads: the last *persisted* state, indexed by key_id.
// Only the status controller publishes to it, and only after the state is durably saved
// (persist, then publish). Decrypt looks identities up here; it never calls OpenBao for that.

import type { KeyLookup } from "../kms/ports.ts";
import { isDecryptable, type KeySnapshot } from "../kms/snapshot.ts";
import { snapshotFromRecord } from "../registry/build.ts";
import type { RegistryState } from "../registry/types.ts";

export class LiveRegistry implements KeyLookup {
  private current: RegistryState | undefined;
  private byId = new Map<string, KeySnapshot>();
  private activeSnapshot: KeySnapshot | undefined;
  private readonly listeners: Array<() => void> = [];

  /** Calls `fn` after every publication (the seed cache drops what is no longer decryptable). */
  afterPublish(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Replaces the view with a state that has already been saved (its records carry their own scope, checked against the config on load). */
  publish(state: RegistryState): void {
    const byId = new Map<string, KeySnapshot>();
    let active: KeySnapshot | undefined;
    for (const r of state.snapshots) {
      const s = snapshotFromRecord(r);
      if (isDecryptable(s.state)) byId.set(s.keyId, s);
      if (r.kubernetesKeyId === state.activeKeyId && r.state === "active") active = s;
    }
    this.current = state;
    this.byId = byId;
    this.activeSnapshot = active;
    for (const fn of this.listeners) fn();
  }

  get state(): RegistryState | undefined {
    return this.current;
  }

  get active(): KeySnapshot | undefined {
    return this.activeSnapshot;
  }

  /** True when any persisted record (removed and rejected included) has this key_id. */
  hasRecord(keyId: string): boolean {
    return this.current?.snapshots.some((r) => r.kubernetesKeyId === keyId) ?? false;
  }

  /** Active, pending and retired identities only; removed and rejected ones are unknown. */
  lookup(keyId: string): KeySnapshot | undefined {
    return this.byId.get(keyId);
  }

  /** For openbao_kms_rotation_state: no state → unknown; a pending version → pending; else active. */
  rotationState(): "active" | "pending" | "unknown" {
    if (this.current === undefined) return "unknown";
    return this.current.snapshots.some((r) => r.state === "pending") ? "pending" : "active";
  }

  /** Transit versions of every decryptable identity, highest first (metrics, reports). */
  decryptableVersions(): number[] {
    return [...this.byId.values()].map((s) => s.transitVersion).sort((a, b) => b - a);
  }
}
