// Measures what systemd's MemoryDenyWriteExecute= would cost the compiled provider: start-up and
// RPC latency/CPU with the JIT as usual, under MDWE as systemd 252 applies it (seccomp) and as
// newer systemd does (prctl PR_SET_MDWE), and with the JIT switched off. A measurement, not a test.
// Usage: bun scripts/package-mdwe-bench.ts [--quick]   (numbers: docs/decisions/systemd-hardening.md)

import { existsSync, readFileSync, watch } from "node:fs";
import { dirname, join } from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { build } from "./build.ts";
import { startEmulator, type Emulator } from "../test/support/emulator/server.ts";
import { canConnect, writeProviderFiles } from "../test/helpers/provider.ts";
import { createKmsClient } from "../src/kms/grpc/client.ts";
import { mdwePrefix, python, rwxProbe, type MdweKind } from "./package-mdwe.ts";

const quick = process.argv.includes("--quick");
const scale = quick ? 0.2 : 1;

// Every mode runs through the same Python launcher (scripts/package-mdwe.ts), so start-up times
// include the same exec overhead and differ only by the restriction.
interface Mode { name: string; kind: MdweKind; env: Record<string, string> }
const modes: Mode[] = [
  { name: "JIT (default)", kind: "none", env: {} },
  { name: "MDWE seccomp (systemd 252)", kind: "seccomp", env: {} },
  { name: "MDWE prctl (systemd >= 255, kernel >= 6.3)", kind: "prctl", env: {} },
  { name: "BUN_JSC_useJIT=0", kind: "none", env: { BUN_JSC_useJIT: "0" } },
];

const cpuTicks = (pid: number) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ").slice(11, 13).reduce((a, b) => a + Number(b), 0);
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const pct = (s: number[], q: number) => [...s].sort((a, b) => a - b)[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;

function spawnProvider(mode: Mode, binary: string, config: string) {
  return Bun.spawn([...mdwePrefix(mode.kind), binary, "serve", "--config", config], {
    stdout: "ignore", stderr: "pipe", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...mode.env },
  });
}

async function waitReady(socket: string, proc: ReturnType<typeof spawnProvider>, t0: number): Promise<number> {
  const appeared = new Promise<void>((resolve) => {
    const w = watch(dirname(socket), () => existsSync(socket) && (w.close(), resolve()));
  });
  await Promise.race([appeared, proc.exited]);
  while (!(await canConnect(socket))) {
    if (proc.exitCode !== null || performance.now() - t0 > 20_000) throw new Error(`provider did not start: ${await new Response(proc.stderr).text()}`);
    await Bun.sleep(0.5);
  }
  return performance.now() - t0;
}

async function load(spec: Record<string, unknown>) {
  const p = Bun.spawn([process.execPath, join(import.meta.dir, "bench-load.ts"), JSON.stringify(spec)], { stdout: "pipe", stderr: "inherit" });
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  if (code !== 0) throw new Error(`load generator failed (${code})`);
  return JSON.parse(out.trim().split("\n").pop()!) as { n: number; errors: number; p50: number; p99: number; rps: number };
}

/** Whether the mode's launcher really refuses a W+X mapping (else the numbers would mean nothing). */
async function refusesWx(kind: MdweKind): Promise<boolean> {
  const p = Bun.spawn([...mdwePrefix(kind), python, "-c", rwxProbe], { stdout: "ignore", stderr: "inherit" });
  const code = await p.exited;
  if (code !== 0 && code !== 3) throw new Error(`the ${kind} launcher failed (exit ${code})`);
  return code === 0;
}

async function measure(emu: Emulator, binary: string, mode: Mode): Promise<string[]> {
  const refused = await refusesWx(mode.kind);
  if (refused !== (mode.kind !== "none")) throw new Error(`${mode.name}: W+X mapping ${refused ? "refused" : "allowed"}, not as intended`);
  const starts: number[] = [];
  for (let i = 0; i < Math.max(3, Math.round(10 * scale)); i++) {
    const f = writeProviderFiles(emu, { logLevel: "warn" });
    const t0 = performance.now();
    const proc = spawnProvider(mode, binary, f.configPath);
    starts.push(await waitReady(f.socketPath, proc, t0));
    proc.kill("SIGTERM");
    await proc.exited;
    f.cleanup();
  }
  const f = writeProviderFiles(emu, { logLevel: "warn" });
  const proc = spawnProvider(mode, binary, f.configPath);
  const rows = [`${mode.name} (W+X refused: ${refused ? "yes" : "no"}): start-up p50 ${pct(starts, 0.5).toFixed(1)} ms, max ${Math.max(...starts).toFixed(1)} ms (${starts.length} runs)`];
  try {
    await waitReady(f.socketPath, proc, performance.now());
    const c = createKmsClient(f.socketPath);
    const seeds = [];
    for (let i = 0; i < 64; i++) {
      const r = await c.encrypt(randomBytes(32), randomUUID(), new Date(Date.now() + 5000));
      seeds.push({ ciphertext: Buffer.from(r.ciphertext).toString("base64"), keyId: r.keyId, annotations: Object.fromEntries(Object.entries(r.annotations).map(([k, v]) => [k, Buffer.from(v).toString("base64")])) });
    }
    c.close();
    const cases = [["status", 16, 10_000], ["encrypt", 16, 2000], ["decrypt", 16, 4000], ["status", 1, 2000], ["decrypt", 1, 1000]] as const;
    for (const [target, concurrency, total] of cases) {
      const cpu0 = cpuTicks(proc.pid);
      const s = await load({ target, concurrency, total: Math.round(total * scale), socket: f.socketPath, decrypt: seeds });
      const cpuUs = ((cpuTicks(proc.pid) - cpu0) * 10_000) / Math.max(1, s.n + s.errors);
      rows.push(`  ${target.padEnd(7)} ${String(concurrency).padStart(2)} in flight: ${Math.round(s.rps)} rps, p50 ${s.p50.toFixed(3)} ms, p99 ${s.p99.toFixed(3)} ms, provider CPU ${cpuUs.toFixed(0)} µs/call, errors ${s.errors}`);
    }
    rows.push(`  RSS after load ${rssMb(proc.pid).toFixed(1)} MB`);
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
    f.cleanup();
  }
  return rows;
}

const binary = await build("x64", "dist");
const emu = await startEmulator();
try {
  console.log(`MemoryDenyWriteExecute cost on ${binary} (Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores)${quick ? " (quick)" : ""}`);
  for (const mode of modes) {
    try {
      for (const line of await measure(emu, binary, mode)) console.log(line);
    } catch (e) {
      // Since the key registry, serve takes its state lock through bun:ffi, which needs the JIT:
      // without it the provider refuses to start (exit 5), so there is nothing to measure.
      const why = e instanceof Error && e.message.includes("needs the JavaScript JIT") ? "does not start: the state lock (flock via bun:ffi) needs the JIT" : e instanceof Error ? e.message.split("\n")[0] : "failed";
      console.log(`${mode.name}: ${why}`);
    }
  }
} finally {
  await emu.stop();
}
