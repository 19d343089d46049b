// `bun run demo` takes only --ha (and --help); anything else is a usage error before any build.
import { expect, test } from "bun:test";
import { join } from "node:path";

const demo = join(import.meta.dir, "..", "..", "scripts", "demo.ts");

test("--help names both demos; an unknown flag exits 2 without building", () => {
  const help = Bun.spawnSync(["bun", demo, "--help"], { timeout: 10_000 });
  expect(help.exitCode).toBe(0);
  expect(help.stdout.toString()).toContain("--ha");
  const bad = Bun.spawnSync(["bun", demo, "--bogus"], { timeout: 10_000 });
  expect(bad.exitCode).toBe(2);
  expect(bad.stderr.toString()).toContain("unknown argument --bogus");
  expect(bad.stdout.toString()).not.toContain("building");
});
