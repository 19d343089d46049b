// Runs the compiled binary with arguments (asynchronously: the emulator runs in this process)
// and collects exit code, stdout and stderr; fails the test on secret-looking output.
import { ensureBinary } from "./provider.ts";
import { describeLeaks, findLeaks } from "./log-capture.ts";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runBinary(args: readonly string[], opts: { env?: Record<string, string>; timeoutMs?: number; secrets?: string[] } = {}): Promise<CliRun> {
  const proc = Bun.spawn([ensureBinary(), ...args], {
    cwd: "/",
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...(opts.env ?? {}) },
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  const leaks = findLeaks([...stdout.split("\n"), ...stderr.split("\n")], opts.secrets ?? []);
  if (leaks.length > 0) throw new Error(`secret-looking data in CLI output: ${describeLeaks(leaks)}`);
  return { code, stdout, stderr };
}

/** Report lines `[status] id: …` → [status, id] pairs, in order. */
export function reportLines(text: string): Array<[string, string]> {
  return text
    .split("\n")
    .map((l) => /^\[(pass|warn|fail|skip)\] ([a-z0-9_.]+): /.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1] as string, m[2] as string]);
}
