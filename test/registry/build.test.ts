// nextState (canonical order, generation and chain) and the record ↔ KeySnapshot conversions.

import { expect, test } from "bun:test";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import type { KeySnapshot } from "../../src/kms/snapshot.ts";
import { nextState, recordFromSnapshot, snapshotFromRecord } from "../../src/registry/build.ts";
import { recordCompact } from "../../src/registry/codec.ts";
import { computeStateHash } from "../../src/registry/state-hash.ts";
import { validateState } from "../../src/registry/validate.ts";
import { rec, scope, testFingerprint } from "./helpers.ts";

test("nextState: generation 1 without previousHash, then +1 linked to the previous hash, records sorted", () => {
  const a1 = rec(1, "active");
  const g1 = nextState(undefined, [a1], a1.kubernetesKeyId, testFingerprint);
  expect(g1.generation).toBe(1);
  expect("previousHash" in g1).toBe(false);
  expect(g1.currentHash).toBe(computeStateHash(g1));
  const records = [rec(1, "removed"), rec(2, "retired"), rec(5, "rejected"), rec(4, "pending", { observedAtUnix: 1, stableObservationCount: 1 }), rec(3, "active")];
  const g2 = nextState(g1, records, rec(3, "active").kubernetesKeyId);
  expect(g2.generation).toBe(2);
  expect(g2.previousHash).toBe(g1.currentHash);
  expect(g2.snapshots.map((r) => `${r.transitVersion}:${r.state}`)).toEqual(["3:active", "4:pending", "2:retired", "5:rejected", "1:removed"]);
  expect(() => validateState(g2)).not.toThrow();
});

test("records of one state sort by version high → low, then key_id", () => {
  const other = { ...scope, clusterId: "cluster-u" };
  const a = rec(2, "retired");
  const b = rec(2, "retired", {}, other);
  const s = nextState(undefined, [rec(1, "retired"), a, b, rec(3, "active")], rec(3, "active").kubernetesKeyId, testFingerprint);
  const ids = s.snapshots.slice(1, 3).map((r) => r.kubernetesKeyId);
  expect(ids).toEqual([a.kubernetesKeyId, b.kubernetesKeyId].sort());
  expect(s.snapshots[3]?.transitVersion).toBe(1);
});

test("recordFromSnapshot ↔ snapshotFromRecord round-trip, namespace omitted when empty, zero observation fields dropped", () => {
  const ns = { ...scope, openbaoNamespace: "team-a" };
  for (const sc of [scope, ns]) {
    const snap: KeySnapshot = { scope: sc, transitVersion: 7, createdAtUnix: 1_767_000_123, keyId: deriveKeyId(sc, 7, 1_767_000_123), state: "pending" };
    const r = recordFromSnapshot(snap, { observedAtUnix: 5, stableObservationCount: 0, stableAtUnix: 0 });
    expect(r.transitKeyLineageId).toBe(sc.keyLineageId);
    expect(r.transitVersionCreatedAtUnix).toBe(1_767_000_123);
    expect(r.aadMode).toBe("aad.required");
    expect("stableObservationCount" in r).toBe(false);
    expect(r.observedAtUnix).toBe(5);
    expect("openbaoNamespace" in r).toBe(sc.openbaoNamespace !== "");
    expect(snapshotFromRecord(r)).toEqual(snap);
    // the same bytes as a record built field by field
    expect(recordCompact(r)).toBe(recordCompact(rec(7, "pending", { observedAtUnix: 5, transitVersionCreatedAtUnix: 1_767_000_123, kubernetesKeyId: snap.keyId }, sc)));
  }
});
