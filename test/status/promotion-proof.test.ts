// A promotion never leaves Status without a deep probe: the candidate's encrypt/decrypt round
// trip runs before the promotion is saved and is published with it, so Encrypt is never refused
// at the switch. A failing round trip defers the promotion; the old key keeps serving.
import { expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import type { KeyMetadata } from "../../src/openbao/transit-client.ts";
import { createLogger } from "../../src/platform/log.ts";
import { nextState } from "../../src/registry/build.ts";
import type { RegistryState, RegistryStore } from "../../src/registry/types.ts";
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
  const t = { meta: meta(1), failVersion: 0, encryptVersions: [] as number[] };
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
  const persistence: RegistryStore = { load: async () => ({ kind: "missing" }), save: async (s) => void saved.push(s) };
  registry.publish(nextState(undefined, [v1], v1.kubernetesKeyId, testFingerprint));
  const policy = { requireStableObservationCount: 2, activationDelayMs: 60_000, rejectVersionRollback: true };
  const controller = new StatusController({
    transit, store, registry, persistence, scope, identityFingerprint: testFingerprint, policy, statePath: "/s/key-registry.json", nowMs: () => now,
    log: createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) }), probeIntervalMs: 30_000, deepProbeIntervalMs: 300_000, timeoutMs: 1000,
  });
  return { t, store, controller, lines, advance: (ms: number) => (now += ms) };
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
