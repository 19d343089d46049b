// A promotion never leaves Status without a deep probe: the candidate's encrypt/decrypt round
// trip runs before the promotion is saved and is published with it, so Encrypt is never refused
// at the switch. A failing round trip defers the promotion; the old key keeps serving.
import { expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import type { KeyMetadata } from "../../src/kms/ports.ts";
import { createLogger } from "../../src/platform/log.ts";
import { nextState } from "../../src/registry/build.ts";
import { RegistryError, type RegistryState, type RegistryStore } from "../../src/registry/types.ts";
import { StatusController } from "../../src/status/controller.ts";
import { LiveRegistry } from "../../src/status/live-registry.ts";
import { makeRecord } from "../../src/status/rotation.ts";
import { StatusStore } from "../../src/status/store.ts";
import { testFingerprint } from "../registry/helpers.ts";

const scope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "l" };
const v1 = makeRecord(scope, 1, 1001, "active", { observedAtUnix: 1, promotedAtUnix: 1 });
const meta = (latest: number): KeyMetadata => ({
  type: "aes256-gcm96", latestVersion: latest, minDecryptionVersion: 1, minEncryptionVersion: 0, minAvailableVersion: 0,
  createdAtUnix: new Map(Array.from({ length: latest }, (_, i) => [i + 1, 1001 + i] as [number, number])), exportable: false,
  deletionAllowed: false, allowPlaintextBackup: false, derived: false, supportsEncryption: true, supportsDecryption: true,
});

function setup() {
  let now = 1_800_000_000_000;
  const t = { meta: meta(1), failVersion: 0, encryptVersions: [] as number[], failSaves: 0 };
  let stored: Uint8Array = new Uint8Array();
  const transit = {
    readDisableUpsert: async () => true,
    readKey: async () => t.meta,
    encrypt: async (r: { plaintext: Uint8Array; keyVersion: number }) => {
      t.encryptVersions.push(r.keyVersion);
      if (r.keyVersion === t.failVersion) throw new TransitError("unavailable", "transit.encrypt", 500);
      stored = r.plaintext;
      return { ciphertext: `vault:v${r.keyVersion}:x`, keyVersion: r.keyVersion };
    },
    decrypt: async () => stored.slice(),
  };
  const lines: string[] = [];
  const store = new StatusStore(() => now, 120_000);
  const registry = new LiveRegistry();
  const saved: RegistryState[] = [];
  const persistence: RegistryStore = {
    load: async () => ({ kind: "missing" }),
    save: async (s) => {
      if (t.failSaves > 0) {
        t.failSaves--;
        throw new RegistryError("io", "writing /s/key-registry.json.tmp failed (ENOSPC)", { errno: "ENOSPC" });
      }
      saved.push(s);
    },
  };
  registry.publish(nextState(undefined, [v1], v1.kubernetesKeyId, testFingerprint));
  const policy = { requireStableObservationCount: 2, activationDelayMs: 60_000, rejectVersionRollback: true };
  const controller = new StatusController({
    transit, store, registry, persistence, scope, identityFingerprint: testFingerprint, policy, statePath: "/s/key-registry.json", nowMs: () => now,
    log: createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) }), probeIntervalMs: 30_000, deepProbeIntervalMs: 300_000, timeoutMs: 1000,
  });
  return { t, store, registry, saved, controller, lines, advance: (ms: number) => (now += ms) };
}

test("the probe that promotes publishes a healthy Status with the new key_id (no deep-probe gap)", async () => {
  const { t, store, controller, advance } = setup();
  await controller.probeOnce();
  await controller.deepProbeOnce();
  t.meta = meta(2);
  const v2 = deriveKeyId(scope, 2, 1002);
  const seen: string[] = [];
  for (let i = 0; i < 5; i++) {
    advance(30_000);
    t.encryptVersions = [];
    await controller.probeOnce();
    // No separate deep probe here: Status after each metadata probe must be healthy.
    seen.push(`${store.current().healthz}:${store.current().keyId === v2 ? "v2" : "v1"}`);
    // The promoting probe round-tripped version 2 itself; later probes make no Transit encrypt.
    if (store.current().keyId === v2) expect(t.encryptVersions).toEqual(seen.at(-2)?.endsWith("v1") ? [2] : []);
  }
  expect(seen).toEqual(["ok:v1", "ok:v1", "ok:v1", "ok:v2", "ok:v2"]);
  expect(store.deepProbeRequired()).toBe(false);
});

test("a failing round trip of the candidate defers the promotion; the old key keeps serving; it promotes once it passes", async () => {
  const { t, store, controller, lines, advance } = setup();
  await controller.probeOnce();
  await controller.deepProbeOnce();
  t.meta = meta(2);
  t.failVersion = 2;
  for (let i = 0; i < 5; i++) {
    advance(30_000);
    expect((await controller.probeOnce()).ok).toBe(true);
    expect(store.current()).toMatchObject({ healthz: "ok", keyId: v1.kubernetesKeyId });
  }
  expect(lines.map((l) => JSON.parse(l)).filter((l) => l.message === "key.promoted" && l.outcome === "deferred").length).toBeGreaterThan(0);
  t.failVersion = 0;
  advance(30_000);
  await controller.probeOnce();
  expect(store.current()).toMatchObject({ healthz: "ok", keyId: deriveKeyId(scope, 2, 1002) });
});

/** Rotates to version 2 and runs probes 30 s apart until the next one would promote (3 probes: count 2 + 60 s delay). */
async function untilPromotionDue(s: ReturnType<typeof setup>): Promise<void> {
  await s.controller.probeOnce();
  await s.controller.deepProbeOnce();
  s.t.meta = meta(2);
  for (let i = 0; i < 3; i++) {
    s.advance(30_000);
    await s.controller.probeOnce();
    expect(s.store.current().keyId).toBe(v1.kubernetesKeyId);
  }
  s.advance(30_000);
}

test("a failed save of the promotion publishes nothing new: the old key keeps serving (healthy), the failure is reported; the next probe proves the candidate again and promotes", async () => {
  const s = setup();
  const v2 = deriveKeyId(scope, 2, 1002);
  await untilPromotionDue(s);
  s.t.failSaves = 1;
  s.t.encryptVersions = [];
  const probed = await s.controller.probeOnce();
  expect(probed).toMatchObject({ ok: true });
  expect(s.t.encryptVersions).toEqual([2]); // it was proven, then the save failed
  expect(s.registry.active?.keyId).toBe(v1.kubernetesKeyId);
  expect(s.store.current()).toMatchObject({ healthz: "ok", keyId: v1.kubernetesKeyId });
  expect(s.store.snapshot().persistenceDegraded).toBe("ENOSPC");
  // The log names the cause, as bootstrap's message does: errno and path.
  const line = s.lines.map((l) => JSON.parse(l)).find((l) => l.message === "status.probe" && l.reason === "state_save_failed");
  expect(line).toMatchObject({ status: "degraded", save_error: "io", errno: "ENOSPC", state_path: "/s/key-registry.json" });
  // The proof of the unsaved promotion is not carried over: the next probe round-trips v2 again.
  s.advance(30_000);
  s.t.encryptVersions = [];
  expect((await s.controller.probeOnce()).ok).toBe(true);
  expect(s.t.encryptVersions).toEqual([2]);
  expect(s.store.current()).toMatchObject({ healthz: "ok", keyId: v2 });
  expect(s.saved.at(-1)?.activeKeyId).toBe(v2);
  expect(s.store.snapshot().persistenceDegraded).toBeUndefined();
});

test("the candidate round trip obeys the deep circuit breaker: failures open it, no Transit call while open, the promotion waits (gauge source set); a pass closes it and promotes with a healthy deep probe", async () => {
  const s = setup();
  const v2 = deriveKeyId(scope, 2, 1002);
  await untilPromotionDue(s);
  s.t.failVersion = 2;
  for (let i = 0; i < 3; i++) {
    s.t.encryptVersions = [];
    expect((await s.controller.probeOnce()).ok).toBe(true);
    expect(s.t.encryptVersions).toEqual([2]);
    expect(s.store.snapshot().promotionDeferred).toBe("unavailable");
    s.advance(5_000);
  }
  // Three consecutive failures opened the deep breaker: the next probes make no encrypt call.
  for (let i = 0; i < 3; i++) {
    s.t.encryptVersions = [];
    expect((await s.controller.probeOnce()).ok).toBe(true);
    expect(s.t.encryptVersions).toEqual([]);
    expect(s.store.snapshot()).toMatchObject({ healthz: "ok", keyId: v1.kubernetesKeyId, promotionDeferred: "circuit_breaker_open" });
    s.advance(5_000);
  }
  const deferred = s.lines.map((l) => JSON.parse(l)).filter((l) => l.message === "key.promoted" && l.outcome === "deferred");
  expect(deferred.map((l) => l.error_class)).toEqual(["unavailable", "unavailable", "unavailable", "circuit_breaker_open", "circuit_breaker_open", "circuit_breaker_open"]);
  // The data path recovers; once the breaker's 30 s window is over the candidate is proven and promoted.
  s.t.failVersion = 0;
  s.advance(30_000);
  expect((await s.controller.probeOnce()).ok).toBe(true);
  expect(s.store.snapshot()).toMatchObject({ healthz: "ok", keyId: v2 });
  expect(s.store.snapshot().promotionDeferred).toBeUndefined();
  // The breaker closed with that success: the new key's next deep probe runs, it is not skipped.
  s.t.encryptVersions = [];
  expect((await s.controller.deepProbeOnce()).ok).toBe(true);
  expect(s.t.encryptVersions).toEqual([2]);
  expect(s.store.current()).toMatchObject({ healthz: "ok", keyId: v2 });
});
