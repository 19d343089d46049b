// The restore rules on their own: what Transit says of a version decides whether it can come back.
import { expect, test } from "bun:test";
import { checkRestorable, type RestoreFacts } from "../../src/registry/restore-rules.ts";
import type { SnapshotRecord } from "../../src/registry/types.ts";

const removed = { transitVersion: 2, state: "removed", transitVersionCreatedAtUnix: 1700000000 } as SnapshotRecord;
const retired = { ...removed, state: "retired" } as SnapshotRecord;
const facts = (f: Partial<RestoreFacts>): RestoreFacts => ({ availability: "listed", createdAtUnix: 1700000000, minAvailableVersion: 0, minDecryptionVersion: 1, keyPath: "transit/keys/k", ...f });

test("a listed version with the same creation time may come back", () => {
  expect(() => checkRestorable(removed, facts({}))).not.toThrow();
});
test("trimmed never comes back; archived names the command that lowers the minimum", () => {
  expect(() => checkRestorable(removed, facts({ availability: "trimmed", minAvailableVersion: 3 }))).toThrow("Transit trimmed version 2 (min_available_version 3)");
  expect(() => checkRestorable(retired, facts({ availability: "archived", minDecryptionVersion: 3 }))).toThrow("lower it first with 'bao write transit/keys/k/config min_decryption_version=2'");
});
test("vanished, or replaced (another creation time)", () => {
  expect(() => checkRestorable(removed, facts({ availability: "vanished", createdAtUnix: undefined }))).toThrow("no longer lists version 2");
  expect(() => checkRestorable(removed, facts({ createdAtUnix: 1800000000 }))).toThrow("different creation time");
});
test("a retired version that Transit lists is left to the transition", () => {
  expect(() => checkRestorable(retired, facts({ availability: "vanished" }))).not.toThrow();
});
