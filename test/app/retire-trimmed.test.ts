// retire-versions is the way out of a trimmed retained version (Transit min_available_version
// above it: key material deleted, every probe fails closed): it may remove retired versions
// below the minimum, never the active one, and the planned state must validate against the same
// live metadata, so a trimmed version it would leave behind still refuses the plan.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { planRetire } from "../../src/app/version-changes.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { expectedIdentityOf } from "../../src/keys/identity.ts";
import { keyScopeOf } from "../../src/keys/scope.ts";
import type { KeyMetadata } from "../../src/kms/ports.ts";
import { nextState } from "../../src/registry/build.ts";
import { RegistryError } from "../../src/registry/types.ts";
import { makeRecord, observe, RotationError } from "../../src/status/rotation.ts";

const config = parseConfigText(readFileSync(new URL("../fixtures/config/valid.toml", import.meta.url), "utf8"));
const scope = keyScopeOf(config);
const created = (v: number) => 1000 + v;
const rec = (v: number, state: "active" | "retired") => makeRecord(scope, v, created(v), state, { observedAtUnix: 1, ...(state === "active" ? { promotedAtUnix: 2 } : {}) });
const state = nextState(undefined, [rec(1, "retired"), rec(2, "retired"), rec(3, "active")], rec(3, "active").kubernetesKeyId, expectedIdentityOf(config).fingerprint);

/** OpenBao after `trim min_available_version=M` (needs min_decryption_version >= M): only versions >= min_decryption are listed. */
function meta(o: { minAvailable: number; minDecryption: number; latest?: number }): KeyMetadata {
  const latest = o.latest ?? 3;
  const times = new Map<number, number>();
  for (let v = o.minDecryption; v <= latest; v++) times.set(v, created(v));
  return {
    type: "aes256-gcm96", latestVersion: latest, minDecryptionVersion: o.minDecryption, minEncryptionVersion: 0, minAvailableVersion: o.minAvailable,
    createdAtUnix: times, exportable: false, deletionAllowed: false, allowPlaintextBackup: false, derived: false, supportsEncryption: true, supportsDecryption: true,
  };
}
const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (e) {
    if (e instanceof RegistryError) return e.message;
    throw e;
  }
  return "planned";
};
const probe = (s: typeof state, m: KeyMetadata) =>
  observe({ records: s.snapshots, activeKeyId: s.activeKeyId, meta: m, scope, nowMs: 1_800_000_000_000, policy: config.rotation, promotionHoldUntilMs: 0, mode: "observe" });

test("v1 and v2 trimmed: the probe fails closed and names the way out; retire-versions --before-version 3 removes both and the result validates", () => {
  const m = meta({ minAvailable: 3, minDecryption: 3 });
  expect(() => probe(state, m)).toThrow(RotationError);
  expect(() => probe(state, m)).toThrow("retire-versions --before-version 3");
  const planned = planRetire(state, m, 3, config);
  expect(planned.changed).toBe(true);
  expect(planned.records.map((r) => r.transitVersion)).toEqual([2, 1]);
  expect(planned.next.activeKeyId).toBe(state.activeKeyId);
  expect(planned.next.snapshots.filter((r) => r.state === "removed").map((r) => r.transitVersion).sort()).toEqual([1, 2]);
  // The probes validate the new state: Status is healthy again once serve starts with it.
  expect(probe(planned.next, m)).toMatchObject({ changed: false, encryptionBlocked: false, archived: [] });
});

test("a trimmed version the plan would keep still refuses it (the state must validate in full)", () => {
  const m = meta({ minAvailable: 3, minDecryption: 3 });
  expect(refusal(() => planRetire(state, m, 2, config))).toContain("Transit key version 2 was trimmed");
});

test("v1 trimmed and v2 archived: retiring below 2 removes only v1; v2 stays retired (archived, recoverable)", () => {
  const m = meta({ minAvailable: 2, minDecryption: 3 });
  const planned = planRetire(state, m, 2, config);
  expect(planned.records.map((r) => r.transitVersion)).toEqual([1]);
  expect(probe(planned.next, m).archived.map((r) => r.transitVersion)).toEqual([2]);
});

test("never the active version: a trimmed active version is refused whatever --before-version says", () => {
  // Transit trimmed up to 4 after rotating to 4, the registry's active version 3 is gone with it.
  const m = meta({ minAvailable: 4, minDecryption: 4, latest: 4 });
  for (const before of [2, 3]) expect(refusal(() => planRetire(state, m, before, config))).toContain("does not validate the registry");
});

test("nothing trimmed: the allowance changes nothing (an ordinary retire plan; a vanished version still refuses)", () => {
  expect(planRetire(state, meta({ minAvailable: 0, minDecryption: 1 }), 3, config).records.map((r) => r.transitVersion)).toEqual([2, 1]);
  const vanished = meta({ minAvailable: 0, minDecryption: 1 });
  (vanished.createdAtUnix as Map<number, number>).delete(1);
  expect(refusal(() => planRetire(state, vanished, 3, config))).toContain("vanished");
});
