// `bun run demo` is the green path (issue 20): the emulator enforces ACL policies, the role's
// policy is exactly what `policy openbao` prints, and the demo ends with the probe and a doctor
// report that has no [fail] and no [warn] (docs/openbao-compat.md §ACL policies).
import { expect, test } from "bun:test";
import { repoRoot } from "../helpers/provider.ts";

test("bun run demo: probe passes, doctor all pass, exit 0", async () => {
  const proc = Bun.spawn([process.execPath, "scripts/demo.ts"], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect(err).not.toContain("FAILED");
  expect(code).toBe(0);
  const doctor = out.slice(out.indexOf("doctor --config"));
  const checks = doctor.split("\n").map((l) => /^\s+\[(pass|warn|fail|skip)\] ([a-z_.]+):/.exec(l)).filter((m) => m !== null);
  expect(checks.length).toBeGreaterThan(10);
  expect(checks.filter((m) => m![1] === "fail" || m![1] === "warn").map((m) => m![2])).toEqual([]);
  expect(checks.find((m) => m![2] === "transit.capabilities")?.[1]).toBe("pass");
  expect(out.trimEnd().split("\n").at(-1)).toBe("==> demo passed: Status → Encrypt → Decrypt round trip through OpenBao Transit, doctor all pass");
}, 60_000);
