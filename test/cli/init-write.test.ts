// init's file writer: O_EXCL|O_NOFOLLOW, exact modes, and a refusal that leaves the old file alone.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeExclusive } from "../../src/cli/init-write.ts";
import { CliError } from "../../src/cli/exit-codes.ts";

const dir = mkdtempSync("/tmp/bkp-initw-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refusal = (f: () => void): CliError => {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
};

test("writes with the exact mode, whatever the umask", () => {
  const old = process.umask(0o077);
  try {
    writeExclusive(join(dir, "a.yaml"), "x: 1\n", 0o644);
  } finally {
    process.umask(old);
  }
  expect(statSync(join(dir, "a.yaml")).mode & 0o777).toBe(0o644);
  expect(readFileSync(join(dir, "a.yaml"), "utf8")).toBe("x: 1\n");
});

test("an existing file is never replaced (exit 1)", () => {
  writeFileSync(join(dir, "b.toml"), "original");
  const e = refusal(() => writeExclusive(join(dir, "b.toml"), "new", 0o640));
  expect(e.exitCode).toBe(1);
  expect(e.message).toContain("already exists; init never overwrites files");
  expect(readFileSync(join(dir, "b.toml"), "utf8")).toBe("original");
});

test("a symlink at the path is not followed", () => {
  writeFileSync(join(dir, "target"), "target");
  symlinkSync(join(dir, "target"), join(dir, "link.toml"));
  expect(refusal(() => writeExclusive(join(dir, "link.toml"), "new", 0o640)).exitCode).toBe(1);
  expect(readFileSync(join(dir, "target"), "utf8")).toBe("target");
});
