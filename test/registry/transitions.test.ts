// retire-versions and restore-versions as pure transitions (reference §2.9 rule 44).
import { describe, expect, test } from "bun:test";
import { nextState } from "../../src/registry/build.ts";
import { restoreVersions, retireVersions } from "../../src/registry/transitions.ts";
import { validateProgress } from "../../src/registry/validate.ts";
import { makeRecord } from "../../src/status/rotation.ts";

const scope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "l" };
const rec = (v: number, state: Parameters<typeof makeRecord>[3]) => makeRecord(scope, v, 1000 + v, state);
const base = nextState(undefined, [rec(4, "active"), rec(3, "retired"), rec(2, "retired"), rec(1, "retired")], rec(4, "active").kubernetesKeyId);

describe("retire", () => {
  test("retired versions below N become removed, in one new generation with the same active key", () => {
    const r = retireVersions(base, 3);
    expect(r.changed).toBe(true);
    expect(r.records.map((x) => x.transitVersion)).toEqual([2, 1]);
    expect(r.next.generation).toBe(2);
    expect(r.next.previousHash).toBe(base.currentHash);
    expect(r.next.activeKeyId).toBe(base.activeKeyId);
    expect(r.next.snapshots.map((x) => [x.transitVersion, x.state])).toEqual([
      [4, "active"],
      [3, "retired"],
      [2, "removed"],
      [1, "removed"],
    ]);
    expect(() => validateProgress(base, r.next, "retire")).not.toThrow();
    expect(() => validateProgress(base, r.next, "observe")).toThrow();
  });
  test("nothing to retire → the same state, no new generation", () => {
    const once = retireVersions(base, 4).next;
    const again = retireVersions(once, 4);
    expect(again.changed).toBe(false);
    expect(again.next).toBe(once);
  });
  test.each([1, 5, 0, 2.5])("--before-version %p outside 2..active is refused", (v) => {
    expect(() => retireVersions(base, v)).toThrow("--before-version must be between 2 and the active version 4");
  });
  test("refused while a version is pending", () => {
    const pending = nextState(base, [...base.snapshots, rec(5, "pending")], base.activeKeyId);
    expect(() => retireVersions(pending, 3)).toThrow("version 5 is pending");
  });
});

describe("restore", () => {
  const retired = retireVersions(base, 4).next;
  test("exactly the named removed versions become retired again", () => {
    const r = restoreVersions(retired, [1, 3]);
    expect(r.records.map((x) => x.transitVersion)).toEqual([3, 1]);
    expect(r.next.snapshots.map((x) => [x.transitVersion, x.state])).toEqual([
      [4, "active"],
      [3, "retired"],
      [1, "retired"],
      [2, "removed"],
    ]);
    expect(() => validateProgress(retired, r.next, "restore")).not.toThrow();
  });
  test("a version that is not removed, or unknown, is refused", () => {
    expect(() => restoreVersions(retired, [4])).toThrow("version 4 is active, not removed");
    expect(() => restoreVersions(retired, [9])).toThrow("version 9 is not in the registry, not removed");
    expect(() => restoreVersions(retired, [])).toThrow("no versions given");
  });
});
