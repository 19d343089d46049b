// `bun run bench`: our provider against a Go pass-through KMS v2 plugin (bench/go/passthrough),
// in the same run, against the same OpenBao stand-in (the emulator, hosted here), driven by the
// same grpc-go client that behaves like kube-apiserver (bench/go/loadclient: one connection,
// many streams, 3 s deadlines). Budgets are ratios to Go, so a busy 2-core machine moves both
// sides alike. A benchmark, not a test: it never fails on timing.

import { existsSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { build } from "./build.ts";
import { startEmulator, type Emulator } from "../test/support/emulator/server.ts";
import { canConnect, makeSocketDir, startProvider, writeProviderFiles } from "../test/helpers/provider.ts";

const root = join(import.meta.dir, "..");
const goBin = join(root, ".cache", "go-bench", "bin");
export interface GoResult { calls: number; errors: number; rate: number; p50_ms: number; p90_ms: number; p99_ms: number; max_ms: number; first_error?: string }

export const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function buildGoBench(): void {
  const r = Bun.spawnSync(["bash", join(root, "scripts", "build-go-bench.sh")], { stdout: "inherit", stderr: "inherit" });
  if (r.exitCode !== 0) throw new Error("scripts/build-go-bench.sh failed (see above)");
}

/** Runs the grpc-go load client once; returns its JSON line. */
export async function goLoad(args: string[]): Promise<GoResult> {
  const p = Bun.spawn([join(goBin, "loadclient"), ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`loadclient ${args.join(" ")} failed (${code}): ${err}`);
  const r = JSON.parse(out.trim()) as GoResult;
  if (r.errors > 0) console.log(`    (loadclient ${args.join(" ")}: ${r.errors} errors, first: ${r.first_error})`);
  return r;
}

/** exec → a connect to `socket` succeeds; inotify instead of busy-polling so the measurer does not steal the CPU. */
async function timeToSocket(cmd: string[], socket: string): Promise<{ ms: number; proc: ReturnType<typeof Bun.spawn> }> {
  const appeared = new Promise<void>((resolve) => {
    const w = watch(dirname(socket), () => {
      if (existsSync(socket)) (w.close(), resolve());
    });
  });
  const t0 = performance.now();
  const proc = Bun.spawn(cmd, { stdout: "ignore", stderr: "pipe" });
  await Promise.race([appeared, proc.exited]);
  while (!(await canConnect(socket))) {
    if (proc.exitCode !== null || performance.now() - t0 > 10_000) throw new Error(`${cmd[0]} did not start: ${await new Response(proc.stderr as ReadableStream).text()}`);
    await Bun.sleep(0.5);
  }
  return { ms: performance.now() - t0, proc };
}

export interface Plugins {
  ours(): { cmd: string[]; socket: string; cleanup(): void };
  go(): { cmd: string[]; socket: string; cleanup(): void };
}

export function plugins(emu: Emulator, binary: string): Plugins {
  return {
    ours() {
      const f = writeProviderFiles(emu, { logLevel: "warn" });
      return { cmd: [binary, "serve", "--config", f.configPath], socket: f.socketPath, cleanup: f.cleanup };
    },
    go() {
      const dir = makeSocketDir();
      const socket = join(dir, "go.sock");
      const cmd = [join(goBin, "passthrough"), "-socket", socket, "-addr", emu.url, "-ca-file", emu.caFile, "-server-name", emu.serverName,
        "-role-id", emu.approle.roleId, "-secret-id", emu.approle.secretId, "-approle-mount", emu.approle.mount];
      return { cmd, socket, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  };
}

async function main() {
  const quick = process.argv.includes("--quick");
  console.log(`bao-kms-provider vs a Go pass-through, same run — Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores${quick ? " (quick)" : ""}`);
  const binary = await build("x64");
  buildGoBench();
  const emu = await startEmulator();
  const tokenDir = mkdtempSync(join(tmpdir(), "bkp-bench-"));
  const running: Array<{ proc: ReturnType<typeof Bun.spawn>; cleanup(): void }> = [];
  try {
    const p = plugins(emu, binary);
    writeProviderFiles(emu, { logLevel: "warn" }).cleanup(); // applies the operator's policy for the roles
    // 1. exec → socket accepting, alternating so drift hits both sides.
    const starts = { ours: [] as number[], go: [] as number[] };
    for (let i = 0; i < (quick ? 5 : 15); i++) {
      for (const side of ["ours", "go"] as const) {
        const spec = p[side]();
        const { ms, proc } = await timeToSocket(spec.cmd, spec.socket);
        starts[side].push(ms);
        proc.kill("SIGTERM");
        await proc.exited;
        spec.cleanup();
      }
    }
    // 2. One long-running instance of each.
    const inst = {} as Record<"ours" | "go", { socket: string; pid: number }>;
    for (const side of ["ours", "go"] as const) {
      const spec = p[side]();
      const { proc } = await timeToSocket(spec.cmd, spec.socket);
      running.push({ proc, cleanup: spec.cleanup });
      inst[side] = { socket: spec.socket, pid: proc.pid };
    }
    await Bun.sleep(1_500);
    const idle = { ours: rssMb(inst.ours.pid), go: rssMb(inst.go.pid) };
    // 3. The direct Transit baseline (the same decrypt the plugin sends: ours with its ~400-byte AAD, Go's without).
    const login = await fetch(`${emu.url}/v1/${emu.approle.mount}/login`, { method: "POST", body: JSON.stringify({ role_id: emu.approle.roleId, secret_id: emu.approle.secretId }), tls: { ca: emu.caPem } } as RequestInit);
    const tokenFile = join(tokenDir, "token");
    writeFileSync(tokenFile, ((await login.json()) as { auth: { client_token: string } }).auth.client_token, { mode: 0o600 });
    const direct = (aad: number) => goLoad(["-op", "transit", "-addr", emu.url, "-ca-file", emu.caFile, "-server-name", emu.serverName, "-token-file", tokenFile, "-aad-bytes", String(aad), "-concurrency", "1", "-total", quick ? "300" : "2000"]);
    const one = (side: "ours" | "go") => goLoad(["-socket", inst[side].socket, "-op", "decrypt", "-concurrency", "1", "-total", quick ? "300" : "2000"]);
    const rounds = quick ? 1 : 3;
    const overhead = { ours: [] as number[], go: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      const [dOurs, dGo] = [await direct(400), await direct(0)];
      overhead.ours.push((await one("ours")).p50_ms - dOurs.p50_ms);
      overhead.go.push((await one("go")).p50_ms - dGo.p50_ms);
    }
    // 4. 64 in flight, 64×40 Decrypts, then RSS.
    const burst = { ours: [] as GoResult[], go: [] as GoResult[] };
    for (let r = 0; r < rounds; r++) {
      for (const side of ["ours", "go"] as const) burst[side].push(await goLoad(["-socket", inst[side].socket, "-op", "decrypt", "-concurrency", "64", "-total", String(64 * 40), "-warmup", "64"]));
    }
    const loaded = { ours: rssMb(inst.ours.pid), go: rssMb(inst.go.pid) };
    const status16 = { ours: await goLoad(["-socket", inst.ours.socket, "-op", "status", "-concurrency", "16", "-total", quick ? "2000" : "20000"]), go: await goLoad(["-socket", inst.go.socket, "-op", "status", "-concurrency", "16", "-total", quick ? "2000" : "20000"]) };

    const rows: Array<[string, number, number, string, (ratio: number, ours: number) => boolean, string]> = [
      ["exec → socket accepting, p50", median(starts.ours), median(starts.go), "ms", (r) => r <= 3, "≤ 3×"],
      ["Decrypt overhead over direct Transit, p50", median(overhead.ours), median(overhead.go), "ms", (r) => r <= 1.3, "≤ 1.3×"],
      ["Decrypt at 64 in flight, p99", median(burst.ours.map((b) => b.p99_ms)), median(burst.go.map((b) => b.p99_ms)), "ms", (r) => r <= 1.5, "≤ 1.5×"],
      ["Decrypt at 64 in flight, rate", median(burst.ours.map((b) => b.rate)), median(burst.go.map((b) => b.rate)), "/s", (r) => r >= 1, "≥ 1×"],
      ["RSS after 64×40 Decrypts", loaded.ours, loaded.go, "MB", (_, o) => o <= 60, "≤ 60 MB"],
      ["RSS idle", idle.ours, idle.go, "MB", (_, o) => o <= 40, "≤ 40 MB"],
      ["Status at 16 in flight, p99 (for reference)", status16.ours.p99_ms, status16.go.p99_ms, "ms", () => true, "—"],
    ];
    console.log(`\n| figure | ours | Go pass-through | ratio | budget | |`);
    console.log(`|---|---|---|---|---|---|`);
    for (const [name, ours, go, unit, ok, budget] of rows) {
      const ratio = ours / go;
      const fmt = (x: number) => (unit === "/s" ? Math.round(x).toLocaleString("en") : x.toFixed(unit === "MB" ? 1 : 2)) + ` ${unit}`;
      console.log(`| ${name} | ${fmt(ours)} | ${fmt(go)} | ${ratio.toFixed(2)}× | ${budget} | ${budget === "—" ? "" : ok(ratio, ours) ? "met" : "MISSED"} |`);
    }
    console.log(`\n(start-up: ${starts.ours.length} runs each, alternating; overhead and 64-in-flight: median of ${rounds} rounds; client: grpc-go, one connection, 3 s deadlines)`);
  } finally {
    for (const r of running) {
      r.proc.kill("SIGTERM");
      await r.proc.exited;
      r.cleanup();
    }
    rmSync(tokenDir, { recursive: true, force: true });
    await emu.stop();
  }
}

if (import.meta.main) {
  if (process.argv.includes("--soak")) await import("./bench-soak.ts").then((m) => m.soak());
  else await main();
}
