// The project's test command (`bun run test [--no-build] [bun test args...]`): builds dist/ for the
// e2e tests, runs `bun test` (whole test/ tree unless a path/pattern is given), streams its output,
// then prints exactly one last line `N passed, N failed[, N skipped]`; exit != 0 on failure or 0 tests.

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

async function pump(stream: ReadableStream<Uint8Array>, out: NodeJS.WriteStream, keep: string[]): Promise<void> {
  const dec = new TextDecoder();
  for await (const chunk of stream) {
    out.write(chunk);
    keep.push(dec.decode(chunk, { stream: true }));
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
  await Promise.all([pump(child.stdout, process.stdout, keep), pump(child.stderr, process.stderr, keep)]);
  const code = await child.exited;

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
