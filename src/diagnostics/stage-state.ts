// Stage 4 (doctor), this node's state: the key registry loads and agrees with live metadata,
// and the KMS core, in process, serves Status, Encrypt and Decrypt with the registry's active
// version, as serve would.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { accessSync, constants, statfsSync } from "node:fs";
import { dirname } from "node:path";
import type { EtcdOverrides } from "../app/etcd.ts";
import { etcdSettings, objectsInUse } from "../app/objects-in-use.ts";
import { loadRegistry } from "../app/registry.ts";
import type { Config } from "../config/schema.ts";
import { archivedAdvice } from "../keys/archive-advice.ts";
import { snapshotsFromMetadata, staticKeySet } from "../keys/from-metadata.ts";
import { keyScopeOf } from "../keys/scope.ts";
import { hashValue } from "../kms/hash.ts";
import { isWellFormedKeyId } from "../kms/key-id.ts";
import type { KeyMetadata } from "../kms/ports.ts";
import { KmsService } from "../kms/service.ts";
import { RegistryError, type RegistryState } from "../registry/types.ts";
import { observe, RotationError } from "../status/rotation.ts";
import { callTimeout, describeFailure } from "./describe.ts";
import { fail, type Gate, only, pass, skip, warn, withValue } from "./runner.ts";
import type { Session } from "./stage-openbao.ts";

/** Version the in-process KMS writes into its plugin-version annotation. */
const diagnosticPluginVersion = "doctor";

export async function stateStage(gate: Gate, config: Config | undefined, session: Session | undefined, meta: KeyMetadata | undefined, nowMs: () => number, etcd: EtcdOverrides = {}): Promise<void> {
  // No registry yet is fine (serve creates it): the KMS check then uses what a first start would.
  const registry = await gate.checkWith<readonly [Config | undefined, KeyMetadata | undefined], { readonly state: RegistryState | undefined }>(
    { id: "state.registry", title: "key registry (state.path) loads and matches live metadata", needs: ["config.validate", "transit.profile", "transit.mount_id"] },
    [config, meta],
    async ([c, m]) => {
      const path = c.state.path;
      let loaded;
      try {
        loaded = await loadRegistry(c);
      } catch (e) {
        if (e instanceof RegistryError) return only(fail(`${path}: ${e.message}`));
        throw e;
      }
      if (loaded.kind === "missing") {
        if (m.latestVersion === 1) return withValue(warn(`no state yet at ${path}: serve will create generation 1 with version 1 active`), { state: undefined });
        return only(fail(`no state at ${path} and the key is rotated (latest_version ${m.latestVersion}): restore ${path} and ${path}.checkpoint from a backup or another control-plane node`));
      }
      const state = loaded.state;
      const active = state.snapshots.find((r) => r.kubernetesKeyId === state.activeKeyId);
      let archivedVersions: number[];
      try {
        const obs = observe({ records: state.snapshots, activeKeyId: state.activeKeyId, meta: m, scope: keyScopeOf(c), nowMs: nowMs(), policy: c.rotation, promotionHoldUntilMs: Number.MAX_SAFE_INTEGER, mode: "observe" });
        archivedVersions = obs.archived.map((r) => r.transitVersion);
        if (obs.encryptionBlocked) {
          return only(fail(`min_encryption_version ${m.minEncryptionVersion} is above the registry's active version ${active?.transitVersion}: Status would be unhealthy and Encrypt refused; lower it, or let the newer version be promoted first`));
        }
      } catch (e) {
        if (e instanceof RotationError) return only(fail(`live metadata does not validate the registry (${e.reason}): ${e.message}`));
        throw e;
      }
      const pending = state.snapshots.filter((r) => r.state === "pending").map((r) => r.transitVersion);
      const checkpoint = loaded.checkpoint === "current" ? "" : `; checkpoint ${loaded.checkpoint === "absent" ? "missing" : "behind"}`;
      const archived = archivedAdvice(archivedVersions, m, c);
      const room = saveRoom(dirname(path));
      const message = `generation ${state.generation}, active version ${active?.transitVersion}, H(key_id)=${hashValue(state.activeKeyId)}${pending.length > 0 ? `, pending ${pending.join(",")}` : ""}${checkpoint}${archived === undefined ? "" : `; ${archived}`}${room === undefined ? "" : `; ${room}`}`;
      return withValue(loaded.checkpoint === "current" && archived === undefined && room === undefined ? pass(message) : warn(message), { state });
    },
  );
  await versionsInUse(gate, config, registry?.state, etcd);
  await gate.checkWith({ id: "kms.status_encrypt", title: "in-process KMS Status, Encrypt, Decrypt", needs: ["transit.probe", "key_id.deterministic"] }, [config, session, meta], async ([c, s, m]) => {
    // The registry's active version when the node has state, else what a first start would use.
    const all = snapshotsFromMetadata(keyScopeOf(c), m);
    const activeKeyId = registry?.state?.activeKeyId;
    const keys = staticKeySet(activeKeyId === undefined ? all : all.map((x) => ({ ...x, state: x.keyId === activeKeyId ? ("active" as const) : ("retired" as const) })));
    const kms = new KmsService({ transit: s.transit, keys, status: keys, pluginVersion: diagnosticPluginVersion, requestTimeoutMs: c.openbao.timeoutMs });
    const status = kms.status();
    if (status.healthz !== "ok" || !isWellFormedKeyId(status.keyId)) return only(fail(`Status is ${status.healthz}`));
    const seed = new Uint8Array(randomBytes(32));
    try {
      const enc = await kms.encrypt({ plaintext: seed }, callTimeout(c));
      if (enc.keyId !== status.keyId) return only(fail("Encrypt key_id differs from Status key_id"));
      const encoder = new TextEncoder();
      const annotations = [...enc.annotations].map(([k, v]) => [k, encoder.encode(v)] as const);
      const back = await kms.decrypt({ ciphertext: enc.ciphertext, keyId: enc.keyId, annotations }, callTimeout(c));
      if (back.byteLength !== seed.byteLength || !timingSafeEqual(back, seed)) return only(fail("Decrypt did not return the seed"));
      return only(pass(`ciphertext ${enc.ciphertext.byteLength} bytes, ${enc.annotations.size} annotations`));
    } catch (e) {
      const kind = typeof e === "object" && e !== null && "kind" in e && typeof e.kind === "string" && e.kind !== "" ? ` (${e.kind})` : "";
      return only(fail(`${describeFailure(e, c)}${kind}`));
    }
  });
}

/** Retired versions no object in etcd uses can be retired; say so (a warning, never a failure). */
function versionsInUse(gate: Gate, config: Config | undefined, state: RegistryState | undefined, overrides: EtcdOverrides) {
  return gate.checkWith({ id: "etcd.versions_in_use", title: "key versions the objects in etcd use", needs: ["state.registry"] }, [config, state], async ([c, st]) => {
    const settings = etcdSettings(c, overrides);
    if (settings === undefined) return only(skip("not checked: set [etcd] (or --etcd-endpoints) to see which versions objects still use"));
    const use = await objectsInUse(settings, st);
    if (!use.checked) return only(warn(`cannot scan etcd: ${use.reason}`));
    const active = st.snapshots.find((r) => r.kubernetesKeyId === st.activeKeyId)?.transitVersion ?? 0;
    const retired = st.snapshots.filter((r) => r.state === "retired").map((r) => r.transitVersion).sort((a, b) => a - b);
    const unused = retired.filter((v) => (use.byVersion.get(v) ?? 0) === 0);
    const used = [...use.byVersion].sort(([a], [b]) => a - b).map(([v, n]) => `${n} on version ${v}`).join(", ") || "none on this registry's versions";
    const below = unused.filter((v) => retired.filter((r) => r < v).every((r) => unused.includes(r)));
    if (below.length > 0) {
      const before = Math.max(...below) + 1;
      return only(warn(`${use.objects} objects scanned (${used}); retired version(s) ${below.join(", ")} are used by no object: 'bao-kms-provider retire-versions --before-version ${Math.min(before, active)}' can retire them`));
    }
    return only(pass(`${use.objects} objects scanned: ${used}`));
  });
}

/** Free space below which the next save (state + checkpoint, written atomically) may fail. */
const minFreeBytes = 1024 * 1024;

/**
 * Whether the next save can succeed: the state directory writable by this process and not
 * nearly full. A failed save at runtime blocks promotions (docs/decisions/unhealthy-conditions.md).
 */
function saveRoom(dir: string): string | undefined {
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    return `the state directory ${dir} is not writable by this user (${(e as NodeJS.ErrnoException).code ?? "error"}): saves, and so promotions, would fail`;
  }
  try {
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    if (free < minFreeBytes || fs.ffree < 16) return `the state directory ${dir} is nearly full (${Math.floor(free / 1024)} KiB, ${fs.ffree} inodes free): saves, and so promotions, would fail`;
  } catch {
    // statfs unsupported here: nothing to say
  }
  return undefined;
}

