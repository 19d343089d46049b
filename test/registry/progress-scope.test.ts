// Rule 41 (what a new generation may change) and rule 39's scope check, on in-memory states.

import { describe, expect, test } from "bun:test";
import { nextState } from "../../src/registry/build.ts";
import type { RegistryState, SnapshotRecord } from "../../src/registry/types.ts";
import { type Transition, validateProgress, validateScope } from "../../src/registry/validate.ts";
import { err, rec, rehash, rotated, scope } from "./helpers.ts";

const [g1, g2, g3] = rotated() as [RegistryState, RegistryState, RegistryState];
const next = (prev: RegistryState, records: SnapshotRecord[]) =>
  nextState(prev, records, (records.find((r) => r.state === "active") as SnapshotRecord).kubernetesKeyId);
const refused = (prev: RegistryState, n: RegistryState, message: string | RegExp, transition: Transition = "observe") => {
  const e = err(() => validateProgress(prev, n, transition));
  expect(e.kind).toBe("progress");
  expect(e.message).toMatch(message);
};

describe("validateProgress", () => {
  test("the rotated chain progresses generation by generation", () => {
    expect(() => validateProgress(g1, g2)).not.toThrow();
    expect(() => validateProgress(g2, g3)).not.toThrow();
  });

  test("generation must increase", () => refused(g3, rehash({ ...next(g3, [...g3.snapshots]), generation: 3 }), /generation does not increase/));
  test("the chain must link", () => refused(g3, rehash({ ...next(g3, [...g3.snapshots]), previousHash: g2.currentHash }), /previousHash does not link/));
  test("a successor of an older generation does not link", () => refused(g2, rehash({ ...g3, previousHash: g1.currentHash }), /previousHash does not link/));

  test("the active version must not decrease", () => refused(g3, next(g3, [rec(3, "retired"), rec(2, "active"), rec(1, "retired")]), /active version would decrease/));

  test("a retired identity may not be dropped", () => refused(g3, next(g3, [rec(3, "active"), rec(2, "retired")]), /version 1 would be dropped/));
  test("the active identity may not be dropped", () => refused(g2, next(g2, [rec(3, "active"), rec(1, "retired")]), /version 2 would be dropped/));
  test("retired → removed outside retire-versions is refused", () => refused(g3, next(g3, [rec(3, "active"), rec(2, "retired"), rec(1, "removed")]), /version 1 would go from retired to removed/));
  test("retired → rejected is refused", () => refused(g3, next(g3, [rec(3, "active"), rec(2, "retired"), rec(1, "rejected")]), /version 1 would go from retired to rejected/));
  test("retired → pending is refused", () => refused(g3, next(g3, [rec(3, "active"), rec(2, "retired"), rec(1, "pending")]), /version 1 would go from retired to pending/));

  test("pending may stay pending, become active or retired, but not be dropped or removed", () => {
    const p = next(g3, [rec(3, "active"), rec(4, "pending", { observedAtUnix: 1, stableObservationCount: 1 }), rec(2, "retired"), rec(1, "retired")]);
    expect(() => validateProgress(g3, p)).not.toThrow();
    const still = next(p, [rec(3, "active"), rec(4, "pending", { observedAtUnix: 1, stableObservationCount: 2 }), rec(2, "retired"), rec(1, "retired")]);
    expect(() => validateProgress(p, still)).not.toThrow();
    const promoted = next(p, [rec(4, "active", { observedAtUnix: 1, promotedAtUnix: 9 }), rec(3, "retired"), rec(2, "retired"), rec(1, "retired")]);
    expect(() => validateProgress(p, promoted)).not.toThrow();
    refused(p, next(p, [rec(3, "active"), rec(2, "retired"), rec(1, "retired")]), /version 4 would be dropped/);
    refused(p, next(p, [rec(3, "active"), rec(4, "removed"), rec(2, "retired"), rec(1, "retired")]), /version 4 would go from pending to removed/, "retire");
  });

  test("retire: retired → removed allowed, but not for the active key and not with a new active key", () => {
    const retired = next(g3, [rec(3, "active"), rec(2, "retired"), rec(1, "removed")]);
    expect(() => validateProgress(g3, retired, "retire")).not.toThrow();
    refused(g3, next(g3, [rec(3, "removed"), rec(4, "active"), rec(2, "retired"), rec(1, "retired")]), /retire\/restore must not change the active key/, "retire");
  });

  test("a removed record must stay byte-identical (state, or any other field)", () => {
    const removed = next(g3, [rec(3, "active"), rec(2, "retired"), rec(1, "removed")]);
    refused(removed, next(removed, [rec(3, "active"), rec(2, "retired")]), /removed version 1 would be dropped/);
    refused(removed, next(removed, [rec(3, "active"), rec(2, "retired"), rec(1, "removed", { observedAtUnix: 5 })]), /removed version 1 would change/);
    refused(removed, next(removed, [rec(3, "active"), rec(2, "retired"), rec(1, "pending")]), /removed version 1 would change/);
    refused(removed, next(removed, [rec(3, "active"), rec(2, "retired"), rec(1, "retired")]), /removed version 1 would change/);
    expect(() => validateProgress(removed, next(removed, [rec(3, "active"), rec(2, "retired"), rec(1, "removed")]))).not.toThrow();
  });

  test("restore: removed → retired allowed only with the record otherwise unchanged", () => {
    const removed = next(g3, [rec(3, "active"), rec(2, "retired"), rec(1, "removed", { promotedAtUnix: 7 })]);
    expect(() => validateProgress(removed, next(removed, [rec(3, "active"), rec(2, "retired"), rec(1, "retired", { promotedAtUnix: 7 })]), "restore")).not.toThrow();
    refused(removed, next(removed, [rec(3, "active"), rec(2, "retired"), rec(1, "retired", { promotedAtUnix: 8 })]), /removed version 1 would change/, "restore");
  });

  test("a rejected record may not change or disappear", () => {
    const r = next(g3, [rec(3, "active"), rec(2, "retired"), rec(1, "retired"), rec(5, "rejected")]);
    refused(r, next(r, [rec(3, "active"), rec(2, "retired"), rec(1, "retired")]), /rejected version 5 would change/);
    refused(r, next(r, [rec(3, "active"), rec(2, "retired"), rec(1, "retired"), rec(5, "pending")]), /rejected version 5 would change/);
  });
});

describe("validateScope", () => {
  test("the configured scope matches", () => expect(() => validateScope(g3, scope)).not.toThrow());
  for (const [field, configKey] of [
    ["providerName", "provider_name"],
    ["clusterId", "cluster_id"],
    ["openbaoInstanceId", "openbao.instance_id"],
    ["openbaoNamespace", "openbao.namespace"],
    ["transitMountId", "transit_mount_id"],
    ["keyLineageId", "key_lineage_id"],
  ] as const) {
    test(`a different ${field} → scope_mismatch naming ${configKey}`, () => {
      const e = err(() => validateScope(g3, { ...scope, [field]: "other-value" }));
      expect(e.kind).toBe("scope_mismatch");
      expect(e.message).toContain(configKey);
      expect(e.message).not.toContain("other-value");
    });
  }
});
