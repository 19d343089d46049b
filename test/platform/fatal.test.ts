// Unhandled rejections and uncaught exceptions: one error line naming only the error's type
// (never its text), then exit 1. Checked in a real process too, where Bun's own reporting
// could otherwise print the error (and its secret) before exiting.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fatalLine, installFatalHandlers } from "../../src/platform/fatal.ts";

const secret = "hvs.CAESIJ4t0kEnS3cr3tV4lu3ThatMustNeverBeLogged";
const dir = mkdtempSync("/tmp/bkp-fatal-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the line names the event and the error's type only", () => {
  expect(JSON.parse(fatalLine("process.unhandled_rejection", new TypeError(secret), Date.UTC(2026, 0, 1)))).toEqual({
    ts: "2026-01-01T00:00:00.000Z",
    level: "error",
    message: "process.unhandled_rejection",
    error_kind: "TypeError",
  });
  expect(JSON.parse(fatalLine("process.uncaught_exception", secret)).error_kind).toBe("string");
  expect(JSON.parse(fatalLine("process.uncaught_exception", null)).error_kind).toBe("null");
  const odd = Object.assign(new Error("x"), { name: `${secret} with spaces` });
  expect(JSON.parse(fatalLine("process.uncaught_exception", odd)).error_kind).toBe("unknown");
});

test("installed handlers write one line and exit 1 for each event", () => {
  const handlers = new Map<string, (r: unknown) => void>();
  const lines: string[] = [];
  const codes: number[] = [];
  installFatalHandlers(
    ((code: number) => void codes.push(code)) as (code: number) => never,
    (l) => lines.push(l),
    { on: (event: string, fn: (r: unknown) => void) => void handlers.set(event, fn) } as unknown as Pick<NodeJS.Process, "on">,
  );
  handlers.get("unhandledRejection")!(new Error(secret));
  handlers.get("uncaughtException")!(new RangeError(secret));
  expect(codes).toEqual([1, 1]);
  expect(lines.map((l) => JSON.parse(l).message)).toEqual(["process.unhandled_rejection", "process.uncaught_exception"]);
  expect(lines.join("")).not.toContain(secret);
});

test.each([
  ["an unhandled rejection", "process.unhandled_rejection", `void Promise.reject(new Error(${JSON.stringify(secret)}));`],
  ["an uncaught exception", "process.uncaught_exception", `setTimeout(() => { throw new TypeError(${JSON.stringify(secret)}); }, 1);`],
])("in a real process, %s → one line without the secret, exit 1", async (_name, event, trigger) => {
  const script = join(dir, `${event}.ts`);
  writeFileSync(
    script,
    `import { installFatalHandlers } from ${JSON.stringify(join(import.meta.dir, "../../src/platform/fatal.ts"))};
installFatalHandlers((code) => process.exit(code));
${trigger}
setTimeout(() => { process.stdout.write("still running\\n"); process.exit(0); }, 2000);
`,
  );
  const p = Bun.spawn([process.execPath, script], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  expect(code).toBe(1);
  expect(stdout).toBe("");
  expect(stdout + stderr).not.toContain(secret);
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", message: event });
});
