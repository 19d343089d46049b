// Versions archived by Transit min_decryption_version (OpenBao stops listing them) and
// soft-deleted keys, through the state machine and the status controller: a retained,
// non-active archived version keeps Status healthy and is reported; a vanished, trimmed or
// archived active version, or a soft-deleted key, fails closed. Lowering the minimum recovers.
import { describe, expect, test } from "bun:test";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import type { KeyMetadata } from "../../src/kms/ports.ts";
import { createLogger } from "../../src/platform/log.ts";
import { nextState } from "../../src/registry/build.ts";
import type { RegistryState, RegistryStore } from "../../src/registry/types.ts";
import { StatusController } from "../../src/status/controller.ts";
import { LiveRegistry } from "../../src/status/live-registry.ts";
import { makeRecord, observe, RotationError } from "../../src/status/rotation.ts";
import { StatusStore } from "../../src/status/store.ts";
import { testFingerprint } from "../registry/helpers.ts";

const scope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "l" };
const created = (v: number) => 1000 + v;
const policy = { requireStableObservationCount: 3, activationDelayMs: 120_000, rejectVersionRollback: true };
const retired1 = makeRecord(scope, 1, created(1), "retired", { observedAtUnix: 1 });
const active2 = makeRecord(scope, 2, created(2), "active", { observedAtUnix: 1, promotedAtUnix: 2 });

/** What OpenBao answers for a key at `latest`: versions below min_decryption_version are not listed. */
function meta(latest: number, o: { minDecryptionVersion?: number; minAvailableVersion?: number; missing?: number[]; softDeleted?: boolean } = {}): KeyMetadata {
  const minDec = o.minDecryptionVersion ?? 1;
  const times = new Map<number, number>();
  for (let v = minDec; v <= latest; v++) if (!o.missing?.includes(v)) times.set(v, created(v));
  return {
    type: "aes256-gcm96", latestVersion: latest, minDecryptionVersion: minDec, minEncryptionVersion: 0, minAvailableVersion: o.minAvailableVersion ?? 0,
    createdAtUnix: times, exportable: false, deletionAllowed: false, allowPlaintextBackup: false, derived: false,
    supportsEncryption: true, supportsDecryption: true, ...(o.softDeleted === undefined ? {} : { softDeleted: o.softDeleted }),
  };
}

const obs = (m: KeyMetadata, records = [retired1, active2]) =>
  observe({ records, activeKeyId: active2.kubernetesKeyId, meta: m, scope, nowMs: 1_800_000_000_000, policy, promotionHoldUntilMs: 0, mode: "observe" });
const reasonOf = (run: () => unknown): string => {
  try {
    run();
  } catch (e) {
    if (e instanceof RotationError) return `${e.reason}: ${e.message}`;
    throw e;
  }
  return "ok";
};

describe("state machine", () => {
  test("a retired version below min_decryption_version is archived: no failure, no change, reported", () => {
    const r = obs(meta(2, { minDecryptionVersion: 2 }));
    expect(r.changed).toBe(false);
    expect(r.encryptionBlocked).toBe(false);
    expect(r.activeKeyId).toBe(active2.kubernetesKeyId);
    expect(r.archived.map((x) => x.transitVersion)).toEqual([1]);
    expect(r.records).toEqual([retired1, active2]);
  });

  test("lowering the minimum lists the version again; its creation time is checked once more", () => {
    expect(obs(meta(2)).archived).toEqual([]);
    const replaced = meta(2);
    (replaced.createdAtUnix as Map<number, number>).set(1, 5);
    expect(reasonOf(() => obs(replaced))).toStartWith("creation_time_drift");
  });

  test("a version at or above min_decryption_version that is not listed has vanished → fail closed", () => {
    expect(reasonOf(() => obs(meta(2, { missing: [1] })))).toMatch(/^version_unavailable: .*version 1 .*vanished/);
  });

  test("the active version archived → fail closed, with the advice to lower the minimum", () => {
    const records = [retired1, active2];
    expect(reasonOf(() => obs(meta(3, { minDecryptionVersion: 3 }), records))).toBe(
      "version_unavailable: the active version 2 is archived by Transit min_decryption_version 3: lower min_decryption_version to 2 or less",
    );
  });

  test("a trimmed version (below min_available_version) → fail closed: nothing brings it back", () => {
    expect(reasonOf(() => obs(meta(2, { minDecryptionVersion: 2, minAvailableVersion: 2 })))).toMatch(/^version_unavailable: Transit key version 1 was trimmed/);
  });

  test("a soft-deleted key → key_soft_deleted, before any other check", () => {
    expect(reasonOf(() => obs({ ...meta(2), softDeleted: true, exportable: true }))).toMatch(/^key_soft_deleted: Transit key <mount>\/keys\/<name> is soft-deleted: .*soft-delete-restore/);
  });

  test("a new version while v1 is archived is recorded and promoted as usual", () => {
    let records = [retired1, active2];
    let activeKeyId = active2.kubernetesKeyId;
    const m = meta(3, { minDecryptionVersion: 2 });
    for (let i = 0; i < 10; i++) {
      const r = observe({ records, activeKeyId, meta: m, scope, nowMs: 1_800_000_000_000 + i * 30_000, policy, promotionHoldUntilMs: 0, mode: "observe" });
      records = [...r.records];
      activeKeyId = r.activeKeyId;
      expect(r.archived.map((x) => x.transitVersion)).toEqual([1]);
    }
    expect(activeKeyId).toBe(deriveKeyId(scope, 3, created(3)));
  });
});

describe("status controller", () => {
  function setup() {
    let now = 1_800_000_000_000;
    const current = { meta: meta(2) };
    let stored: Uint8Array = new Uint8Array();
    const transit = {
      readDisableUpsert: async () => true,
      readKey: async () => current.meta,
      encrypt: async (r: { plaintext: Uint8Array; keyVersion: number }) => {
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
    registry.publish(nextState(undefined, [retired1, active2], active2.kubernetesKeyId, testFingerprint));
    const controller = new StatusController({
      transit, store, registry, persistence, scope, identityFingerprint: testFingerprint, policy, statePath: "/s/key-registry.json", nowMs: () => now,
      log: createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) }), probeIntervalMs: 30_000, deepProbeIntervalMs: 300_000, timeoutMs: 1000,
    });
    const events = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === "key.versions_archived");
    return { current, controller, store, registry, saved, events, advance: (ms: number) => (now += ms) };
  }

  test("raising the minimum: Status stays healthy, one warning, archivedVersions; lowering it: recovered, no save", async () => {
    const { current, controller, store, registry, saved, events, advance } = setup();
    await controller.probeOnce();
    await controller.deepProbeOnce();
    expect(store.current().healthz).toBe("ok");
    expect(controller.archivedVersions()).toEqual([]);

    current.meta = meta(2, { minDecryptionVersion: 2 });
    for (let i = 0; i < 3; i++) {
      advance(30_000);
      expect((await controller.probeOnce()).ok).toBe(true);
    }
    expect(store.current()).toMatchObject({ healthz: "ok", keyId: active2.kubernetesKeyId });
    expect(controller.archivedVersions()).toEqual([1]);
    // The registry keeps v1 decryptable: ciphertext under it opens again once the minimum is lowered.
    expect(registry.lookup(retired1.kubernetesKeyId)?.state).toBe("retired");
    expect(events()).toEqual([expect.objectContaining({ level: "warn", outcome: "archived", archived_versions: "1", min_decryption_version: 2 })]);

    current.meta = meta(2);
    advance(30_000);
    expect((await controller.probeOnce()).ok).toBe(true);
    expect(controller.archivedVersions()).toEqual([]);
    expect(events().at(-1)).toMatchObject({ level: "info", outcome: "recovered" });
    expect(saved).toEqual([]);
  });

  test("archivedVersions (the gauge's source) reports none while a metadata probe fails, the count again once one validates, without a second warning", async () => {
    const { current, controller, events } = setup();
    await controller.probeOnce();
    current.meta = meta(2, { minDecryptionVersion: 2 });
    expect((await controller.probeOnce()).ok).toBe(true);
    expect(controller.archivedVersions()).toEqual([1]);
    // The key is trimmed past v1 (or soft-deleted, or unreadable): the last count is no longer known.
    current.meta = meta(2, { minDecryptionVersion: 2, minAvailableVersion: 2 });
    expect(await controller.probeOnce()).toMatchObject({ ok: false, reason: "version_unavailable" });
    expect(controller.archivedVersions()).toEqual([]);
    current.meta = meta(2, { minDecryptionVersion: 2 });
    expect((await controller.probeOnce()).ok).toBe(true);
    expect(controller.archivedVersions()).toEqual([1]);
    expect(events().filter((e) => e.outcome === "archived").length).toBe(1);
  });

  test("a vanished version or a soft-deleted key makes Status unhealthy with its reason", async () => {
    const { current, controller, store } = setup();
    await controller.probeOnce();
    await controller.deepProbeOnce();
    current.meta = meta(2, { missing: [1] });
    expect(await controller.probeOnce()).toMatchObject({ ok: false, reason: "version_unavailable" });
    expect(store.snapshot().reasons).toEqual(["version_unavailable"]);
    current.meta = meta(2, { softDeleted: true });
    expect(await controller.probeOnce()).toMatchObject({ ok: false, reason: "key_soft_deleted" });
    expect(store.snapshot()).toMatchObject({ healthz: "unhealthy", reasons: ["key_soft_deleted"] });
  });
});
