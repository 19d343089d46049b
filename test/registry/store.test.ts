// The registry on disk: golden files built independently (test/fixtures/registry/make-golden.py)
// load and re-encode byte for byte; every load-validation failure has its own test; checkpoint
// rollback; file and directory permissions; atomic saves that survive SIGKILL; progress rules.

import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nextState } from "../../src/registry/build.ts";
import { decodeState, encodeState } from "../../src/registry/codec.ts";
import { createFileRegistryStore, maxStateFileBytes } from "../../src/registry/file-store.ts";
import { computeStateHash } from "../../src/registry/state-hash.ts";
import { RegistryError, type RegistryErrorKind, type RegistryState } from "../../src/registry/types.ts";
import { validateProgress, validateScope } from "../../src/registry/validate.ts";
import { makeRecord } from "../../src/status/rotation.ts";

const fixtures = join(import.meta.dir, "..", "fixtures", "registry");
const root = mkdtempSync("/tmp/bkp-registry-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh private state directory; optionally with a fixture pair copied in (0640). */
function stateDir(fixture?: string): { dir: string; path: string } {
  const dir = join(root, `s${n++}`);
  mkdirSync(dir, { mode: 0o750 });
  const path = join(dir, "key-registry.json");
  if (fixture !== undefined) {
    for (const suffix of ["", ".checkpoint"]) {
      copyFileSync(join(fixtures, fixture + suffix), path + suffix);
      chmodSync(path + suffix, 0o640);
    }
  }
  return { dir, path };
}

function writeState(path: string, text: string, mode = 0o640) {
  writeFileSync(path, text);
  chmodSync(path, mode);
}

async function loadError(path: string): Promise<RegistryError> {
  try {
    await createFileRegistryStore(path).load();
  } catch (e) {
    if (e instanceof RegistryError) return e;
    throw e;
  }
  throw new Error("load succeeded");
}

async function expectLoadError(path: string, kind: RegistryErrorKind, message: string | RegExp) {
  const e = await loadError(path);
  expect(e.kind).toBe(kind);
  if (typeof message === "string") expect(e.message).toContain(message);
  else expect(e.message).toMatch(message);
}

const gen1Text = readFileSync(join(fixtures, "gen1.json"), "utf8");
const gen1 = JSON.parse(gen1Text);
const scope1 = { providerName: "openbao-kms", clusterId: "prod-eu-1", openbaoInstanceId: "openbao-prod", openbaoNamespace: "", transitMountId: "3f1c9a52-7d0e-4b8a-9c61-2e5f8d4a7b10", keyLineageId: "0f4e8d2c6b1a9f3e7d5c4b2a1908f7e6" };

/** gen1 with `edit` applied, re-hashed so that only the edited rule can fail; no checkpoint. */
function variant(edit: (s: any) => void, rehash = true): string {
  const s = structuredClone(gen1);
  edit(s);
  if (rehash) {
    const { currentHash: _c, ...body } = s;
    s.currentHash = computeStateHash(body);
  }
  return JSON.stringify(s, null, 2) + "\n";
}

function loadVariant(edit: (s: any) => void, rehash = true) {
  const { path } = stateDir();
  writeState(path, variant(edit, rehash));
  return path;
}

describe("golden files (Go format, hashes computed independently in Python)", () => {
  test.each([
    ["gen1.json", "krs1.S9MmVDxfn_6LQiGSEqqW4poRj0Ib5evRRjOdnDmlVvs", 1],
    ["gen7-namespace.json", "krs1.4R9EpB-CwgZArHgQX3eZbVjeghxlZ1IYF49UD5euYN8", 7],
  ])("%s loads (checkpoint current), its hash matches, and we re-encode it byte for byte", async (name, hash, generation) => {
    const { path } = stateDir(name);
    const loaded = await createFileRegistryStore(path).load();
    expect(loaded.kind).toBe("loaded");
    if (loaded.kind !== "loaded") return;
    expect(loaded.checkpoint).toBe("current");
    expect(loaded.state.currentHash).toBe(hash);
    expect(loaded.state.generation).toBe(generation);
    expect(computeStateHash(loaded.state)).toBe(hash);
    expect(encodeState(loaded.state)).toBe(readFileSync(join(fixtures, name), "utf8"));
  });

  test("the namespaced file keeps omitempty fields, HTML-escaped strings and every state", async () => {
    const s = decodeState(readFileSync(join(fixtures, "gen7-namespace.json"), "utf8"));
    expect(s.snapshots.map((r) => [r.transitVersion, r.state])).toEqual([
      [4, "active"],
      [5, "pending"],
      [3, "retired"],
      [2, "retired"],
      [1, "removed"],
    ]);
    expect(s.snapshots[0]?.clusterId).toBe("eu<1>&b");
    expect(s.snapshots[3]?.observedAtUnix).toBeUndefined();
    expect(() => validateScope(s, { ...scope1, clusterId: "eu<1>&b", openbaoNamespace: "team-a/kms" })).not.toThrow();
    expect(() => validateScope(s, scope1)).toThrow(expect.objectContaining({ kind: "scope_mismatch" }));
  });

  test("what we save loads back identical, as Go's encoder would write it, mode 0640 whatever the umask", async () => {
    const { path } = stateDir();
    const store = createFileRegistryStore(path);
    const rec = makeRecord(scope1, 1, 1767225600, "active", { observedAtUnix: 1767225700, promotedAtUnix: 1767225700 });
    const s = nextState(undefined, [rec], rec.kubernetesKeyId);
    const old = process.umask(0);
    try {
      await store.save(s);
    } finally {
      process.umask(old);
    }
    // Same records as the golden gen1 → the same bytes and hash as Python produced.
    expect(readFileSync(path, "utf8")).toBe(gen1Text);
    expect(readFileSync(`${path}.checkpoint`, "utf8")).toBe(readFileSync(join(fixtures, "gen1.json.checkpoint"), "utf8"));
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(statSync(`${path}.checkpoint`).mode & 0o777).toBe(0o640);
    const back = await createFileRegistryStore(path).load();
    expect(back).toEqual({ kind: "loaded", state: s, checkpoint: "current" });
  });
});

describe("load validation: each failure fails closed", () => {
  test("neither file → missing (bootstrap decides)", async () => {
    expect(await createFileRegistryStore(stateDir().path).load()).toEqual({ kind: "missing" });
  });
  test("unknown top-level field", () => expectLoadError(loadVariant((s) => (s.comment = "x")), "corrupt", 'unknown field "comment"'));
  test("unknown record field", () => expectLoadError(loadVariant((s) => (s.snapshots[0].note = 1)), "corrupt", 'snapshots[0]: unknown field "note"'));
  test("trailing content after the object", async () => {
    const { path } = stateDir();
    writeState(path, gen1Text + "{}\n");
    await expectLoadError(path, "corrupt", "not valid JSON");
  });
  test("truncated file", async () => {
    const { path } = stateDir();
    writeState(path, gen1Text.slice(0, gen1Text.length / 2));
    await expectLoadError(path, "corrupt", "not valid JSON");
  });
  test("empty file", async () => {
    const { path } = stateDir();
    writeState(path, "");
    await expectLoadError(path, "corrupt", "not valid JSON");
  });
  test("not UTF-8", async () => {
    const { path } = stateDir();
    writeFileSync(path, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    chmodSync(path, 0o640);
    await expectLoadError(path, "corrupt", "not valid UTF-8");
  });
  test("larger than the size cap", async () => {
    const { path } = stateDir();
    writeState(path, " ".repeat(maxStateFileBytes + 1));
    await expectLoadError(path, "corrupt", "larger than");
  });
  test("a JSON array instead of an object", async () => {
    const { path } = stateDir();
    writeState(path, "[]");
    await expectLoadError(path, "corrupt", "not a JSON object");
  });
  test("wrong type (generation as a string)", () => expectLoadError(loadVariant((s) => (s.generation = "1")), "corrupt", "generation must be a whole number"));
  test("negative number", () => expectLoadError(loadVariant((s) => (s.snapshots[0].observedAtUnix = -1)), "corrupt", "observedAtUnix must not be negative"));
  test("fractional number", () => expectLoadError(loadVariant((s) => (s.snapshots[0].transitVersion = 1.5)), "corrupt", "transitVersion must be a whole number"));
  test("another schemaVersion", () => expectLoadError(loadVariant((s) => (s.schemaVersion = "keyregistry.openbao-kms/v2")), "corrupt", "schemaVersion must be"));
  test("generation 0", () => expectLoadError(loadVariant((s) => (s.generation = 0)), "corrupt", "generation must be at least 1"));
  test("stored hash differs from the content (edited without re-hashing)", () =>
    expectLoadError(loadVariant((s) => (s.snapshots[0].observedAtUnix += 1), false), "corrupt", "currentHash does not match"));
  test("malformed currentHash", () => expectLoadError(loadVariant((s) => (s.currentHash = "krs1.short"), false), "corrupt", "currentHash is malformed"));
  test("malformed previousHash", () => expectLoadError(loadVariant((s) => (s.previousHash = "krs2.x")), "corrupt", "previousHash is malformed"));
  test("generation above 1 without previousHash", () => expectLoadError(loadVariant((s) => (s.generation = 2)), "corrupt", "previousHash is missing"));
  test("a record whose key_id does not match its identity", () =>
    expectLoadError(loadVariant((s) => (s.snapshots[0].transitVersionCreatedAtUnix += 1)), "corrupt", "kubernetesKeyId does not match"));
  test("a malformed key_id", () => expectLoadError(loadVariant((s) => (s.snapshots[0].kubernetesKeyId = "obk2.x")), "corrupt", "kubernetesKeyId is malformed"));
  test("duplicate key_ids", () =>
    expectLoadError(loadVariant((s) => s.snapshots.push({ ...s.snapshots[0], state: "retired" })), "corrupt", "duplicate kubernetesKeyId"));
  test("no active record", () => expectLoadError(loadVariant((s) => (s.snapshots[0].state = "retired")), "corrupt", "exactly one snapshot must be active (found 0)"));
  test("two active records", () => {
    const other = makeRecord(scope1, 2, 1767300000, "active");
    return expectLoadError(loadVariant((s) => s.snapshots.push(other)), "corrupt", "exactly one snapshot must be active (found 2)");
  });
  test("activeKeyId is not the active record", () => {
    const other = makeRecord(scope1, 2, 1767300000, "retired");
    return expectLoadError(loadVariant((s) => (s.snapshots.push(other), (s.activeKeyId = other.kubernetesKeyId))), "corrupt", "activeKeyId is not the active snapshot");
  });
  test("empty snapshots", () => expectLoadError(loadVariant((s) => (s.snapshots = [])), "corrupt", "snapshots is empty"));
  test("an unknown state", () => expectLoadError(loadVariant((s) => (s.snapshots[0].state = "paused")), "corrupt", "unknown state"));
  test("another aadMode", () => expectLoadError(loadVariant((s) => (s.snapshots[0].aadMode = "aad.optional")), "corrupt", "aadMode must be aad.required"));
  test("inconsistent observation metadata", async () => {
    await expectLoadError(loadVariant((s) => (s.snapshots[0].stableAtUnix = 1767225800)), "corrupt", "stableAtUnix without stableObservationCount");
    await expectLoadError(loadVariant((s) => ((s.snapshots[0].stableObservationCount = 3), (s.snapshots[0].stableAtUnix = 5))), "corrupt", "stableAtUnix before observedAtUnix");
    await expectLoadError(loadVariant((s) => (s.snapshots[0].promotedAtUnix = 5)), "corrupt", "promotedAtUnix before observedAtUnix");
    await expectLoadError(loadVariant((s) => (delete s.snapshots[0].observedAtUnix, delete s.snapshots[0].promotedAtUnix, (s.snapshots[0].stableObservationCount = 1))), "corrupt", "without observedAtUnix");
  });
  test("omitempty zeros are accepted and hashed as absent (Go decodes 0 and omits it)", async () => {
    const path = loadVariant((s) => (s.snapshots[0].stableAtUnix = 0), false);
    const loaded = await createFileRegistryStore(path).load();
    expect(loaded.kind === "loaded" && loaded.state.currentHash).toBe(gen1.currentHash);
  });
});

describe("checkpoint", () => {
  function pair(stateText: string, checkpoint?: { generation: number; currentHash: string } | string) {
    const { path } = stateDir();
    writeState(path, stateText);
    if (checkpoint !== undefined) {
      const text = typeof checkpoint === "string" ? checkpoint : JSON.stringify({ schemaVersion: "keyregistry.openbao-kms/checkpoint/v1alpha1", ...checkpoint });
      writeState(`${path}.checkpoint`, text);
    }
    return path;
  }
  test("state older than its checkpoint → rollback", () => expectLoadError(pair(gen1Text, { generation: 2, currentHash: gen1.currentHash }), "rollback", "older than its checkpoint"));
  test("same generation, another hash → rollback", () =>
    expectLoadError(pair(gen1Text, { generation: 1, currentHash: `krs1.${"B".repeat(43)}` }), "rollback", "does not match its checkpoint"));
  test("checkpoint without state → refused", async () => {
    const { path } = stateDir("gen1.json");
    rmSync(path);
    await expectLoadError(path, "checkpoint_without_state", "restore the state file");
  });
  test("a state newer than its checkpoint (crash between the two writes) loads as behind", async () => {
    const newer = variant((s) => ((s.generation = 2), (s.previousHash = gen1.currentHash)));
    const loaded = await createFileRegistryStore(pair(newer, { generation: 1, currentHash: gen1.currentHash })).load();
    expect(loaded.kind === "loaded" && loaded.checkpoint).toBe("behind");
  });
  test("no checkpoint → absent; a corrupt checkpoint → corrupt", async () => {
    const loaded = await createFileRegistryStore(pair(gen1Text)).load();
    expect(loaded.kind === "loaded" && loaded.checkpoint).toBe("absent");
    await expectLoadError(pair(gen1Text, '{"schemaVersion":"keyregistry.openbao-kms/checkpoint/v1alpha1","generation":1}'), "corrupt", "checkpoint file: currentHash must be a string");
    await expectLoadError(pair(gen1Text, '{"schemaVersion":"keyregistry.openbao-kms/checkpoint/v1alpha1","generation":1,"currentHash":"x","extra":1}'), "corrupt", "unknown field");
  });
});

describe("permissions", () => {
  test.each([0o644, 0o660, 0o740, 0o641])("state file mode %o → refused", async (mode) => {
    const { path } = stateDir("gen1.json");
    chmodSync(path, mode);
    await expectLoadError(path, "permission", "must not be group-writable, executable or world-accessible");
  });
  test("0600 and 0640 are fine", async () => {
    const { path } = stateDir("gen1.json");
    chmodSync(path, 0o600);
    expect((await createFileRegistryStore(path).load()).kind).toBe("loaded");
  });
  test("a symlinked state file → refused", async () => {
    const { dir, path } = stateDir();
    copyFileSync(join(fixtures, "gen1.json"), join(dir, "real.json"));
    chmodSync(join(dir, "real.json"), 0o640);
    symlinkSync(join(dir, "real.json"), path);
    await expectLoadError(path, "permission", "is a symlink");
  });
  test("a FIFO in place of the state file → refused without blocking", async () => {
    const { path } = stateDir();
    expect(Bun.spawnSync(["mkfifo", "-m", "0640", path]).exitCode).toBe(0);
    await expectLoadError(path, "permission", "not a regular file");
  });
  test("a group- or world-writable directory → refused", async () => {
    const { dir, path } = stateDir("gen1.json");
    chmodSync(dir, 0o770);
    await expectLoadError(path, "permission", "must not be group- or world-writable");
    chmodSync(dir, 0o757);
    await expectLoadError(path, "permission", "must not be group- or world-writable");
  });
  test("a symlinked directory → refused", async () => {
    const { dir } = stateDir("gen1.json");
    const link = join(root, `link${n++}`);
    symlinkSync(dir, link);
    await expectLoadError(join(link, "key-registry.json"), "permission", "symlink or not a directory");
  });
});

describe("saving", () => {
  const r1 = makeRecord(scope1, 1, 100, "active", { observedAtUnix: 5 });
  const g1 = nextState(undefined, [r1], r1.kubernetesKeyId);

  test("a stale temp file from a crash is replaced, and no temp file is left behind", async () => {
    const { dir, path } = stateDir();
    writeFileSync(join(dir, ".key-registry.json.tmp"), "garbage");
    await createFileRegistryStore(path).save(g1);
    expect(existsSync(join(dir, ".key-registry.json.tmp"))).toBe(false);
    expect(existsSync(join(dir, ".key-registry.json.checkpoint.tmp"))).toBe(false);
    expect((await createFileRegistryStore(path).load()).kind).toBe("loaded");
  });

  test("an invalid state is never written", async () => {
    const { path } = stateDir();
    const broken: RegistryState = { ...g1, currentHash: `krs1.${"C".repeat(43)}` };
    await expect(createFileRegistryStore(path).save(broken)).rejects.toMatchObject({ kind: "corrupt" });
    expect(existsSync(path)).toBe(false);
  });

  test("progress rules: generation must advance and link; decryptable identities cannot be dropped by a probe", async () => {
    const { path } = stateDir();
    const store = createFileRegistryStore(path);
    await store.save(g1);
    await expect(store.save(g1)).rejects.toMatchObject({ kind: "progress" });
    const r2 = makeRecord(scope1, 2, 200, "active", { observedAtUnix: 6 });
    const g2 = nextState(g1, [{ ...r1, state: "retired" }, r2], r2.kubernetesKeyId);
    await store.save(g2);
    const dropped = nextState(g2, [r2], r2.kubernetesKeyId);
    await expect(store.save(dropped)).rejects.toMatchObject({ kind: "progress", message: expect.stringContaining("version 1 would be dropped") });
    const removed = nextState(g2, [{ ...r1, state: "removed" }, r2], r2.kubernetesKeyId);
    await expect(store.save(removed)).rejects.toMatchObject({ kind: "progress", message: expect.stringContaining("from retired to removed") });
    await store.saveTransition(removed, "retire");
    const revived = nextState(removed, [{ ...r1, state: "retired" }, r2], r2.kubernetesKeyId);
    await expect(store.save(revived)).rejects.toMatchObject({ kind: "progress", message: expect.stringContaining("removed version 1 would change") });
    await store.saveTransition(revived, "restore");
    const back = nextState(revived, [{ ...r1, state: "active" }, { ...r2, state: "retired" }], r1.kubernetesKeyId);
    expect(() => validateProgress(revived, back)).toThrow("active version would decrease");
  });

  test("SIGKILL at random moments while saving: every time, the pair on disk loads", async () => {
    const { path } = stateDir();
    let lastGeneration = 0;
    for (let i = 0; i < 25; i++) {
      const child = Bun.spawn([process.execPath, join(import.meta.dir, "support", "saver.ts"), path], { stdout: "pipe", stderr: "inherit" });
      const reader = child.stdout.getReader();
      await reader.read(); // "saving"
      await Bun.sleep(5 + Math.random() * 40);
      child.kill("SIGKILL");
      await child.exited;
      const loaded = await createFileRegistryStore(path).load();
      expect(loaded.kind).toBe("loaded");
      if (loaded.kind !== "loaded") return;
      expect(["current", "behind"]).toContain(loaded.checkpoint);
      expect(loaded.state.generation).toBeGreaterThanOrEqual(lastGeneration);
      lastGeneration = loaded.state.generation;
    }
    expect(lastGeneration).toBeGreaterThan(25);
  }, 60_000);
});
