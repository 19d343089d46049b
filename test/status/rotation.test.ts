// The rotation state machine, driven by an injected clock (reference §2.9, §4.6): nothing here
// waits; every rule is one observation sequence.
import { describe, expect, test } from "bun:test";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import type { KeyScope } from "../../src/kms/snapshot.ts";
import type { KeyMetadata } from "../../src/kms/ports.ts";
import type { SnapshotRecord } from "../../src/registry/types.ts";
import { BootstrapDeniedError, bootstrapRecords, makeRecord, observe, type ObserveInput, RotationError } from "../../src/status/rotation.ts";

const scope: KeyScope = {
  providerName: "kms",
  clusterId: "c1",
  openbaoInstanceId: "bao-1",
  openbaoNamespace: "",
  transitMountId: "mount-1",
  keyLineageId: "lineage-1",
};
const created = (v: number) => 1_700_000_000 + v * 1000;
const policy = { requireStableObservationCount: 3, activationDelayMs: 120_000, rejectVersionRollback: true };
const t0 = 1_800_000_000_000; // ms

function meta(latest: number, o: Partial<KeyMetadata> & { missing?: number[] } = {}): KeyMetadata {
  const times = new Map<number, number>();
  for (let v = 1; v <= latest; v++) if (!o.missing?.includes(v)) times.set(v, created(v));
  return {
    type: "aes256-gcm96",
    latestVersion: latest,
    minDecryptionVersion: 1,
    minEncryptionVersion: 0,
    minAvailableVersion: 0,
    createdAtUnix: times,
    exportable: false,
    deletionAllowed: false,
    allowPlaintextBackup: false,
    derived: false,
    supportsEncryption: true,
    supportsDecryption: true,
    ...o,
  };
}

const id = (v: number) => deriveKeyId(scope, v, created(v));
const active1 = makeRecord(scope, 1, created(1), "active", { observedAtUnix: 1, promotedAtUnix: 1 });

function input(records: readonly SnapshotRecord[], activeKeyId: string, m: KeyMetadata, nowMs: number, o: Partial<ObserveInput> = {}): ObserveInput {
  return { records, activeKeyId, meta: m, scope, nowMs, policy, promotionHoldUntilMs: 0, mode: "observe", ...o };
}

/** Observes `m` every 30 s starting at `start`, n times, threading records through. */
function run(records: readonly SnapshotRecord[], activeKeyId: string, m: KeyMetadata, start: number, n: number, o: Partial<ObserveInput> = {}) {
  let cur = { records, activeKeyId };
  const log: Array<{ at: number; changed: boolean; promoted: boolean; activeKeyId: string }> = [];
  for (let i = 0; i < n; i++) {
    const at = start + i * 30_000;
    const r = observe(input(cur.records, cur.activeKeyId, m, at, o));
    cur = { records: r.records, activeKeyId: r.activeKeyId };
    log.push({ at, changed: r.changed, promoted: r.promoted !== undefined, activeKeyId: r.activeKeyId });
  }
  return { ...cur, log };
}

const find = (rs: readonly SnapshotRecord[], v: number) => rs.find((r) => r.transitVersion === v);

describe("bootstrap (§4.6)", () => {
  test("an unrotated key starts generation 1 with version 1 active", () => {
    const b = bootstrapRecords(meta(1), scope, t0, "/s/key-registry.json");
    expect(b.activeKeyId).toBe(id(1));
    expect(b.records).toEqual([makeRecord(scope, 1, created(1), "active", { observedAtUnix: t0 / 1000, promotedAtUnix: t0 / 1000 })]);
  });

  test("a rotated key is refused, and the message says what to restore", () => {
    expect(() => bootstrapRecords(meta(3), scope, t0, "/s/key-registry.json")).toThrow(BootstrapDeniedError);
    try {
      bootstrapRecords(meta(3), scope, t0, "/s/key-registry.json");
    } catch (e) {
      expect((e as Error).message).toContain("latest_version 3");
      expect((e as Error).message).toContain("restore /s/key-registry.json and /s/key-registry.json.checkpoint");
    }
  });

  test("an unsafe profile is refused before anything is created", () => {
    expect(() => bootstrapRecords(meta(1, { exportable: true }), scope, t0, "/s")).toThrow(RotationError);
  });
});

describe("observed rotation (§2.9)", () => {
  test("no new version: nothing changes", () => {
    const r = observe(input([active1], id(1), meta(1), t0));
    expect(r.changed).toBe(false);
    expect(r.records).toEqual([active1]);
  });

  test("a new version is pending, stable after 3 observations, promoted only after the activation delay", () => {
    const out = run([active1], id(1), meta(2), t0, 12);
    const promotedAt = out.log.findIndex((l) => l.promoted);
    // observed at t0, t0+30s, t0+60s (stable) → promoted at the first probe >= t0+60s+120s = t0+180s
    expect(out.log[promotedAt]?.at).toBe(t0 + 180_000);
    expect(out.log.filter((l) => l.promoted)).toHaveLength(1);
    expect(out.log.map((l) => l.changed)).toEqual([true, true, true, false, false, false, true, false, false, false, false, false]);
    expect(out.activeKeyId).toBe(id(2));
    expect(find(out.records, 1)?.state).toBe("retired");
    expect(find(out.records, 2)).toMatchObject({ state: "active", observedAtUnix: t0 / 1000, stableObservationCount: 3, stableAtUnix: t0 / 1000 + 60, promotedAtUnix: t0 / 1000 + 180 });
  });

  test("the pending record counts observations and stops counting at the threshold", () => {
    const one = observe(input([active1], id(1), meta(2), t0));
    expect(one.pending).toMatchObject({ state: "pending", stableObservationCount: 1, observedAtUnix: t0 / 1000 });
    expect(one.pending?.stableAtUnix).toBeUndefined();
    const out = run([active1], id(1), meta(2), t0, 5, { policy: { ...policy, activationDelayMs: 3_600_000 } });
    expect(find(out.records, 2)?.stableObservationCount).toBe(3);
    expect(out.activeKeyId).toBe(id(1));
  });

  test("a restart waits the activation delay again (promotion hold)", () => {
    const stable = run([active1], id(1), meta(2), t0, 3).records; // stable at t0+60s
    const restartAt = t0 + 170_000;
    const hold = restartAt + policy.activationDelayMs;
    const early = observe(input(stable, id(1), meta(2), t0 + 200_000, { promotionHoldUntilMs: hold }));
    expect(early.promoted).toBeUndefined();
    const due = observe(input(stable, id(1), meta(2), hold, { promotionHoldUntilMs: hold }));
    expect(due.promoted?.to.kubernetesKeyId).toBe(id(2));
  });

  test("count 1 makes the first observation stable", () => {
    const r = observe(input([active1], id(1), meta(2), t0, { policy: { ...policy, requireStableObservationCount: 1, activationDelayMs: 1000 } }));
    expect(r.pending).toMatchObject({ stableObservationCount: 1, stableAtUnix: t0 / 1000 });
    const p = observe(input(r.records, id(1), meta(2), t0 + 1000, { policy: { ...policy, requireStableObservationCount: 1, activationDelayMs: 1000 } }));
    expect(p.activeKeyId).toBe(id(2));
  });

  test("skipped versions are retired (decrypt-only); the latest is the candidate", () => {
    const r = observe(input([active1], id(1), meta(4), t0));
    expect(r.records.map((x) => [x.transitVersion, x.state])).toEqual([
      [1, "active"],
      [2, "retired"],
      [3, "retired"],
      [4, "pending"],
    ]);
    expect(find(r.records, 3)?.kubernetesKeyId).toBe(id(3));
  });

  test("a skipped version without a creation time fails closed", () => {
    expect(() => observe(input([active1], id(1), meta(4, { missing: [3] }), t0))).toThrow(expect.objectContaining({ reason: "profile_invalid" }));
  });

  test("a version rollback is rejected, or ignored when reject_version_rollback = false", () => {
    const at3 = run([active1], id(1), meta(3), t0, 7);
    expect(at3.activeKeyId).toBe(id(3));
    expect(() => observe(input(at3.records, at3.activeKeyId, meta(2), t0 + 300_000))).toThrow(expect.objectContaining({ reason: "version_rollback" }));
    // With the flag off the rollback itself is not the error, but every retained identity must
    // still have valid metadata: the active version 3 is gone, so the probe still fails closed.
    const lenient = { policy: { ...policy, rejectVersionRollback: false } };
    expect(() => observe(input(at3.records, at3.activeKeyId, meta(2), t0 + 300_000, lenient))).toThrow(expect.objectContaining({ reason: "version_unavailable" }));
  });

  test("latest below a pending version (pending identity would be lost) fails closed", () => {
    const pending = observe(input([active1], id(1), meta(3), t0)).records;
    expect(() => observe(input(pending, id(1), meta(1), t0 + 30_000))).toThrow(expect.objectContaining({ reason: "version_rollback" }));
  });

  test("a changed creation time of the active or a pending version fails closed", () => {
    const drifted = meta(1);
    (drifted.createdAtUnix as Map<number, number>).set(1, created(1) + 1);
    expect(() => observe(input([active1], id(1), drifted, t0))).toThrow(expect.objectContaining({ reason: "creation_time_drift" }));
    const pending = observe(input([active1], id(1), meta(2), t0)).records;
    const m = meta(2);
    (m.createdAtUnix as Map<number, number>).set(2, created(2) + 5);
    expect(() => observe(input(pending, id(1), m, t0 + 30_000))).toThrow(expect.objectContaining({ reason: "creation_time_drift" }));
  });

  test("min_decryption_version above a retained version archives it (Status stays healthy); retirement is never inferred", () => {
    const at2 = run([active1], id(1), meta(2), t0, 7);
    expect(at2.activeKeyId).toBe(id(2));
    // OpenBao stops listing archived versions (keysutil handleArchiving).
    const archived = observe(input(at2.records, at2.activeKeyId, meta(2, { minDecryptionVersion: 2, missing: [1] }), t0 + 300_000));
    expect(archived.archived.map((r) => r.transitVersion)).toEqual([1]);
    expect(archived.changed).toBe(false);
    expect(find(archived.records, 1)?.state).toBe("retired");
    // Trimmed (min_available_version) is gone for good: still fail closed.
    expect(() => observe(input(at2.records, at2.activeKeyId, meta(2, { minAvailableVersion: 2, minDecryptionVersion: 2, missing: [1] }), t0 + 300_000))).toThrow(
      expect.objectContaining({ reason: "version_unavailable" }),
    );
  });

  test("min_encryption_version above the active version blocks encryption but the state still advances", () => {
    const r = observe(input([active1], id(1), meta(2, { minEncryptionVersion: 2 }), t0));
    expect(r.encryptionBlocked).toBe(true);
    expect(r.changed).toBe(true);
    expect(r.pending?.transitVersion).toBe(2);
  });

  test("a superseded candidate stays decryptable (pending), and becomes retired when a newer one is promoted", () => {
    const two = run([active1], id(1), meta(2), t0, 2, { policy: { ...policy, activationDelayMs: 3_600_000 } });
    expect(find(two.records, 2)?.state).toBe("pending");
    const three = run(two.records, two.activeKeyId, meta(3), t0 + 60_000, 1);
    expect(find(three.records, 2)).toMatchObject({ state: "pending", stableObservationCount: 2 });
    expect(find(three.records, 3)).toMatchObject({ state: "pending", stableObservationCount: 1 });
    const done = run(three.records, three.activeKeyId, meta(3), t0 + 90_000, 8);
    expect(done.activeKeyId).toBe(id(3));
    expect(done.records.map((x) => [x.transitVersion, x.state]).sort()).toEqual([
      [1, "retired"],
      [2, "retired"],
      [3, "active"],
    ]);
  });

  test("removed and rejected identities are never re-added", () => {
    const records = [
      makeRecord(scope, 3, created(3), "active", { observedAtUnix: 1, promotedAtUnix: 1 }),
      makeRecord(scope, 2, created(2), "removed"),
      makeRecord(scope, 1, created(1), "removed"),
    ];
    const r = observe(input(records, id(3), meta(3), t0));
    expect(r.changed).toBe(false);
    const rejected = [makeRecord(scope, 1, created(1), "active", { observedAtUnix: 1 }), makeRecord(scope, 2, created(2), "rejected")];
    const r2 = observe(input(rejected, id(1), meta(3), t0));
    expect(r2.records.filter((x) => x.transitVersion === 2)).toEqual([rejected[1] as SnapshotRecord]);
    expect(find(r2.records, 3)?.state).toBe("pending");
  });

  test("discovery records new identities as pending without counting or promoting", () => {
    const d = observe(input([active1], id(1), meta(3), t0, { mode: "discover" }));
    expect(d.changed).toBe(true);
    expect(d.promoted).toBeUndefined();
    expect(find(d.records, 2)?.state).toBe("retired");
    expect(find(d.records, 3)).toMatchObject({ state: "pending", observedAtUnix: t0 / 1000 });
    expect(find(d.records, 3)?.stableObservationCount).toBeUndefined();
    const again = observe(input(d.records, id(1), meta(3), t0 + 1000, { mode: "discover", policy: { ...policy, requireStableObservationCount: 1, activationDelayMs: 1 } }));
    expect(again.changed).toBe(false);
    expect(again.activeKeyId).toBe(id(1));
    const counted = observe(input(d.records, id(1), meta(3), t0 + 30_000));
    expect(find(counted.records, 3)?.stableObservationCount).toBe(1);
  });

  test("the profile is validated on every observation", () => {
    for (const bad of [{ exportable: true }, { deletionAllowed: true }, { allowPlaintextBackup: true }, { type: "chacha20-poly1305" }, { derived: true }]) {
      expect(() => observe(input([active1], id(1), meta(1, bad), t0))).toThrow(expect.objectContaining({ reason: "profile_invalid" }));
    }
    expect(() => observe(input([active1], id(1), meta(1, { minAvailableVersion: 2 }), t0))).toThrow(RotationError);
  });

  test("records carry the namespace only when one is configured", () => {
    expect("openbaoNamespace" in makeRecord(scope, 1, created(1), "active")).toBe(false);
    const ns = makeRecord({ ...scope, openbaoNamespace: "team-a" }, 1, created(1), "active");
    expect(ns.openbaoNamespace).toBe("team-a");
    expect(ns.kubernetesKeyId).not.toBe(id(1));
  });

  test("raising require_stable_observation_count (across a restart) makes a stable candidate unstable again", () => {
    const stable = run([active1], id(1), meta(2), t0, 3, { policy: { ...policy, activationDelayMs: 3_600_000 } }).records;
    expect(find(stable, 2)?.stableAtUnix).toBeDefined();
    const raised = { ...policy, requireStableObservationCount: 5 };
    const next = observe(input(stable, id(1), meta(2), t0 + 400_000, { policy: raised }));
    expect(find(next.records, 2)).toMatchObject({ stableObservationCount: 4 });
    expect(find(next.records, 2)?.stableAtUnix).toBeUndefined();
    expect(next.promoted).toBeUndefined();
  });
});

describe("persisted stamps under a wall clock stepped back", () => {
  test("stableAt and promotedAt never precede the record's earlier stamps, so the saved state stays valid", () => {
    const m2 = meta(2);
    const t = 1_800_000_000_000;
    // Observed (and stable, one observation needed here) at t; then the wall clock goes back an hour.
    const first = observe(input([active1], active1.kubernetesKeyId, m2, t, { policy: { ...policy, requireStableObservationCount: 1, activationDelayMs: 1 }, promotionDue: () => false }));
    const pending = first.records.find((r) => r.kubernetesKeyId === id(2));
    expect(pending?.stableAtUnix).toBe(t / 1000);
    const back = t - 3_600_000;
    const promoted = observe(input(first.records, first.activeKeyId, m2, back, { policy: { ...policy, requireStableObservationCount: 1, activationDelayMs: 1 }, promotionDue: () => true }));
    const to = promoted.records.find((r) => r.kubernetesKeyId === id(2));
    expect(to?.state).toBe("active");
    expect(to?.promotedAtUnix).toBe(t / 1000); // not back / 1000
    expect(to?.promotedAtUnix ?? 0).toBeGreaterThanOrEqual(to?.observedAtUnix ?? Infinity);
  });

  test("a candidate that becomes stable after the step gets stableAt = its observedAt, not an earlier time", () => {
    const m2 = meta(2);
    const t = 1_800_000_000_000;
    const p2 = { ...policy, requireStableObservationCount: 2 };
    const first = observe(input([active1], active1.kubernetesKeyId, m2, t, { policy: p2, promotionDue: () => false }));
    const second = observe(input(first.records, first.activeKeyId, m2, t - 3_600_000, { policy: p2, promotionDue: () => false }));
    const r = second.records.find((x) => x.kubernetesKeyId === id(2));
    expect(r?.stableObservationCount).toBe(2);
    expect(r?.stableAtUnix).toBe(r?.observedAtUnix);
  });
});
