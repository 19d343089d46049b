// One-shot runs of the compiled binary (start-up failures, a second instance): output captured
// into the run-wide log capture and checked for secrets like every provider run.

import { captureProviderLines, describeLeaks, findLeaks } from "./log-capture.ts";
import { ensureBinary } from "./provider.ts";

export interface BinaryRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the binary to completion without blocking this process (the emulator lives here). */
export async function runBinary(args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<BinaryRun> {
  const t0 = performance.now();
  const p = Bun.spawn([ensureBinary(), ...args], { cwd: opts.cwd ?? "/", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => p.kill("SIGKILL"), opts.timeoutMs ?? 20_000);
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(timer);
  const lines = (stdout + stderr).split("\n").filter((l) => l !== "");
  captureProviderLines(lines);
  const leaks = findLeaks(lines);
  if (leaks.length > 0) throw new Error(`secret-looking data in the provider's output: ${describeLeaks(leaks)}`);
  return { code, stdout, stderr, ms: performance.now() - t0 };
}

/** Parsed JSON log lines of a provider's output (other lines skipped). */
export function jsonLines(output: readonly string[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of output) {
    try {
      const v = JSON.parse(line) as unknown;
      if (v !== null && typeof v === "object") out.push(v as Record<string, unknown>);
    } catch {
      // not a JSON line
    }
  }
  return out;
}
