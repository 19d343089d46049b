// Every load-validation failure of reference §4.5 steps 2–3, each with its own fixture, read
// from disk through the file store: decoding (unknown/missing fields, types, numbers, trailing
// content, truncation) and content (schema, generation, hashes, key_ids, states, observation
// metadata). Every case must fail closed with kind "corrupt" and its own message, and no
// message may quote file content.

import { afterAll, describe, expect, test } from "bun:test";
import { nextState } from "../../src/registry/build.ts";
import { encodeState } from "../../src/registry/codec.ts";
import { createFileRegistryStore } from "../../src/registry/store/file-store.ts";
import { RegistryError, type RegistryState, type SnapshotRecord } from "../../src/registry/types.ts";
import { rec, rehash, rotated, scope, tempDir, testFingerprint, writeMode } from "./helpers.ts";

const t = tempDir();
afterAll(() => t.cleanup());

let n = 0;
/** Writes `text` as a fresh state file and loads it; returns the RegistryError (or fails the test). */
async function loadError(text: string): Promise<RegistryError> {
  const path = `${t.dir}/case-${n++}.json`;
  writeMode(path, text);
  try {
    await createFileRegistryStore(path).load();
  } catch (e) {
    if (e instanceof RegistryError) return e;
    throw e;
  }
  throw new Error("load succeeded but should have failed");
}

const base = rotated()[2] as RegistryState;
const baseText = encodeState(base);
const secretish = "SECRET-LOOKING-VALUE-0123456789";

async function expectCorrupt(text: string, message: string | RegExp): Promise<void> {
  const e = await loadError(text);
  expect(e.kind).toBe("corrupt");
  expect(e.message).toMatch(message);
  expect(e.message).not.toContain(secretish);
}

/** A JSON object edit of the encoded base state (field order of the edit is kept). */
function edited(f: (o: Record<string, unknown>) => void): string {
  const o = JSON.parse(baseText) as Record<string, unknown>;
  f(o);
  return JSON.stringify(o, null, 2);
}
const firstRecord = (o: Record<string, unknown>) => (o.snapshots as Array<Record<string, unknown>>)[0] as Record<string, unknown>;

/** A content fixture: records changed, then re-hashed so only the intended rule fails. */
const content = (s: Omit<RegistryState, "currentHash">) => encodeState(rehash(s));

test("the unchanged base loads (so each failure below is caused by its edit)", async () => {
  const path = `${t.dir}/base.json`;
  writeMode(path, baseText);
  const loaded = await createFileRegistryStore(path).load();
  expect(loaded.kind).toBe("loaded");
});

describe("decoding", () => {
  test("empty file", () => expectCorrupt("", /not valid JSON/));
  test("truncated file (half of it)", () => expectCorrupt(baseText.slice(0, Math.floor(baseText.length / 2)), /not valid JSON/));
  test("truncated by one byte (closing brace lost)", () => expectCorrupt(baseText.slice(0, -2), /not valid JSON/));
  test("trailing content after the object", () => expectCorrupt(`${baseText}{}`, /not valid JSON/));
  test("trailing garbage after the object", () => expectCorrupt(`${baseText}${secretish}`, /not valid JSON/));
  test("not an object (array)", () => expectCorrupt("[1]", /not a JSON object/));
  test("not an object (null)", () => expectCorrupt("null", /not a JSON object/));
  test("unknown top-level field", () => expectCorrupt(edited((o) => (o.configFingerprint = secretish)), /unknown field "configFingerprint"/));
  test("unknown record field", () => expectCorrupt(edited((o) => (firstRecord(o).keyEpoch = 1)), /snapshots\[0\]: unknown field "keyEpoch"/));
  test("missing currentHash", () => expectCorrupt(edited((o) => delete o.currentHash), /currentHash must be a string/));
  test("missing generation", () => expectCorrupt(edited((o) => delete o.generation), /generation must be a whole number/));
  test("missing snapshots", () => expectCorrupt(edited((o) => delete o.snapshots), /snapshots must be an array/));
  test("missing record field (state)", () => expectCorrupt(edited((o) => delete firstRecord(o).state), /snapshots\[0\]: state must be a string/));
  test("missing record field (transitVersion)", () => expectCorrupt(edited((o) => delete firstRecord(o).transitVersion), /snapshots\[0\]: transitVersion must be a whole number/));
  test("wrong type: generation as a string", () => expectCorrupt(edited((o) => (o.generation = "3")), /generation must be a whole number/));
  test("wrong type: activeKeyId as a number", () => expectCorrupt(edited((o) => (o.activeKeyId = 5)), /activeKeyId must be a string/));
  test("wrong type: a record is not an object", () => expectCorrupt(edited((o) => ((o.snapshots as unknown[])[1] = secretish)), /snapshots\[1\]: not a JSON object/));
  test("wrong type: null for a string", () => expectCorrupt(edited((o) => (firstRecord(o).clusterId = null)), /snapshots\[0\]: clusterId must be a string/));
  test("negative number", () => expectCorrupt(edited((o) => (firstRecord(o).observedAtUnix = -5)), /sign, fraction or exponent/));
  test("fractional number", () => expectCorrupt(baseText.replace('"generation": 3', '"generation": 3.5'), /sign, fraction or exponent/));
  test("integer written with a fraction (3.0)", () => expectCorrupt(baseText.replace('"generation": 3', '"generation": 3.0'), /sign, fraction or exponent/));
  test("integer written with an exponent (3e0)", () => expectCorrupt(baseText.replace('"generation": 3', '"generation": 3e0'), /sign, fraction or exponent/));
  test("number beyond 2^53", () => expectCorrupt(baseText.replace('"generation": 3', '"generation": 18446744073709551615'), /generation must be a whole number/));
  test("wrong schemaVersion", () => expectCorrupt(edited((o) => (o.schemaVersion = "keyregistry.openbao-kms/v2")), /schemaVersion must be keyregistry.openbao-kms\/v1alpha2 \(or the older keyregistry.openbao-kms\/v1alpha1\)/));
  test("invalid UTF-8", () => expectCorrupt(Buffer.concat([Buffer.from(baseText.slice(0, 20)), Buffer.from([0xff, 0xfe]), Buffer.from(baseText.slice(20))]) as never, /not valid UTF-8/));
});

describe("content", () => {
  const [, g2] = rotated() as [RegistryState, RegistryState, RegistryState];
  const strip = ({ currentHash: _c, ...rest }: RegistryState) => rest;
  const withRecords = (records: SnapshotRecord[], activeKeyId = base.activeKeyId) => content({ ...strip(base), snapshots: records, activeKeyId });
  const [a3, r2, r1] = base.snapshots as [SnapshotRecord, SnapshotRecord, SnapshotRecord];

  test("generation 0", () => expectCorrupt(content({ ...strip(base), generation: 0 }), /generation must be at least 1/));
  test("generation 1 carrying a previousHash", () => expectCorrupt(content({ ...strip(base), generation: 1 }), /previousHash is set on generation 1/));
  test("generation > 1 without previousHash", () => {
    const { previousHash: _p, ...rest } = strip(base);
    return expectCorrupt(content(rest), /previousHash is missing/);
  });
  test("previousHash with a wrong prefix", () => expectCorrupt(content({ ...strip(base), previousHash: `krs2.${(g2.currentHash as string).slice(5)}` }), /previousHash is malformed/));
  test("previousHash with a bad encoding", () => expectCorrupt(content({ ...strip(base), previousHash: "krs1.too-short" }), /previousHash is malformed/));
  test("currentHash malformed", () => expectCorrupt(encodeState({ ...base, currentHash: "krs1.!!" }), /currentHash is malformed/));
  test("currentHash does not match the content (a hand edit)", () => expectCorrupt(encodeState({ ...base, snapshots: [a3, { ...r2, observedAtUnix: 7 }, r1] }), /currentHash does not match the content/));
  test("currentHash of another generation", () => expectCorrupt(encodeState({ ...base, currentHash: g2.currentHash }), /currentHash does not match the content/));
  test("activeKeyId empty", () => expectCorrupt(withRecords([a3, r2, r1], ""), /activeKeyId is empty/));
  test("snapshots empty", () => expectCorrupt(withRecords([]), /snapshots is empty/));
  test("kubernetesKeyId does not match the record's identity", () => expectCorrupt(withRecords([a3, { ...r2, transitVersionCreatedAtUnix: r2.transitVersionCreatedAtUnix + 1 }, r1]), /snapshots\[1\] \(version 2\): kubernetesKeyId does not match/));
  test("kubernetesKeyId malformed", () => expectCorrupt(withRecords([a3, { ...r2, kubernetesKeyId: "obk2.short" }, r1]), /snapshots\[1\] \(version 2\): kubernetesKeyId is malformed/));
  test("duplicate kubernetesKeyId", () => expectCorrupt(withRecords([a3, r2, r2, r1]), /duplicate kubernetesKeyId \(version 2\)/));
  test("no active record", () => expectCorrupt(withRecords([{ ...a3, state: "retired" }, r2, r1]), /exactly one snapshot must be active \(found 0\)/));
  test("two active records", () => expectCorrupt(withRecords([a3, { ...r2, state: "active" }, r1]), /exactly one snapshot must be active \(found 2\)/));
  test("activeKeyId names a retired record", () => expectCorrupt(withRecords([a3, r2, r1], r2.kubernetesKeyId), /activeKeyId is not the active snapshot/));
  test("activeKeyId names no record", () => expectCorrupt(withRecords([a3, r2, r1], rec(9, "active").kubernetesKeyId), /activeKeyId is not the active snapshot/));
  test("unknown state", () => expectCorrupt(withRecords([a3, { ...r2, state: "deleted" as never }, r1]), /snapshots\[1\] \(version 2\): unknown state/));
  test("aadMode other than aad.required", () => expectCorrupt(withRecords([a3, { ...r2, aadMode: "aad.optional" as never }, r1]), /aadMode must be aad.required/));
  test("empty providerName", () => expectCorrupt(withRecords([a3, { ...r2, providerName: "" }, r1]), /providerName is empty/));
  test("transitVersion 0", () => expectCorrupt(withRecords([a3, { ...r2, transitVersion: 0 }, r1]), /transitVersion must be at least 1/));
  test("transitVersionCreatedAtUnix 0", () => expectCorrupt(withRecords([a3, { ...r2, transitVersionCreatedAtUnix: 0 }, r1]), /transitVersionCreatedAtUnix must be positive/));
  test("namespace with a .. segment", () => expectCorrupt(withRecords([a3, { ...r2, openbaoNamespace: "team/../x" }, r1]), /openbaoNamespace has an empty, \. or \.\. segment/));
  test("namespace with a leading /", () => expectCorrupt(withRecords([a3, { ...r2, openbaoNamespace: "/team" }, r1]), /openbaoNamespace starts with \//));
  test("stableObservationCount without observedAtUnix", () => expectCorrupt(withRecords([a3, { ...r2, stableObservationCount: 2 }, r1]), /stableObservationCount without observedAtUnix/));
  test("stableAtUnix without stableObservationCount", () => expectCorrupt(withRecords([a3, { ...r2, observedAtUnix: 10, stableAtUnix: 20 }, r1]), /stableAtUnix without stableObservationCount/));
  test("stableAtUnix before observedAtUnix", () => expectCorrupt(withRecords([a3, { ...r2, observedAtUnix: 30, stableObservationCount: 3, stableAtUnix: 20 }, r1]), /stableAtUnix before observedAtUnix/));
  test("promotedAtUnix before observedAtUnix", () => expectCorrupt(withRecords([{ ...a3, observedAtUnix: 30, promotedAtUnix: 20 }, r2, r1]), /promotedAtUnix before observedAtUnix/));
});

test("a valid state with observation metadata and a namespace loads (the rules above are not over-broad)", async () => {
  const ns = { ...scope, openbaoNamespace: "team-a/prod" };
  const active = rec(2, "active", { observedAtUnix: 10, stableObservationCount: 3, stableAtUnix: 40, promotedAtUnix: 160 }, ns);
  const s = nextState(undefined, [rec(1, "retired", { promotedAtUnix: 5 }, ns), active], active.kubernetesKeyId, testFingerprint);
  const path = `${t.dir}/valid-ns.json`;
  writeMode(path, encodeState(s));
  const loaded = await createFileRegistryStore(path).load();
  expect(loaded.kind === "loaded" && loaded.state.currentHash).toBe(s.currentHash);
});
