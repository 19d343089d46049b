// A wall-clock step of +1 h or −1 h inside a running provider changes neither staleness nor the
// activation delay: both run on the monotonic clock (docs/decisions/clock.md). Fixed clock,
// no sleeping: the wall and monotonic sides are moved by hand.
import { describe, expect, test } from "bun:test";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import type { KeyMetadata } from "../../src/kms/ports.ts";
import { manualClock } from "../../src/platform/clock.ts";
import { createLogger } from "../../src/platform/log.ts";
import { nextState } from "../../src/registry/build.ts";
import type { RegistryState, RegistryStore } from "../../src/registry/types.ts";
import { CircuitBreaker } from "../../src/status/circuit-breaker.ts";
import { StatusController } from "../../src/status/controller.ts";
import { LiveRegistry } from "../../src/status/live-registry.ts";
import { makeRecord } from "../../src/status/rotation.ts";
import { StatusStore } from "../../src/status/store.ts";
import { testFingerprint } from "../registry/helpers.ts";

const hour = 3_600_000;
const scope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "l" };
const v1 = makeRecord(scope, 1, 1001, "active", { observedAtUnix: 1, promotedAtUnix: 1 });
const meta = (latest: number): KeyMetadata => ({
  type: "aes256-gcm96", latestVersion: latest, minDecryptionVersion: 1, minEncryptionVersion: 0, minAvailableVersion: 0,
  createdAtUnix: new Map(Array.from({ length: latest }, (_, i) => [i + 1, 1001 + i] as [number, number])), exportable: false,
  deletionAllowed: false, allowPlaintextBackup: false, derived: false, supportsEncryption: true, supportsDecryption: true,
});

/** A provider's status side, wired as src/runtime/start.ts wires it (store and controller on one clock). */
function provider(activationDelayMs: number) {
  const clock = manualClock();
  const t = { meta: meta(1) };
  let stored: Uint8Array = new Uint8Array();
  const transit = {
    readDisableUpsert: async () => true,
    readKey: async () => t.meta,
    encrypt: async (r: { plaintext: Uint8Array; keyVersion: number }) => ((stored = r.plaintext), { ciphertext: `vault:v${r.keyVersion}:x`, keyVersion: r.keyVersion }),
    decrypt: async () => stored.slice(),
  };
  const store = new StatusStore(() => clock.monotonicMs(), 120_000);
  const registry = new LiveRegistry();
  const saved: RegistryState[] = [];
  const persistence: RegistryStore = { load: async () => ({ kind: "missing" }), save: async (s) => void saved.push(s) };
  registry.publish(nextState(undefined, [v1], v1.kubernetesKeyId, testFingerprint));
  const policy = { requireStableObservationCount: 2, activationDelayMs, rejectVersionRollback: true };
  const controller = new StatusController({
    transit, store, registry, persistence, scope, identityFingerprint: testFingerprint, policy, statePath: "/s/key-registry.json", clock,
    log: createLogger({ level: "error", format: "json", write: () => {} }), probeIntervalMs: 30_000, deepProbeIntervalMs: 300_000, timeoutMs: 1000,
  });
  return { clock, t, store, registry, saved, controller };
}

describe("staleness", () => {
  for (const step of [hour, -hour]) {
    test(`a ${step > 0 ? "+" : "−"}1 h wall step neither makes fresh status stale nor stale status fresh`, async () => {
      const p = provider(60_000);
      await p.controller.probeOnce();
      await p.controller.deepProbeOnce();
      expect(p.store.current().healthz).toBe("ok");
      p.clock.stepWall(step);
      expect(p.store.current().healthz).toBe("ok");
      expect(p.store.snapshot().cacheAgeMs).toBe(0);
      p.clock.advance(120_001); // past max_staleness on both clocks
      expect(p.store.snapshot().reasons).toContain("status_stale");
      p.clock.stepWall(-step); // stepping back does not make it fresh
      expect(p.store.snapshot().reasons).toContain("status_stale");
    });
  }
});

describe("activation delay", () => {
  for (const step of [hour, -hour]) {
    test(`a ${step > 0 ? "+" : "−"}1 h wall step during the delay neither shortens nor lengthens it`, async () => {
      const delay = 600_000;
      const p = provider(delay);
      await p.controller.probeOnce();
      await p.controller.deepProbeOnce();
      p.t.meta = meta(2);
      const v2 = deriveKeyId(scope, 2, 1002);
      await p.controller.probeOnce(); // pending, 1 observation
      p.clock.advance(30_000);
      await p.controller.probeOnce(); // stable: the delay starts now (monotonic)
      const stableAt = p.clock.monotonicMs();
      p.clock.stepWall(step);
      // Just before the deadline: still the old key, whatever the wall clock says.
      p.clock.advance(delay - 1);
      await p.controller.probeOnce();
      expect(p.store.current().keyId).not.toBe(v2);
      // At the deadline: promoted.
      p.clock.advance(1);
      await p.controller.probeOnce();
      expect(p.clock.monotonicMs() - stableAt).toBe(delay);
      expect(p.store.current().keyId).toBe(v2);
      // What is persisted carries wall time, stepped with it, but never before the record's own
      // earlier stamps (promotedAt ≥ stableAt ≥ observedAt are registry rules the save checks).
      const record = p.saved.at(-1)?.snapshots.find((r) => r.kubernetesKeyId === v2);
      const wallUnix = Math.floor(p.clock.wallMs() / 1000);
      expect(record?.promotedAtUnix).toBe(Math.max(wallUnix, record?.stableAtUnix ?? 0));
      expect(record?.promotedAtUnix ?? 0).toBeGreaterThanOrEqual(record?.observedAtUnix ?? Infinity);
      if (step < 0) expect(record?.promotedAtUnix).toBe(record?.stableAtUnix);
    });
  }
});

test("the circuit breaker's open window is monotonic too", () => {
  const clock = manualClock();
  const b = new CircuitBreaker(() => clock.monotonicMs(), 1, 30_000);
  b.recordFailure();
  expect(b.isOpen()).toBe(true);
  clock.stepWall(hour);
  expect(b.isOpen()).toBe(true);
  clock.advance(30_000);
  expect(b.isOpen()).toBe(false);
});
