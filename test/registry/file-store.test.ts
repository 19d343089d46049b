// The file store on disk: missing/created/reloaded pairs, checkpoint and rollback rules,
// file and directory permission checks, the size bound, atomic-write leftovers, and the
// progress rule every save must pass.

import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { nextState } from "../../src/registry/build.ts";
import { encodeCheckpoint, encodeState } from "../../src/registry/codec.ts";
import { createFileRegistryStore, maxStateFileBytes } from "../../src/registry/store/file-store.ts";
import { retireVersions } from "../../src/registry/transitions.ts";
import { checkpointSchemaVersion, type RegistryState } from "../../src/registry/types.ts";
import { failure, gen1, rec, rehash, rotated, type TempDir, tempDir, writeMode } from "./helpers.ts";

let t: TempDir;
afterEach(() => t?.cleanup());

/** Saves the whole rotated chain through one store; returns it. */
async function savedChain(path: string): Promise<RegistryState[]> {
  const chain = rotated();
  const store = createFileRegistryStore(path);
  expect((await store.load()).kind).toBe("missing");
  for (const s of chain) await store.save(s);
  return chain;
}

describe("load and save", () => {
  test("no files → missing; save generation 1 → both files 0640, Go layout; reload → current", async () => {
    t = tempDir();
    const store = createFileRegistryStore(t.statePath);
    expect(await store.load()).toEqual({ kind: "missing" });
    const s = gen1();
    await store.save(s);
    expect(readFileSync(t.statePath, "utf8")).toBe(encodeState(s));
    expect(readFileSync(`${t.statePath}.checkpoint`, "utf8")).toBe(encodeCheckpoint({ schemaVersion: checkpointSchemaVersion, generation: 1, currentHash: s.currentHash }));
    expect(statSync(t.statePath).mode & 0o777).toBe(0o640);
    expect(statSync(`${t.statePath}.checkpoint`).mode & 0o777).toBe(0o640);
    expect(await createFileRegistryStore(t.statePath).load()).toEqual({ kind: "loaded", state: s, checkpoint: "current" });
    // no temp file stays behind
    expect(readdirSync(t.dir).sort()).toEqual(["key-registry.json", "key-registry.json.checkpoint"]);
  });

  test("the mode is 0640 whatever the umask", async () => {
    t = tempDir();
    const old = process.umask(0o077);
    try {
      const store = createFileRegistryStore(t.statePath);
      await store.load();
      await store.save(gen1());
    } finally {
      process.umask(old);
    }
    expect(statSync(t.statePath).mode & 0o777).toBe(0o640);
  });

  test("a chain of generations saves and reloads the last one", async () => {
    t = tempDir();
    const chain = await savedChain(t.statePath);
    const loaded = await createFileRegistryStore(t.statePath).load();
    expect(loaded.kind === "loaded" && loaded.state).toEqual(chain[2] as RegistryState);
  });
});

describe("checkpoint and rollback", () => {
  test("a checkpoint without its state file → checkpoint_without_state", async () => {
    t = tempDir();
    await savedChain(t.statePath);
    unlinkSync(t.statePath);
    const e = await failure(createFileRegistryStore(t.statePath).load());
    expect(e.kind).toBe("checkpoint_without_state");
    expect(e.message).toContain("restore the state file");
  });

  test("a state older than its checkpoint (an old backup copied back) → rollback", async () => {
    t = tempDir();
    const chain = await savedChain(t.statePath);
    writeMode(t.statePath, encodeState(chain[0] as RegistryState));
    const e = await failure(createFileRegistryStore(t.statePath).load());
    expect(e.kind).toBe("rollback");
    expect(e.message).toContain("generation 1 is older than its checkpoint (generation 3)");
  });

  test("same generation, another hash (a substituted state) → rollback", async () => {
    t = tempDir();
    const chain = await savedChain(t.statePath);
    const g2 = chain[1] as RegistryState;
    const other = nextState(g2, [rec(3, "active", { promotedAtUnix: 99 }), rec(2, "retired"), rec(1, "retired")], rec(3, "active").kubernetesKeyId);
    writeMode(t.statePath, encodeState(other));
    const e = await failure(createFileRegistryStore(t.statePath).load());
    expect(e.kind).toBe("rollback");
    expect(e.message).toContain("does not match its checkpoint");
  });

  test("a state newer than its checkpoint (crash between the two renames) is accepted as behind", async () => {
    t = tempDir();
    const chain = await savedChain(t.statePath);
    writeMode(`${t.statePath}.checkpoint`, encodeCheckpoint({ schemaVersion: checkpointSchemaVersion, generation: 2, currentHash: (chain[1] as RegistryState).currentHash }));
    const store = createFileRegistryStore(t.statePath);
    const loaded = await store.load();
    expect(loaded.kind === "loaded" && loaded.checkpoint).toBe("behind");
    // the next save brings the checkpoint up to date
    const g4 = retireVersions(chain[2] as RegistryState, 2).next;
    await (store as ReturnType<typeof createFileRegistryStore>).saveTransition(g4, "retire");
    const again = await createFileRegistryStore(t.statePath).load();
    expect(again.kind === "loaded" && again.checkpoint).toBe("current");
  });

  test("a state without a checkpoint loads as absent", async () => {
    t = tempDir();
    writeMode(t.statePath, encodeState(gen1()));
    const loaded = await createFileRegistryStore(t.statePath).load();
    expect(loaded.kind === "loaded" && loaded.checkpoint).toBe("absent");
  });

  test("a corrupt checkpoint → corrupt (unknown field, malformed hash, generation 0, truncated)", async () => {
    t = tempDir();
    const s = gen1();
    writeMode(t.statePath, encodeState(s));
    const cases: Array<[string, RegExp]> = [
      [`{"schemaVersion":"${checkpointSchemaVersion}","generation":1,"currentHash":"${s.currentHash}","extra":1}`, /unknown field "extra"/],
      [`{"schemaVersion":"${checkpointSchemaVersion}","generation":1,"currentHash":"krs1.x"}`, /currentHash is malformed/],
      [`{"schemaVersion":"${checkpointSchemaVersion}","generation":0,"currentHash":"${s.currentHash}"}`, /generation must be at least 1/],
      [`{"schemaVersion":"${checkpointSchemaVersion}","generation":1,`, /not valid JSON/],
      [`{"schemaVersion":"other","generation":1,"currentHash":"${s.currentHash}"}`, /schemaVersion must be/],
    ];
    for (const [text, msg] of cases) {
      writeMode(`${t.statePath}.checkpoint`, text);
      const e = await failure(createFileRegistryStore(t.statePath).load());
      expect(e.kind).toBe("corrupt");
      expect(e.message).toMatch(msg);
    }
  });
});

describe("permissions", () => {
  for (const mode of [0o644, 0o660, 0o740, 0o641, 0o642]) {
    test(`state file mode 0${mode.toString(8)} → permission`, async () => {
      t = tempDir();
      writeMode(t.statePath, encodeState(gen1()), mode);
      const e = await failure(createFileRegistryStore(t.statePath).load());
      expect(e.kind).toBe("permission");
      expect(e.message).toContain(`mode 0${mode.toString(8)}`);
    });
  }

  test("state file modes 0600, 0440 and 0400 are accepted", async () => {
    t = tempDir();
    for (const mode of [0o600, 0o440, 0o400]) {
      writeMode(t.statePath, encodeState(gen1()), mode);
      expect((await createFileRegistryStore(t.statePath).load()).kind).toBe("loaded");
      chmodSync(t.statePath, 0o600);
    }
  });

  test("checkpoint mode 0644 → permission", async () => {
    t = tempDir();
    await savedChain(t.statePath);
    chmodSync(`${t.statePath}.checkpoint`, 0o644);
    expect((await failure(createFileRegistryStore(t.statePath).load())).kind).toBe("permission");
  });

  test("state file is a symlink (even to a valid state) → permission", async () => {
    t = tempDir();
    const real = join(t.dir, "real.json");
    writeMode(real, encodeState(gen1()));
    symlinkSync(real, t.statePath);
    const e = await failure(createFileRegistryStore(t.statePath).load());
    expect(e.kind).toBe("permission");
    expect(e.message).toContain("symlink");
  });

  test("state file is a FIFO → permission, without blocking on open", async () => {
    t = tempDir();
    const mk = Bun.spawn(["mkfifo", "-m", "0600", t.statePath]);
    expect(await mk.exited).toBe(0);
    const e = await failure(createFileRegistryStore(t.statePath).load());
    expect(e.kind).toBe("permission");
    expect(e.message).toContain("not a regular file");
  });

  test("state path is a directory → permission", async () => {
    t = tempDir();
    mkdirSync(t.statePath, { mode: 0o700 });
    expect((await failure(createFileRegistryStore(t.statePath).load())).kind).toBe("permission");
  });

  test("group- or world-writable state directory → permission", async () => {
    for (const mode of [0o770, 0o707, 0o1777]) {
      t = tempDir();
      writeMode(t.statePath, encodeState(gen1()));
      chmodSync(t.dir, mode);
      const e = await failure(createFileRegistryStore(t.statePath).load());
      expect(e.kind).toBe("permission");
      expect(e.message).toContain("group- or world-writable");
      t.cleanup();
    }
  });

  test("state directory is a symlink → permission", async () => {
    t = tempDir();
    const real = join(t.dir, "real");
    mkdirSync(real, { mode: 0o700 });
    writeMode(join(real, "key-registry.json"), encodeState(gen1()));
    symlinkSync(real, join(t.dir, "link"));
    const e = await failure(createFileRegistryStore(join(t.dir, "link", "key-registry.json")).load());
    expect(e.kind).toBe("permission");
    expect(e.message).toContain("symlink");
  });

  test("a state file over the size bound → corrupt, without reading it all", async () => {
    t = tempDir();
    writeMode(t.statePath, Buffer.alloc(maxStateFileBytes + 1, 0x20));
    const e = await failure(createFileRegistryStore(t.statePath).load());
    expect(e.kind).toBe("corrupt");
    expect(e.message).toContain(`larger than ${maxStateFileBytes} bytes`);
  });

  test("a state file exactly at the bound is read (and then fails as JSON, not on size)", async () => {
    t = tempDir();
    writeMode(t.statePath, Buffer.alloc(maxStateFileBytes, 0x20));
    const e = await failure(createFileRegistryStore(t.statePath).load());
    expect(e.message).toContain("not valid JSON");
  });
});

describe("atomic writes", () => {
  test("a temp file left by a crashed write is removed by the next save", async () => {
    t = tempDir();
    const store = createFileRegistryStore(t.statePath);
    await store.load();
    writeMode(join(t.dir, ".key-registry.json.tmp"), '{"half": ');
    writeMode(join(t.dir, ".key-registry.json.checkpoint.tmp"), "{");
    await store.save(gen1());
    expect(readdirSync(t.dir).sort()).toEqual(["key-registry.json", "key-registry.json.checkpoint"]);
  });

  test("a symlink planted at the temp path is removed, never followed", async () => {
    t = tempDir();
    const victim = join(t.dir, "victim");
    writeMode(victim, "untouched", 0o600);
    symlinkSync(victim, join(t.dir, ".key-registry.json.tmp"));
    const store = createFileRegistryStore(t.statePath);
    await store.load();
    await store.save(gen1());
    expect(readFileSync(victim, "utf8")).toBe("untouched");
    expect(lstatSync(t.statePath).isFile()).toBe(true);
    expect(existsSync(join(t.dir, ".key-registry.json.tmp"))).toBe(false);
  });

  test("the rename replaces the inode (a hard link to the old state keeps the old bytes)", async () => {
    t = tempDir();
    const store = createFileRegistryStore(t.statePath);
    await store.load();
    const [g1, g2] = rotated() as [RegistryState, RegistryState];
    await store.save(g1);
    linkSync(t.statePath, join(t.dir, "old-link"));
    await store.save(g2);
    expect(readFileSync(join(t.dir, "old-link"), "utf8")).toBe(encodeState(g1));
    expect(readFileSync(t.statePath, "utf8")).toBe(encodeState(g2));
  });
});

describe("every save is a valid progression", () => {
  test("save before load → progress", async () => {
    t = tempDir();
    const e = await failure(createFileRegistryStore(t.statePath).save(gen1()));
    expect(e.kind).toBe("progress");
    expect(existsSync(t.statePath)).toBe(false);
  });

  test("with no state on disk only generation 1 may be created", async () => {
    t = tempDir();
    const store = createFileRegistryStore(t.statePath);
    await store.load();
    const e = await failure(store.save(rotated()[1] as RegistryState));
    expect(e.kind).toBe("progress");
    expect(existsSync(t.statePath)).toBe(false);
  });

  test("a non-successor (same generation again, or a skipped link) → progress, file unchanged", async () => {
    t = tempDir();
    const chain = await savedChain(t.statePath);
    const store = createFileRegistryStore(t.statePath);
    await store.load();
    const before = readFileSync(t.statePath, "utf8");
    expect((await failure(store.save(chain[2] as RegistryState))).kind).toBe("progress");
    // generation 4 whose previousHash is generation 2's (a valid state on its own)
    const unlinked = rehash({ ...nextState(chain[1] as RegistryState, (chain[2] as RegistryState).snapshots, (chain[2] as RegistryState).activeKeyId), generation: 4 });
    expect((await failure(store.save(unlinked))).kind).toBe("progress");
    expect(readFileSync(t.statePath, "utf8")).toBe(before);
  });

  test("an invalid state is never written", async () => {
    t = tempDir();
    const store = createFileRegistryStore(t.statePath);
    await store.load();
    const g1 = gen1();
    const e = await failure(store.save({ ...g1, currentHash: gen1().currentHash.replace(/.$/, (c) => (c === "A" ? "B" : "A")) }));
    expect(e.kind).toBe("corrupt");
    expect(existsSync(t.statePath)).toBe(false);
  });

  test("retired → removed is refused by save() and accepted by saveTransition(…, 'retire')", async () => {
    t = tempDir();
    const chain = await savedChain(t.statePath);
    const store = createFileRegistryStore(t.statePath);
    await store.load();
    const retire = retireVersions(chain[2] as RegistryState, 3);
    expect(retire.changed).toBe(true);
    const e = await failure(store.save(retire.next));
    expect(e.kind).toBe("progress");
    expect(e.message).toContain("would go from retired to removed");
    await store.saveTransition(retire.next, "retire");
    const loaded = await createFileRegistryStore(t.statePath).load();
    expect(loaded.kind === "loaded" && loaded.state.snapshots.map((r) => r.state)).toEqual(["active", "removed", "removed"]);
  });
});

test("a directory that does not exist → io, naming the directory", async () => {
  t = tempDir();
  const e = await failure(createFileRegistryStore(join(t.dir, "nope", "key-registry.json")).load());
  expect(e.kind).toBe("io");
  expect(e.message).toContain("does not exist");
});
