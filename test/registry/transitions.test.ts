// retire-versions (rule 44) and restore-versions as pure transitions.

import { describe, expect, test } from "bun:test";
import { nextState } from "../../src/registry/build.ts";
import { restoreVersions, retireVersions } from "../../src/registry/transitions.ts";
import type { RegistryState } from "../../src/registry/types.ts";
import { validateProgress, validateState } from "../../src/registry/validate.ts";
import { err, rec, rotated, testFingerprint } from "./helpers.ts";

/** active 5, retired 4..1 */
function five(): RegistryState {
  const records = [rec(5, "active"), rec(4, "retired"), rec(3, "retired"), rec(2, "retired"), rec(1, "retired")];
  return nextState(rotated()[2], records, rec(5, "active").kubernetesKeyId);
}

describe("retireVersions", () => {
  test("removes exactly the retired versions below N, same active key, new generation that passes validation", () => {
    const s = five();
    const r = retireVersions(s, 3);
    expect(r.changed).toBe(true);
    expect(r.records.map((x) => x.transitVersion)).toEqual([2, 1]);
    expect(r.next.generation).toBe(s.generation + 1);
    expect(r.next.previousHash).toBe(s.currentHash);
    expect(r.next.activeKeyId).toBe(s.activeKeyId);
    expect(r.next.snapshots.map((x) => `${x.transitVersion}:${x.state}`)).toEqual(["5:active", "4:retired", "3:retired", "2:removed", "1:removed"]);
    expect(() => validateState(r.next)).not.toThrow();
    expect(() => validateProgress(s, r.next, "retire")).not.toThrow();
  });

  test("N equal to the active version removes every retired version, never the active one", () => {
    const r = retireVersions(five(), 5);
    expect(r.next.snapshots.map((x) => x.state)).toEqual(["active", "removed", "removed", "removed", "removed"]);
  });

  test("nothing to remove → the same state object, no new generation", () => {
    const s = retireVersions(five(), 3).next;
    const again = retireVersions(s, 3);
    expect(again.changed).toBe(false);
    expect(again.next).toBe(s);
    expect(again.records).toEqual([]);
  });

  for (const before of [1, 0, -1, 6, 2.5, Number.NaN]) {
    test(`beforeVersion ${before} is refused (must be 1 < N <= active)`, () => {
      const e = err(() => retireVersions(five(), before));
      expect(e.kind).toBe("progress");
      expect(e.message).toContain("between 2 and the active version 5");
    });
  }

  test("refused while a version is pending", () => {
    const s = five();
    const p = nextState(s, [...s.snapshots, rec(6, "pending", { observedAtUnix: 1, stableObservationCount: 1 })], s.activeKeyId);
    const e = err(() => retireVersions(p, 3));
    expect(e.message).toContain("version 6 is pending");
  });

  test("rejected records are left alone", () => {
    const s = five();
    const withRejected = nextState(s, [...s.snapshots, rec(9, "rejected")], s.activeKeyId);
    const r = retireVersions(withRejected, 5);
    expect(r.next.snapshots.find((x) => x.transitVersion === 9)?.state).toBe("rejected");
  });
});

describe("restoreVersions", () => {
  const removedState = () => retireVersions(five(), 4).next; // 3, 2, 1 removed

  test("removed → retired for exactly the named versions; the rest unchanged; passes validation", () => {
    const s = removedState();
    const r = restoreVersions(s, [1, 3]);
    expect(r.changed).toBe(true);
    expect(r.records.map((x) => x.transitVersion)).toEqual([3, 1]);
    expect(r.next.snapshots.map((x) => `${x.transitVersion}:${x.state}`)).toEqual(["5:active", "4:retired", "3:retired", "1:retired", "2:removed"]);
    expect(r.next.activeKeyId).toBe(s.activeKeyId);
    expect(() => validateState(r.next)).not.toThrow();
    expect(() => validateProgress(s, r.next, "restore")).not.toThrow();
  });

  test("retire then restore of the same versions gives back the same records", () => {
    const s = five();
    const back = restoreVersions(retireVersions(s, 3).next, [1, 2]).next;
    expect(back.snapshots).toEqual(s.snapshots);
    expect(back.generation).toBe(s.generation + 2);
  });

  test("a version that is not removed (retired) is refused", () => expect(err(() => restoreVersions(removedState(), [4])).message).toContain("version 4 is retired, not removed"));
  test("an unknown version below active is refused", () => {
    const s = nextState(undefined, [rec(5, "active"), rec(3, "removed")], rec(5, "active").kubernetesKeyId, testFingerprint);
    expect(err(() => restoreVersions(s, [2])).message).toContain("version 2 is not in the registry");
  });
  test("the active version or above is refused", () => {
    expect(err(() => restoreVersions(removedState(), [5])).message).toContain("not below the active version 5");
    expect(err(() => restoreVersions(removedState(), [8])).message).toContain("not below the active version 5");
  });
  test("a version given twice is refused", () => expect(err(() => restoreVersions(removedState(), [2, 2])).message).toContain("given twice"));
  test("non-integer versions are refused", () => expect(err(() => restoreVersions(removedState(), [1.5])).message).toContain("whole numbers"));
  test("an empty list is refused", () => expect(err(() => restoreVersions(removedState(), [])).message).toContain("no versions given"));
});
