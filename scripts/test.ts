// The project's test command (`bun run test [--no-build] [bun test args...]`): builds dist/ for the
// e2e tests, runs `bun test` (whole test/ tree unless a path/pattern is given), streams its output,
// then prints exactly one last line `N passed, N failed[, N skipped]`; exit != 0 on failure or 0 tests.
// During a stretch without output (a slow e2e or packaging step) it prints a progress line at
// least every 15 s. bunfig.toml's [run] silent keeps `bun run` from printing after the summary.

const VALUE_FLAGS = new Set([
  "--timeout", "--rerun-each", "--retry", "--seed", "--coverage-reporter", "--coverage-dir",
  "-t", "--test-name-pattern", "--reporter", "--reporter-outfile", "--max-concurrency",
  "--path-ignore-patterns", "--parallel-delay", "--shard", "--timings", "--preload",
]);
const NUMERIC_OPTIONAL_FLAGS = new Set(["--bail", "--parallel"]); // value only if the next arg is a number

/** True when argv holds a positional path/pattern (not a flag or a flag's value). */
export function hasPattern(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") return i + 1 < argv.length;
    if (a.startsWith("-")) {
      if (a.includes("=")) continue;
      if (VALUE_FLAGS.has(a)) i++;
      else if (NUMERIC_OPTIONAL_FLAGS.has(a) && /^\d+$/.test(argv[i + 1] ?? "")) i++;
      continue;
    }
    return true;
  }
  return false;
}

export interface Counts { pass: number; fail: number; skip: number; todo: number; error: number; found: boolean }

/** Reads bun's closing summary (the counter lines just above `Ran N tests across M files`). */
export function parseSummary(output: string): Counts {
  const lines = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").split(/\r?\n/);
  const c: Counts = { pass: 0, fail: 0, skip: 0, todo: 0, error: 0, found: false };
  let end = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^\s*Ran \d+ tests? across \d+ files?/.test(lines[i]!)) { end = i; break; }
  }
  // Without a "Ran" line (bun crashed mid-run) fall back to the last counter lines anywhere.
  const block = end >= 0 ? lines.slice(0, end).reverse() : lines.slice().reverse();
  const seen = new Set<string>();
  for (const line of block) {
    if (end >= 0 && line.trim() === "") break; // the summary block is contiguous
    const m = /^\s*(\d+) (pass|fail|skip|todo|errors?)\s*$/.exec(line);
    if (!m) continue;
    const key = m[2]!.startsWith("error") ? "error" : (m[2] as "pass" | "fail" | "skip" | "todo");
    if (seen.has(key)) continue;
    seen.add(key);
    c[key] = Number(m[1]);
    c.found = true;
  }
  return c;
}

/** Longest silence before a progress line, ms. */
export const progressEveryMs = 15_000;

/** What the progress line knows: when output last came, the current file, passes and fails so far. */
export class Progress {
  lastOutputMs: number;
  file = "";
  pass = 0;
  fail = 0;
  private partial = "";
  constructor(readonly startMs: number) {
    this.lastOutputMs = startMs;
  }
  see(text: string, nowMs: number): void {
    this.lastOutputMs = nowMs;
    const lines = (this.partial + text).replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").split(/\r?\n/);
    this.partial = lines.pop() ?? "";
    for (const l of lines) {
      const f = /^(\S+\.test\.ts):$/.exec(l);
      if (f) this.file = f[1]!;
      else if (l.startsWith("(pass)")) this.pass++;
      else if (l.startsWith("(fail)")) this.fail++;
    }
  }
  /** A line to print now, or undefined while output is recent. */
  due(nowMs: number): string | undefined {
    if (nowMs - this.lastOutputMs < progressEveryMs) return undefined;
    this.lastOutputMs = nowMs;
    const s = Math.round((nowMs - this.startMs) / 1000);
    return `test: still running after ${s} s (${this.pass} passed, ${this.fail} failed so far${this.file ? `; in ${this.file}` : ""})`;
  }
}

async function pump(stream: ReadableStream<Uint8Array>, out: NodeJS.WriteStream, keep: string[], progress: Progress): Promise<void> {
  const dec = new TextDecoder();
  for await (const chunk of stream) {
    out.write(chunk);
    const text = dec.decode(chunk, { stream: true });
    keep.push(text);
    progress.see(text, performance.now());
  }
}

async function main(): Promise<number> {
  let argv = process.argv.slice(2);
  const build = !argv.includes("--no-build");
  argv = argv.filter((a) => a !== "--no-build");

  if (build) {
    console.error("test: building the binary (`bun run build`; skip with --no-build)");
    const b = Bun.spawn([process.execPath, "run", "build"], { stdio: ["ignore", "inherit", "inherit"] });
    const code = await b.exited;
    if (code !== 0) {
      console.error(`test: build failed (exit ${code}); not running tests`);
      return code || 1;
    }
  }

  const args = [process.execPath, "test", ...argv, ...(hasPattern(argv) ? [] : ["./test"])];
  const child = Bun.spawn(args, { stdio: ["ignore", "pipe", "pipe"] });
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  process.on("SIGINT", forward("SIGINT"));
  process.on("SIGTERM", forward("SIGTERM"));
  const keep: string[] = [];
  const progress = new Progress(performance.now());
  const ticker = setInterval(() => {
    const line = progress.due(performance.now());
    if (line !== undefined) console.error(line);
  }, 1_000);
  await Promise.all([pump(child.stdout, process.stdout, keep, progress), pump(child.stderr, process.stderr, keep, progress)]);
  const code = await child.exited;
  clearInterval(ticker);

  // Summary lines go to stderr, so only that order matters; stdout is merged for safety.
  const c = parseSummary(keep.join(""));
  const failed = Math.max(c.fail, c.error); // bun counts a file that fails to load as a fail
  const skipped = c.skip + c.todo;
  let rc = code !== 0 ? code : failed > 0 ? 1 : 0;
  if (!c.found) console.error("test: could not find bun's test summary in its output");
  if (c.pass + failed === 0) {
    console.error("test: no test ran; treating this as a failure");
    if (rc === 0) rc = 1;
  }
  if (child.signalCode) console.error(`test: bun test was killed by ${child.signalCode}`);
  console.log(`${c.pass} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return rc === 0 && child.signalCode ? 1 : rc;
}

if (import.meta.main) process.exit(await main());
