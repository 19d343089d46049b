// The background probes against a scripted Transit: reasons, breaker, one probe at a time.

import { describe, expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import type { KeyMetadata } from "../../src/kms/ports.ts";
import { createLogger } from "../../src/platform/log.ts";
import { CircuitBreaker } from "../../src/status/circuit-breaker.ts";
import { StatusController } from "../../src/status/controller.ts";
import { StatusStore } from "../../src/status/store.ts";
import { nextState } from "../../src/registry/build.ts";
import { RegistryError, type RegistryState, type RegistryStore } from "../../src/registry/types.ts";
import { LiveRegistry } from "../../src/status/live-registry.ts";
import { makeRecord } from "../../src/status/rotation.ts";
import { testFingerprint } from "../registry/helpers.ts";

const scope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "l" };
const active = { scope, transitVersion: 2, createdAtUnix: 1002, keyId: deriveKeyId(scope, 2, 1002), state: "active" as const };
const goodMeta = (): KeyMetadata => ({
  type: "aes256-gcm96", latestVersion: 2, minDecryptionVersion: 1, minEncryptionVersion: 0, minAvailableVersion: 0,
  createdAtUnix: new Map([[1, 1001], [2, 1002]]), exportable: false, deletionAllowed: false, allowPlaintextBackup: false,
  derived: false, supportsEncryption: true, supportsDecryption: true,
});

function setup() {
  let now = 0;
  const state = { upsert: true as boolean | Error, meta: goodMeta() as KeyMetadata | Error, deepFail: undefined as Error | undefined, calls: 0, inFlight: 0, maxInFlight: 0 };
  const enter = async () => {
    state.calls++;
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    await Bun.sleep(1);
    state.inFlight--;
  };
  let stored: Uint8Array = new Uint8Array();
  const transit = {
    async readDisableUpsert() { await enter(); if (state.upsert instanceof Error) throw state.upsert; return state.upsert; },
    async readKey() { await enter(); if (state.meta instanceof Error) throw state.meta; return state.meta; },
    async encrypt(r: { plaintext: Uint8Array; keyVersion: number }) { await enter(); if (state.deepFail) throw state.deepFail; stored = r.plaintext; return { ciphertext: `vault:v${r.keyVersion}:x`, keyVersion: r.keyVersion }; },
    async decrypt() { await enter(); return stored.slice(); },
  };
  const lines: string[] = [];
  const store = new StatusStore(() => now, 120_000);
  const registry = new LiveRegistry();
  const saved: RegistryState[] = [];
  const persistence: RegistryStore = { load: async () => ({ kind: "missing" }), save: async (s) => void saved.push(s) };
  registry.publish(nextState(undefined, [makeRecord(scope, 2, 1002, "active", { observedAtUnix: 1 })], active.keyId, testFingerprint));
  const policy = { requireStableObservationCount: 3, activationDelayMs: 120_000, rejectVersionRollback: true };
  const controller = new StatusController({ transit, store, registry, persistence, scope, identityFingerprint: testFingerprint, policy, statePath: "/s/key-registry.json", nowMs: () => now, log: createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) }), probeIntervalMs: 30_000, deepProbeIntervalMs: 300_000, timeoutMs: 1000 });
  return { state, store, controller, registry, saved, lines, advance: (ms: number) => (now += ms) };
}

describe("metadata probe", () => {
  test("healthy path: metadata then deep → Status ok", async () => {
    const { controller, store } = setup();
    expect((await controller.probeOnce()).ok).toBe(true);
    expect(store.current().healthz).toBe("unhealthy");
    expect((await controller.deepProbeOnce()).ok).toBe(true);
    expect(store.current()).toMatchObject({ healthz: "ok", keyId: active.keyId });
  });

  const cases: Array<[string, (s: ReturnType<typeof setup>["state"]) => void, string]> = [
    ["upsert allowed", (s) => (s.upsert = false), "upsert_allowed"],
    ["config/keys unreadable", (s) => (s.upsert = new TransitError("permission_denied", "transit.read_config_keys", 403)), "upsert_check_failed"],
    ["key unreadable (sealed)", (s) => (s.meta = new TransitError("sealed", "transit.read_key", 503)), "metadata_read_failed"],
    ["exportable key", (s) => (s.meta = { ...goodMeta(), exportable: true }), "profile_invalid"],
    ["creation time of the active version changed", (s) => (s.meta = { ...goodMeta(), createdAtUnix: new Map([[1, 1001], [2, 9999]]) }), "creation_time_drift"],
    ["active version below min_decryption_version", (s) => (s.meta = { ...goodMeta(), latestVersion: 3, createdAtUnix: new Map([[2, 1002], [3, 1003]]), minDecryptionVersion: 3 }), "version_unavailable"],
    ["latest version below the active one", (s) => (s.meta = { ...goodMeta(), latestVersion: 1, createdAtUnix: new Map([[1, 1001]]) }), "version_rollback"],
    ["active version below min_encryption_version", (s) => (s.meta = { ...goodMeta(), latestVersion: 3, createdAtUnix: new Map([[2, 1002], [3, 1003]]), minEncryptionVersion: 3 }), "encryption_blocked"],
  ];
  test.each(cases)("%s → unhealthy with reason %s", async (_n, breakIt, reason) => {
    const { controller, store, state } = setup();
    await controller.probeOnce();
    await controller.deepProbeOnce();
    breakIt(state);
    const r = await controller.probeOnce();
    expect(r).toMatchObject({ ok: false, reason });
    expect(store.snapshot()).toMatchObject({ healthz: "unhealthy", keyId: "", reasons: [reason] });
  });

  test("three read failures open the breaker for 30 s: probes skip OpenBao, then one is let through", async () => {
    const { controller, state, advance, store } = setup();
    state.meta = new TransitError("unavailable", "transit.read_key", 500);
    for (let i = 0; i < 3; i++) await controller.probeOnce();
    const calls = state.calls;
    expect(await controller.probeOnce()).toMatchObject({ ok: false, reason: "circuit_breaker_open" });
    expect(state.calls).toBe(calls);
    expect(store.snapshot().reasons).toEqual(["circuit_breaker_open", "deep_probe_pending"]);
    advance(30_000);
    state.meta = goodMeta();
    expect((await controller.probeOnce()).ok).toBe(true);
    expect(state.calls).toBe(calls + 2);
  });

  test("probes never overlap", async () => {
    const { controller, state } = setup();
    await Promise.all([controller.probeOnce(), controller.deepProbeOnce(), controller.probeOnce(), controller.deepProbeOnce()]);
    // A metadata probe reads config/keys and the key at once (2); overlapping probes would make 3 or more.
    expect(state.maxInFlight).toBe(2);
  });

  test("probe log lines carry the kind and reason, never key material", async () => {
    const { controller, state, lines } = setup();
    state.upsert = false;
    await controller.probeOnce();
    const line = JSON.parse(lines.at(-1)!);
    expect(line).toMatchObject({ level: "warn", message: "status.probe", probe_kind: "metadata", status: "failed", reason: "upsert_allowed" });
    expect(lines.join("\n")).not.toContain("obk2.");
  });
});

describe("deep probe", () => {
  test("a failure marks Status unhealthy until the next success", async () => {
    const { controller, store, state } = setup();
    await controller.probeOnce();
    state.deepFail = new TransitError("unavailable", "transit.encrypt", 500);
    expect(await controller.deepProbeOnce()).toMatchObject({ ok: false, reason: "deep_probe_failed", errorClass: "unavailable" });
    expect(store.snapshot()).toMatchObject({ healthz: "unhealthy", reasons: ["deep_probe_failed"], deepErrorClass: "unavailable" });
    state.deepFail = undefined;
    await controller.deepProbeOnce();
    expect(store.current().healthz).toBe("ok");
  });
});

test("circuit breaker: opens after 3, half-opens after the window, resets on success", () => {
  let now = 0;
  const b = new CircuitBreaker(() => now, 3, 30_000);
  b.recordFailure();
  b.recordFailure();
  expect(b.isOpen()).toBe(false);
  b.recordFailure();
  expect(b.isOpen()).toBe(true);
  now += 29_999;
  expect(b.isOpen()).toBe(true);
  now += 1;
  expect(b.isOpen()).toBe(false);
  b.recordSuccess();
  b.recordFailure();
  b.recordFailure();
  expect(b.isOpen()).toBe(false);
});

describe("registry: persist, then publish", () => {
  const meta3 = (): KeyMetadata => ({ ...goodMeta(), latestVersion: 3, createdAtUnix: new Map([[1, 1001], [2, 1002], [3, 1003]]) });

  test("a rotation is saved before it is published and promoted after count + delay", async () => {
    const { controller, store, state, registry, saved, advance, lines } = setup();
    await controller.probeOnce();
    await controller.deepProbeOnce();
    state.meta = meta3();
    const keyIds: string[] = [];
    for (let i = 0; i < 9; i++) {
      advance(30_000);
      await controller.probeOnce();
      if (store.deepProbeRequired()) await controller.deepProbeOnce();
      keyIds.push(store.current().keyId);
      // What is published is always exactly the last saved generation.
      expect(registry.state).toBe(saved.at(-1)!);
    }
    const v3 = deriveKeyId(scope, 3, 1003);
    // seen at 30/60/90 s (stable at 90 s) → promoted at the first probe ≥ 90 s + 120 s = 210 s.
    expect(keyIds).toEqual([active.keyId, active.keyId, active.keyId, active.keyId, active.keyId, active.keyId, v3, v3, v3]);
    expect(saved.map((s) => s.generation)).toEqual([2, 3, 4, 5]);
    expect(registry.lookup(active.keyId)?.state).toBe("retired");
    const promoted = lines.map((l) => JSON.parse(l)).find((l) => l.message === "key.promoted");
    expect(promoted).toMatchObject({ transit_version: 3, previous_transit_version: 2, generation: 5 });
    expect(JSON.stringify(promoted)).not.toContain("obk2.");
    // One info line when version 3 first became pending (not at each count), before the promotion.
    const pendingLines = lines.map((l) => JSON.parse(l)).filter((l) => l.message === "key.pending");
    expect(pendingLines).toHaveLength(1);
    expect(pendingLines[0]).toMatchObject({ level: "info", transit_version: 3, generation: 2, outcome: "observed" });
    expect(lines.findIndex((l) => l.includes('"key.pending"'))).toBeLessThan(lines.findIndex((l) => l.includes('"key.promoted"')));
  });

  test("a failed save publishes nothing; Status stays healthy with the saved active key, and the failure is reported until a save succeeds", async () => {
    const s = setup();
    await s.controller.probeOnce();
    await s.controller.deepProbeOnce();
    const before = s.registry.state;
    const persistence = (s.controller as unknown as { o: { persistence: RegistryStore } }).o.persistence;
    const save = persistence.save;
    persistence.save = async () => {
      throw new RegistryError("io", "writing /s/key-registry.json.tmp failed (ENOSPC)", { errno: "ENOSPC" });
    };
    s.state.meta = meta3();
    expect(await s.controller.probeOnce()).toMatchObject({ ok: true });
    expect(s.registry.state).toBe(before);
    expect(s.store.current()).toMatchObject({ healthz: "ok", keyId: active.keyId });
    expect(s.store.snapshot().persistenceDegraded).toBe("ENOSPC");
    const line = s.lines.map((l) => JSON.parse(l)).find((l) => l.reason === "state_save_failed");
    expect(line).toMatchObject({ status: "degraded", save_error: "io", errno: "ENOSPC", state_path: "/s/key-registry.json" });
    persistence.save = save;
    await s.controller.probeOnce();
    expect(s.store.snapshot().persistenceDegraded).toBeUndefined();
  });

  test("with no saved state yet, a failed save still fails closed (there is no key to go on with)", async () => {
    const m = { ...goodMeta(), latestVersion: 1, createdAtUnix: new Map([[1, 1001]]) };
    const store = new StatusStore(() => 5_000_000, 120_000);
    const transit = { readDisableUpsert: async () => true, readKey: async () => m, encrypt: async () => ({ ciphertext: "vault:v1:x", keyVersion: 1 }), decrypt: async () => new Uint8Array() };
    const controller = new StatusController({
      transit, store, registry: new LiveRegistry(), scope, identityFingerprint: testFingerprint, statePath: "/s/key-registry.json", nowMs: () => 5_000_000, log: createLogger({ level: "error", format: "json", write: () => {} }),
      persistence: { load: async () => ({ kind: "missing" }), save: async () => { throw new RegistryError("io", "writing /s/key-registry.json.tmp failed (EROFS)", { errno: "EROFS" }); } },
      policy: { requireStableObservationCount: 3, activationDelayMs: 1, rejectVersionRollback: true }, probeIntervalMs: 1000, deepProbeIntervalMs: 1000, timeoutMs: 1000,
    });
    expect(await controller.probeOnce()).toMatchObject({ ok: false, reason: "state_save_failed" });
    expect(store.current().healthz).toBe("unhealthy");
  });

  test("discovery: one attempt per probe interval shared by all callers, records pending, never promotes", async () => {
    const s = setup();
    await s.controller.probeOnce();
    s.state.meta = meta3();
    const calls = s.state.calls;
    const signal = new AbortController().signal;
    await Promise.all(Array.from({ length: 20 }, () => s.controller.refreshForDecrypt("obk2.x", signal)));
    // One attempt: the upsert check and the key read, like a metadata probe.
    expect(s.state.calls).toBe(calls + 2);
    const v3 = deriveKeyId(scope, 3, 1003);
    expect(s.registry.lookup(v3)?.state).toBe("pending");
    expect(s.registry.state?.activeKeyId).toBe(active.keyId);
    await s.controller.refreshForDecrypt("obk2.y", signal);
    expect(s.state.calls).toBe(calls + 2);
    // A failure is cached for the window too.
    s.advance(30_000);
    s.state.meta = new TransitError("unavailable", "transit.read_key", 500);
    await expect(s.controller.refreshForDecrypt("obk2.z", signal)).rejects.toBeInstanceOf(TransitError);
    await expect(s.controller.refreshForDecrypt("obk2.z", signal)).rejects.toBeInstanceOf(TransitError);
    expect(s.state.calls).toBe(calls + 4);
  });

  test("a key_id the registry already has (even removed) costs no OpenBao call and leaves the discovery slot free", async () => {
    const s = setup();
    await s.controller.probeOnce();
    const v1 = makeRecord(scope, 1, 1001, "removed");
    s.registry.publish(nextState(s.registry.state, [...s.registry.state!.snapshots, v1], active.keyId));
    const calls = s.state.calls;
    const signal = new AbortController().signal;
    await s.controller.refreshForDecrypt(v1.kubernetesKeyId, signal);
    await s.controller.refreshForDecrypt(active.keyId, signal);
    expect(s.state.calls).toBe(calls);
    // The slot was not used: a real unknown key_id right after still gets its attempt.
    s.state.meta = meta3();
    await s.controller.refreshForDecrypt("obk2.peer", signal);
    expect(s.state.calls).toBe(calls + 2);
    expect(s.registry.lookup(deriveKeyId(scope, 3, 1003))?.state).toBe("pending");
    expect(s.registry.lookup(v1.kubernetesKeyId)).toBeUndefined();
  });

  test("persist, then publish: while the save is pending, nothing new is visible", async () => {
    const s = setup();
    await s.controller.probeOnce();
    const before = s.registry.state;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    (s.controller as unknown as { o: { persistence: RegistryStore } }).o.persistence.save = async () => gate;
    s.state.meta = meta3();
    const probe = s.controller.probeOnce();
    for (let i = 0; i < 20; i++) await Bun.sleep(1);
    expect(s.registry.state).toBe(before);
    expect(s.registry.lookup(deriveKeyId(scope, 3, 1003))).toBeUndefined();
    release();
    expect((await probe).ok).toBe(true);
    expect(s.registry.lookup(deriveKeyId(scope, 3, 1003))?.state).toBe("pending");
  });

  test("min_encryption_version above the active version: deep probes make no Transit call and never open the breaker", async () => {
    const s = setup();
    await s.controller.probeOnce();
    await s.controller.deepProbeOnce();
    s.state.meta = { ...goodMeta(), latestVersion: 3, createdAtUnix: new Map([[2, 1002], [3, 1003]]), minEncryptionVersion: 3 };
    expect(await s.controller.probeOnce()).toMatchObject({ ok: false, reason: "encryption_blocked" });
    const calls = s.state.calls;
    for (let i = 0; i < 5; i++) expect(await s.controller.deepProbeOnce()).toMatchObject({ ok: false, reason: "encryption_blocked" });
    expect(s.state.calls).toBe(calls);
    s.state.meta = goodMeta();
    await s.controller.probeOnce();
    expect((await s.controller.deepProbeOnce()).ok).toBe(true);
  });

  test("a caller that gives up does not cancel the shared attempt", async () => {
    const s = setup();
    await s.controller.probeOnce();
    s.state.meta = meta3();
    const gone = new AbortController();
    const first = s.controller.refreshForDecrypt("obk2.x", gone.signal);
    const second = s.controller.refreshForDecrypt("obk2.x", new AbortController().signal);
    gone.abort(new DOMException("bye", "AbortError"));
    await expect(first).rejects.toBeDefined();
    await second;
    expect(s.registry.lookup(deriveKeyId(scope, 3, 1003))?.state).toBe("pending");
  });

  test("no state: an unrotated key bootstraps generation 1; a rotated one is refused (state_unavailable)", async () => {
    for (const [m, ok] of [[{ ...goodMeta(), latestVersion: 1, createdAtUnix: new Map([[1, 1001]]) }, true], [goodMeta(), false]] as const) {
      let now = 5_000_000;
      const registry = new LiveRegistry();
      const saved: RegistryState[] = [];
      const store = new StatusStore(() => now, 120_000);
      const transit = { readDisableUpsert: async () => true, readKey: async () => m, encrypt: async () => ({ ciphertext: "vault:v1:x", keyVersion: 1 }), decrypt: async () => new Uint8Array() };
      const controller = new StatusController({
        transit, store, registry, scope, identityFingerprint: testFingerprint, statePath: "/s/key-registry.json", nowMs: () => now, log: createLogger({ level: "error", format: "json", write: () => {} }),
        persistence: { load: async () => ({ kind: "missing" }), save: async (x) => void saved.push(x) },
        policy: { requireStableObservationCount: 3, activationDelayMs: 1, rejectVersionRollback: true }, probeIntervalMs: 1000, deepProbeIntervalMs: 1000, timeoutMs: 1000,
      });
      const r = await controller.probeOnce();
      if (ok) {
        expect(r.ok).toBe(true);
        expect(saved).toHaveLength(1);
        expect(saved[0]).toMatchObject({ generation: 1, activeKeyId: deriveKeyId(scope, 1, 1001) });
        expect(saved[0]?.previousHash).toBeUndefined();
      } else {
        expect(r).toMatchObject({ ok: false, reason: "state_unavailable" });
        expect(String((r as { cause: Error }).cause.message)).toContain("/s/key-registry.json.checkpoint");
        expect(saved).toHaveLength(0);
        expect(store.snapshot().reasons).toContain("state_unavailable");
      }
    }
  });
});

test("circuit breaker: a failed trial after the window re-opens it at once (one call, not three)", () => {
  let now = 0;
  const b = new CircuitBreaker(() => now, 3, 30_000);
  for (let i = 0; i < 3; i++) b.recordFailure();
  now += 30_000;
  expect(b.isOpen()).toBe(false);
  b.recordFailure();
  expect(b.isOpen()).toBe(true);
  now += 30_000;
  b.recordSuccess();
  b.recordFailure();
  expect(b.isOpen()).toBe(false);
});

test("circuit breaker backoff: the window starts at the base, doubles per re-opening up to the cap, and a success resets it", () => {
  let now = 0;
  const b = new CircuitBreaker(() => now, 3, 1000, 30_000);
  const windows: number[] = [];
  for (let i = 0; i < 3; i++) b.recordFailure();
  for (let k = 0; k < 7; k++) {
    const opened = now;
    while (b.isOpen()) now += 1;
    windows.push(now - opened);
    b.recordFailure(); // the half-open trial fails: open again
  }
  expect(windows).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  while (b.isOpen()) now += 1;
  b.recordSuccess();
  for (let i = 0; i < 3; i++) b.recordFailure();
  const opened = now;
  while (b.isOpen()) now += 1;
  expect(now - opened).toBe(1000); // a new fault starts from the base again
});

test("circuit breaker jitter stays within (0.75, 1] of the window", () => {
  for (const j of [0, 0.5, 0.75, 0.9, 1, 2]) {
    const b = new CircuitBreaker(() => 0, 3, 1000, 30_000, () => j);
    expect(b.windowMs()).toBe(Math.round(1000 * Math.min(1, Math.max(0.75, j))));
  }
});
