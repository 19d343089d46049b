// What rotation-plan and verify-rotation report: this node's key registry against live Transit
// metadata, and what the next metadata probe would conclude. Read-only; key_ids as hashes.

import type { Config } from "../config/schema.ts";
import { archivedAdvice } from "../keys/archive-advice.ts";
import { keyScopeOf } from "../keys/scope.ts";
import { TransitError } from "../kms/errors.ts";
import { hashValue } from "../kms/hash.ts";
import type { KeyMetadata } from "../kms/ports.ts";
import { AuthError } from "../openbao/auth/errors.ts";
import { CaBundleError } from "../openbao/from-config.ts";
import type { TransitClient } from "../openbao/transit-client.ts";
import type { FileRegistryStore } from "../registry/store/file-store.ts";
import { RegistryError, type LoadResult, type RegistryState, type SnapshotRecord } from "../registry/types.ts";
import { deepProbe } from "../status/deep-probe.ts";
import { observe, RotationError, validateMetadata } from "../status/rotation.ts";
import { openBaoClients } from "./openbao.ts";
import type { EtcdConfig } from "../config/etcd-schema.ts";
import { objectsInUse } from "./objects-in-use.ts";
import { loadRegistry } from "./registry.ts";

/** What local state cannot prove; printed by verify-rotation, retire-versions and restore-versions. */
export const rotationLimitations = [
  "local state cannot prove that every Secret in etcd was rewritten under the active key (run a storage migration: kubectl get secrets -A -o json | kubectl replace -f -)",
  "local state cannot see etcd backups or other clusters' data encrypted under older versions",
  "each control-plane node has its own registry: run the same command on every node",
] as const;

/** A failure's class for reports, never OpenBao's text. */
export function failureClass(e: unknown): string {
  if (e instanceof AuthError) return `auth_${e.authClass}`;
  if (e instanceof TransitError) return e.kind;
  if (e instanceof DOMException && e.name === "TimeoutError") return "timeout";
  return "failed";
}

/** Reads the key metadata once (login included); failures become a class, never OpenBao's text. */
export async function readMetadata(config: Config): Promise<{ meta: KeyMetadata; transit: TransitClient } | { error: string }> {
  let transit: TransitClient;
  try {
    transit = (await openBaoClients(config)).transit;
  } catch (e) {
    if (e instanceof CaBundleError) return { error: "ca_cert_unreadable" };
    throw e;
  }
  try {
    return { meta: await transit.readKey(AbortSignal.timeout(config.openbao.timeoutMs * 3)), transit };
  } catch (e) {
    return { error: failureClass(e) };
  }
}

export type Loaded = LoadResult | { readonly kind: "error"; readonly error: RegistryError };

/** loadRegistry with its refusal as a value (reports show it instead of failing). */
export async function loadState(config: Config, store?: FileRegistryStore): Promise<Loaded> {
  try {
    return await loadRegistry(config, store);
  } catch (e) {
    if (e instanceof RegistryError) return { kind: "error", error: e };
    throw e;
  }
}

export const activeOf = (s: RegistryState) => s.snapshots.find((r) => r.kubernetesKeyId === s.activeKeyId) as SnapshotRecord;
const pendingOf = (s: RegistryState) => s.snapshots.filter((r) => r.state === "pending").sort((a, b) => b.transitVersion - a.transitVersion)[0];
const rfc3339 = (unix: number) => new Date(unix * 1000).toISOString().replace(".000Z", "Z");

export interface RotationView extends Record<string, unknown> {
  transitMetadataStatus: "ok" | "failed";
  transitMetadataError?: string;
  stateLoaded: boolean;
  stateError?: string;
  stateGeneration: number | null;
  stateHash: string | null;
  checkpointStatus: "current" | "behind" | "missing" | "absent";
  rotationState: "stable" | "pending" | "blocked" | "uninitialized" | "unknown";
  activeKeyIdHash: string | null;
  activeTransitVersion: number | null;
  latestTransitVersion: number | null;
  pendingKeyIdHash: string | null;
  pendingTransitVersion: number | null;
  pendingStableObservationCount: number | null;
  pendingPromotesAfter: string | null;
  nextProbe: string;
  decryptableVersions: number[];
  removedVersions: number[];
  /** Retained versions Transit archives below min_decryption_version (still decryptable in the registry). */
  archivedVersions: number[];
  /** What to do about archivedVersions (null when there are none). */
  archivedAdvice: string | null;
  /**
   * When the next probe would promote: the candidate's encrypt/decrypt round trip, run now by
   * this command ("ok" or the failure class); serve defers the promotion while it fails.
   */
  pendingRoundTrip?: string;
  /** With etcd settings: objects in etcd per Transit version of this registry (from one scan). */
  objectsByVersion?: Record<string, number>;
  /** With etcd settings that could not be used: why the objects were not counted. */
  objectCheck?: string;
}

export async function rotationView(config: Config, etcd?: EtcdConfig): Promise<{ view: RotationView; problem?: string }> {
  const [loaded, read] = await Promise.all([loadState(config), readMetadata(config)]);
  const result = await registryView(config, loaded, read);
  if (etcd !== undefined && loaded.kind === "loaded") {
    const use = await objectsInUse(etcd, loaded.state);
    if (use.checked) result.view.objectsByVersion = Object.fromEntries([...use.byVersion].sort(([a], [b]) => a - b).map(([v, n]) => [String(v), n]));
    else result.view.objectCheck = `not checked: ${use.reason}`;
  }
  return result;
}

/** Objects in etcd still on a version other than the active one ("N objects still on version V"). */
export function objectsOffActive(view: RotationView): string[] {
  const counts = view.objectsByVersion ?? {};
  return Object.entries(counts)
    .filter(([v, n]) => Number(v) !== view.activeTransitVersion && n > 0)
    .map(([v, n]) => `${n} objects still on version ${v}`);
}

async function registryView(config: Config, loaded: Loaded, read: Awaited<ReturnType<typeof readMetadata>>): Promise<{ view: RotationView; problem?: string }> {
  const meta = "meta" in read ? read.meta : undefined;
  const state = loaded.kind === "loaded" ? loaded.state : undefined;
  const active = state ? activeOf(state) : undefined;
  const pending = state ? pendingOf(state) : undefined;
  const view: RotationView = {
    transitMetadataStatus: meta ? "ok" : "failed",
    ...("error" in read ? { transitMetadataError: read.error } : {}),
    stateLoaded: state !== undefined,
    ...(loaded.kind === "error" ? { stateError: `${loaded.error.kind}: ${loaded.error.message}` } : {}),
    stateGeneration: state?.generation ?? null,
    stateHash: state?.currentHash ?? null,
    checkpointStatus: loaded.kind === "loaded" ? (loaded.checkpoint === "absent" ? "missing" : loaded.checkpoint) : "absent",
    rotationState: "unknown",
    activeKeyIdHash: active ? hashValue(active.kubernetesKeyId) : null,
    activeTransitVersion: active?.transitVersion ?? null,
    latestTransitVersion: meta?.latestVersion ?? null,
    pendingKeyIdHash: pending ? hashValue(pending.kubernetesKeyId) : null,
    pendingTransitVersion: pending?.transitVersion ?? null,
    pendingStableObservationCount: pending ? (pending.stableObservationCount ?? 0) : null,
    pendingPromotesAfter: pending?.stableAtUnix ? rfc3339(pending.stableAtUnix + Math.ceil(config.rotation.activationDelayMs / 1000)) : null,
    nextProbe: "unknown",
    decryptableVersions: state ? state.snapshots.filter((r) => r.state !== "removed" && r.state !== "rejected").map((r) => r.transitVersion) : [],
    removedVersions: state ? state.snapshots.filter((r) => r.state === "removed").map((r) => r.transitVersion) : [],
    archivedVersions: [],
    archivedAdvice: null,
  };
  if (loaded.kind === "error") return { view, problem: `key registry ${config.state.path}: ${loaded.error.message}` };
  if (meta === undefined) return { view, problem: `cannot read Transit key metadata (${view.transitMetadataError}): run 'bao-kms-provider doctor'` };
  if (state === undefined) return uninitialized(view, meta, config);
  try {
    const obs = observe({ records: state.snapshots, activeKeyId: state.activeKeyId, meta, scope: keyScopeOf(config), nowMs: Date.now(), policy: config.rotation, promotionHoldUntilMs: 0, mode: "observe" });
    view.rotationState = pending !== undefined || meta.latestVersion > (active?.transitVersion ?? 0) ? "pending" : "stable";
    view.archivedVersions = obs.archived.map((r) => r.transitVersion);
    view.archivedAdvice = archivedAdvice(view.archivedVersions, meta, config) ?? null;
    let roundTrip: string | undefined;
    if (obs.promoted && "transit" in read) {
      // The same proof serve runs before it saves a promotion (the deep probe, probe AAD, nothing
      // stored). It cannot see serve's deep circuit breaker: the gauge and log say that one.
      try {
        await deepProbe(read.transit, obs.promoted.to.transitVersion, config.openbao.timeoutMs);
        roundTrip = "ok";
      } catch (e) {
        roundTrip = failureClass(e);
      }
      view.pendingRoundTrip = roundTrip;
    }
    view.nextProbe = obs.promoted
      ? roundTrip === "ok"
        ? `would promote version ${obs.promoted.to.transitVersion} (its round trip passed just now; after the activation delay following a restart)`
        : `would defer the promotion of version ${obs.promoted.to.transitVersion}: its encrypt/decrypt round trip fails (${roundTrip}); the active version keeps serving until it passes`
      : obs.changed
        ? `would record version ${meta.latestVersion} as pending or count an observation`
        : obs.encryptionBlocked
          ? "encryption_blocked: min_encryption_version is above the active version"
          : "no change";
  } catch (e) {
    view.rotationState = "blocked";
    view.nextProbe = e instanceof RotationError ? `${e.reason}: ${e.message}` : "failed";
    return { view, problem: `live Transit metadata does not validate the registry: ${view.nextProbe}` };
  }
  return { view };
}

function uninitialized(view: RotationView, meta: KeyMetadata, config: Config): { view: RotationView; problem?: string } {
  view.rotationState = "uninitialized";
  try {
    validateMetadata(meta);
  } catch (e) {
    view.nextProbe = e instanceof RotationError ? `${e.reason}: ${e.message}` : "failed";
    return { view, problem: view.nextProbe };
  }
  if (meta.latestVersion === 1) {
    view.nextProbe = "bootstrap: serve will create generation 1 with version 1 active";
    return { view };
  }
  view.nextProbe = "bootstrap refused: the key has been rotated";
  return {
    view,
    problem: `no key registry state at ${config.state.path} and Transit latest_version is ${meta.latestVersion}: restore ${config.state.path} and ${config.state.path}.checkpoint from a backup or another control-plane node`,
  };
}
