// Filesystem checks for state.path (config check, doctor, serve): the registry directory must
// exist and not be group/world-writable; an existing state file must be regular and private.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { statePathProblems } from "../../src/config/file-checks.ts";

const root = mkdtempSync("/tmp/bkp-state-path-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dir(name: string, mode: number): string {
  const d = join(root, name);
  mkdirSync(d);
  chmodSync(d, mode);
  return d;
}

test("a private directory with no state file yet is fine (first start)", () => {
  expect(statePathProblems(join(dir("ok", 0o750), "key-registry.json"))).toEqual([]);
});

test("a missing, symlinked, non-directory or group/world-writable parent is refused", () => {
  expect(statePathProblems(join(root, "nope", "k.json"))).toEqual([{ path: "state.path", message: `directory ${join(root, "nope")} must exist` }]);
  const real = dir("real", 0o750);
  symlinkSync(real, join(root, "link"));
  expect(statePathProblems(join(root, "link", "k.json"))[0]?.message).toContain("must not be a symlink");
  writeFileSync(join(root, "file"), "");
  expect(statePathProblems(join(root, "file", "k.json"))[0]?.message).toContain("must be a directory");
  expect(statePathProblems(join(dir("gw", 0o770), "k.json"))[0]?.message).toContain("must not be group- or world-writable");
  expect(statePathProblems(join(dir("ww", 0o757), "k.json"))[0]?.message).toContain("must not be group- or world-writable");
});

test("an existing state file must be a regular file without group-write, execute or world bits", () => {
  const d = dir("files", 0o750);
  writeFileSync(join(d, "good.json"), "{}", { mode: 0o640 });
  expect(statePathProblems(join(d, "good.json"))).toEqual([]);
  writeFileSync(join(d, "world.json"), "{}");
  chmodSync(join(d, "world.json"), 0o644);
  expect(statePathProblems(join(d, "world.json"))[0]?.message).toContain("file permissions unsafe");
  mkdirSync(join(d, "dir.json"));
  expect(statePathProblems(join(d, "dir.json"))[0]?.message).toBe("must be a regular file");
});
