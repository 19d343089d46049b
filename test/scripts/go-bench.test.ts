// bench/go builds offline from Debian's packages and works: the pass-through plugin logs in with
// AppRole and serves KMS v2; the grpc-go load client drives it (and Transit directly) without
// errors. Keeps the Go baseline of `bun run bench` from rotting.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildGoBench, goLoad, plugins } from "../../scripts/bench-compare.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { canConnect, ensureBinary, startProvider, writeProviderFiles } from "../helpers/provider.ts";

let emu: Emulator;
let go: ReturnType<ReturnType<typeof plugins>["go"]>;
let proc: ReturnType<typeof Bun.spawn>;

beforeAll(async () => {
  buildGoBench();
  emu = await startEmulator();
  writeProviderFiles(emu).cleanup(); // the operator's policy for the AppRole role
  go = plugins(emu, ensureBinary()).go();
  proc = Bun.spawn(go.cmd, { stdout: "ignore", stderr: "pipe" });
  const t0 = performance.now();
  while (!(await canConnect(go.socket))) {
    if (proc.exitCode !== null || performance.now() - t0 > 10_000) throw new Error(`passthrough did not start: ${await new Response(proc.stderr as ReadableStream).text()}`);
    await Bun.sleep(5);
  }
}, 300_000);

afterAll(async () => {
  proc?.kill("SIGTERM");
  await proc?.exited;
  go?.cleanup();
  await emu?.stop();
});

test("a second build is a no-op (cached by a hash of sources, proto and toolchain)", () => {
  const t0 = performance.now();
  buildGoBench();
  expect(performance.now() - t0).toBeLessThan(10_000);
});

test("the grpc-go client drives the pass-through: Status, Encrypt, Decrypt without errors", async () => {
  for (const op of ["status", "encrypt", "decrypt"]) {
    const r = await goLoad(["-socket", go.socket, "-op", op, "-concurrency", "8", "-total", "200", "-warmup", "10"]);
    expect(r.errors, `${op}: ${r.first_error}`).toBe(0);
    expect(r.calls).toBe(200);
    expect(r.rate).toBeGreaterThan(0);
    expect(r.p50_ms).toBeGreaterThan(0);
  }
});

test("-op transit calls Transit's decrypt directly (the overhead baseline)", async () => {
  const dir = mkdtempSync("/tmp/bkp-gobench-");
  try {
    writeFileSync(join(dir, "token"), emu.rootToken, { mode: 0o600 });
    const r = await goLoad(["-op", "transit", "-addr", emu.url, "-ca-file", emu.caFile, "-server-name", emu.serverName, "-token-file", join(dir, "token"), "-aad-bytes", "400", "-concurrency", "2", "-total", "100"]);
    expect(r.errors, r.first_error).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("kube-apiserver's gRPC stack (grpc-go, one connection, many streams) against our compiled provider: no errors", async () => {
  const files = writeProviderFiles(emu, { logLevel: "warn" });
  const provider = await startProvider(files);
  try {
    for (const op of ["status", "encrypt", "decrypt"]) {
      const r = await goLoad(["-socket", files.socketPath, "-op", op, "-concurrency", "32", "-total", "400", "-warmup", "10"]);
      expect(r.errors, `${op}: ${r.first_error}`).toBe(0);
      expect(r.calls).toBe(400);
    }
  } finally {
    expect(await provider.stop()).toBe(0);
    files.cleanup();
  }
}, 60_000);
