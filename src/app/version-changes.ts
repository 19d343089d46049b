// retire-versions and restore-versions: pure plans against live Transit metadata, and the apply
// flow (lock, load, plan, check the reviewed hash, save). The commands only parse and render.

import type { Config } from "../config/schema.ts";
import { expectedIdentityOf } from "../keys/identity.ts";
import { keyScopeOf } from "../keys/scope.ts";
import { hashValue } from "../kms/hash.ts";
import type { KeyMetadata } from "../kms/ports.ts";
import { checkRestorable } from "../registry/restore-rules.ts";
import { acquireStateLock } from "../registry/store/lock.ts";
import { restoreVersions, retireVersions } from "../registry/transitions.ts";
import { RegistryError, type RegistryState, type SnapshotRecord } from "../registry/types.ts";
import { observe, RotationError, versionAvailability } from "../status/rotation.ts";
import { registryStore } from "./registry.ts";
import { activeOf, loadState, readMetadata, rotationLimitations } from "./rotation-view.ts";

export interface Planned {
  readonly next: RegistryState;
  readonly changed: boolean;
  readonly records: readonly SnapshotRecord[];
}

/**
 * Refusals that do not depend on the operation: live metadata must validate every retained
 * version. `tolerateTrimmed` (retire-versions, before planning) leaves out retired versions
 * Transit trimmed (below min_available_version): their ciphertext is already lost, and removing
 * them is what makes the registry agree with OpenBao again. The planned state is then checked
 * without that allowance, so a trimmed version the change does not remove still refuses it.
 */
function checkLive(state: RegistryState, meta: KeyMetadata, config: Config, opts: { readonly tolerateTrimmed?: boolean } = {}): void {
  const records = opts.tolerateTrimmed
    ? state.snapshots.filter((r) => !(r.state === "retired" && versionAvailability(meta, r.transitVersion) === "trimmed"))
    : state.snapshots;
  try {
    observe({ records, activeKeyId: state.activeKeyId, meta, scope: keyScopeOf(config), nowMs: Date.now(), policy: config.rotation, promotionHoldUntilMs: Number.MAX_SAFE_INTEGER, mode: "observe" });
  } catch (e) {
    if (e instanceof RotationError) throw new RegistryError("progress", `live Transit metadata does not validate the registry (${e.reason}): ${e.message}`);
    throw e;
  }
}

/**
 * The retire-versions plan against live metadata (pure; throws RegistryError when refused).
 * Retired versions Transit trimmed may be removed (their ciphertext is already lost); the
 * planned state must validate in full, so the active version, any trimmed version left behind,
 * or any other inconsistency still refuses it.
 */
export function planRetire(state: RegistryState, meta: KeyMetadata, before: number, config: Config): Planned {
  checkLive(state, meta, config, { tolerateTrimmed: true });
  const active = activeOf(state);
  if (meta.latestVersion !== active.transitVersion) {
    throw new RegistryError("progress", `the active version ${active.transitVersion} is not Transit's latest (${meta.latestVersion}): let the rotation finish first`);
  }
  const planned = retireVersions(state, before, expectedIdentityOf(config).fingerprint);
  if (planned.changed) checkLive(planned.next, meta, config);
  return planned;
}

/** The restore-versions plan against live metadata (pure; throws RegistryError when refused). */
export function planRestore(state: RegistryState, meta: KeyMetadata, versions: readonly number[], config: Config): Planned {
  checkLive(state, meta, config);
  const keyPath = `${config.transit.mountPath}/keys/${config.transit.keyName}`;
  for (const v of versions) {
    const r = state.snapshots.find((x) => x.transitVersion === v && (x.state === "removed" || x.state === "retired"));
    if (r === undefined) continue; // the transition reports it
    checkRestorable(r, { availability: versionAvailability(meta, v), createdAtUnix: meta.createdAtUnix.get(v), minAvailableVersion: meta.minAvailableVersion, minDecryptionVersion: meta.minDecryptionVersion, keyPath });
  }
  return restoreVersions(state, versions, expectedIdentityOf(config).fingerprint);
}

export interface ChangeRequest {
  readonly operation: "retire" | "restore";
  readonly config: Config;
  readonly apply: boolean;
  readonly expectedHash: string | undefined;
  readonly extra: Record<string, unknown>;
  /** Plans the change on `state`; throws RegistryError when refused. */
  plan(state: RegistryState, meta: KeyMetadata): Planned;
  /** Told once when the save rewrites a v1alpha1 state as v1alpha2. */
  readonly onUpgrade?: () => void;
  /**
   * After planning: facts for the view (etcd's objects on the changed versions) and, when the
   * change must not go ahead, why (retire-versions with objects still on a version it removes).
   */
  checkObjects?(state: RegistryState, planned: Planned): Promise<{ readonly extra: Record<string, unknown>; readonly refusal?: string }>;
}

/** `view` is the plan (or what was applied); `refused` says why nothing was (or can be) saved. */
export interface ChangeOutcome {
  readonly view?: Record<string, unknown>;
  readonly refused?: string;
}

export async function runVersionChange(c: ChangeRequest): Promise<ChangeOutcome> {
  const read = await readMetadata(c.config);
  if ("error" in read) return { refused: `cannot read Transit key metadata (${read.error}): run 'bao-kms-provider doctor'` };
  // --apply: lock first, so the state cannot change between the check and the save.
  let lock: { release(): void } | undefined;
  try {
    if (c.apply) lock = await acquireStateLock(c.config.state.path);
    const store = registryStore(c.config, { info: () => c.onUpgrade?.() });
    const loaded = await loadState(c.config, store);
    if (loaded.kind === "error") return { refused: `key registry ${c.config.state.path}: ${loaded.error.message}` };
    if (loaded.kind === "missing") return { refused: `no key registry state at ${c.config.state.path}` };
    const state = loaded.state;
    let planned: Planned;
    try {
      planned = c.plan(state, read.meta);
    } catch (e) {
      if (e instanceof RegistryError) return { refused: e.message };
      throw e;
    }
    const view = {
      operation: c.operation,
      applied: false,
      ...c.extra,
      stateHash: state.currentHash,
      nextStateHash: planned.changed ? planned.next.currentHash : state.currentHash,
      nextGeneration: planned.changed ? planned.next.generation : state.generation,
      activeKeyIdHash: hashValue(state.activeKeyId),
      [c.operation === "retire" ? "removedVersions" : "restoredVersions"]: planned.records.map((r) => ({ transitVersion: r.transitVersion, keyIdHash: hashValue(r.kubernetesKeyId), transit: versionAvailability(read.meta, r.transitVersion) })),
      limitations: [...rotationLimitations],
    };
    const objects = planned.changed ? await c.checkObjects?.(state, planned) : undefined;
    Object.assign(view, objects?.extra ?? {});
    // Counted in etcd, the first limitation (objects not rewritten) no longer applies.
    if (objects?.extra.objectsScanned !== undefined) view.limitations = rotationLimitations.slice(1);
    if (objects?.refusal !== undefined) return { view, refused: objects.refusal };
    if (c.apply) {
      if (state.currentHash !== c.expectedHash) return { view, refused: `state hash differs from reviewed plan (now ${state.currentHash}): review the new plan and run again` };
      if (planned.changed) {
        try {
          await store.saveTransition(planned.next, c.operation);
        } catch (e) {
          if (e instanceof RegistryError) return { refused: `saving ${c.config.state.path} failed: ${e.message}` };
          throw e;
        }
      }
      view.applied = planned.changed;
    }
    return { view };
  } catch (e) {
    if (e instanceof RegistryError) return { refused: e.message };
    throw e;
  } finally {
    lock?.release();
  }
}
