// The background probes against a scripted Transit: reasons, breaker, one probe at a time.

import { describe, expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import type { KeyMetadata } from "../../src/openbao/transit-client.ts";
import { createLogger } from "../../src/platform/log.ts";
import { CircuitBreaker } from "../../src/status/circuit-breaker.ts";
import { StatusController } from "../../src/status/controller.ts";
import { StatusStore } from "../../src/status/store.ts";

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
    async encrypt(r: { plaintext: Uint8Array }) { await enter(); if (state.deepFail) throw state.deepFail; stored = r.plaintext; return { ciphertext: "vault:v2:x", keyVersion: 2 }; },
    async decrypt() { await enter(); return stored.slice(); },
  };
  const lines: string[] = [];
  const store = new StatusStore(() => now, 120_000);
  const controller = new StatusController({ transit, store, active, nowMs: () => now, log: createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) }), probeIntervalMs: 30_000, deepProbeIntervalMs: 300_000, timeoutMs: 1000 });
  return { state, store, controller, lines, advance: (ms: number) => (now += ms) };
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
    ["creation time of the active version changed", (s) => (s.meta = { ...goodMeta(), createdAtUnix: new Map([[1, 1001], [2, 9999]]) }), "profile_invalid"],
    ["active version below min_decryption_version", (s) => (s.meta = { ...goodMeta(), latestVersion: 3, createdAtUnix: new Map([[2, 1002], [3, 1003]]), minDecryptionVersion: 3 }), "profile_invalid"],
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
    expect(state.maxInFlight).toBe(1);
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
