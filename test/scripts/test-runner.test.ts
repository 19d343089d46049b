// scripts/test.ts (`bun run test`): the summary is the very last line whatever the outcome
// (also through `bun run`, whose own "script exited" note bunfig.toml's [run] silent removes),
// and a progress line comes at least every 15 s of silence.

import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Progress, progressEveryMs } from "../../scripts/test.ts";
import { repoRoot } from "../helpers/provider.ts";

test("progress: a line after 15 s without output, naming the file and the counts; none while output flows", () => {
  const p = new Progress(0);
  p.see("test/a.test.ts:\n(pass) one\n(fail) two\n(pass) thr", 1_000);
  p.see("ee\n", 2_000);
  expect(p.due(2_000 + progressEveryMs - 1)).toBeUndefined();
  expect(p.due(2_000 + progressEveryMs)).toBe("test: still running after 17 s (2 passed, 1 failed so far; in test/a.test.ts)");
  // The next one only after another 15 s of silence.
  expect(p.due(2_000 + progressEveryMs + 1_000)).toBeUndefined();
  expect(p.due(2_000 + 2 * progressEveryMs)).toContain("still running after 32 s");
});

async function runTestScript(body: string): Promise<{ code: number; lines: string[] }> {
  // The scratch file lives in the repo (bun test resolves paths from it) and is removed at once.
  const dir = mkdtempSync(join(repoRoot, "test", "scripts", "scratch-"));
  const file = join(dir, "scratch.test.ts");
  writeFileSync(file, body);
  try {
    const p = Bun.spawn([process.execPath, "run", "test", "--no-build", file], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
    // stdout and stderr merged in arrival order is what a terminal shows; check both orders hold.
    const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
    const code = await p.exited;
    expect(err.trimEnd().split("\n").at(-1) ?? "").not.toMatch(/exited with code/);
    return { code, lines: out.trimEnd().split("\n") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a failing test: exit 1 and the last line of `bun run test` is the summary (nothing from bun after it)", async () => {
  const r = await runTestScript(`import { test, expect } from "bun:test";\ntest("ok", () => expect(1).toBe(1));\ntest("deliberately failing", () => expect(1).toBe(2));\n`);
  expect(r.code).toBe(1);
  expect(r.lines.at(-1)).toBe("1 passed, 1 failed");
}, 30_000);

test("all passing: exit 0 and the summary is the last line", async () => {
  const r = await runTestScript(`import { test, expect } from "bun:test";\ntest("ok", () => expect(1).toBe(1));\n`);
  expect(r.code).toBe(0);
  expect(r.lines.at(-1)).toBe("1 passed, 0 failed");
}, 30_000);
