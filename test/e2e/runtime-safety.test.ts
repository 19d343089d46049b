// Runtime safety on the compiled binary: an overload burst is refused at once and counted, a
// kill -9 leaves a socket the next start reclaims (logged and counted), a second instance never
// steals the socket, shutdown drains for at most 15 s and a second signal ends it at once, a
// hung OpenBao answers DEADLINE_EXCEEDED at openbao.timeout, and a real /metrics scrape passes
// promtool with exactly the reference's metric set.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, lstatSync, readFileSync, writeFileSync } from "node:fs";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { promtoolCheck } from "../observability/promtool.ts";
import { metricSetDifferences } from "../observability/metric-set.ts";
import { samples } from "../observability/fixtures.ts";
import { captureProviderLines, findLeaks } from "../helpers/log-capture.ts";
import { configWithOwnState, ensureBinary, listenerUrls, startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { PyKmsClient } from "../helpers/py-kms-client.ts";
import { jsonLines, runBinary } from "../helpers/run-binary.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  emu?.clearFaults();
  await emu?.stop();
});

/** Prints a measured number into the test output (the report quotes them). */
const note = (what: string, value: string) => console.log(`[measured] ${what}: ${value}`);

async function scrape(p: RunningProvider): Promise<string> {
  const { metrics } = await listenerUrls(p);
  const r = await fetch(`${metrics}/metrics`);
  expect(r.status).toBe(200);
  return r.text();
}

async function waitForLine(p: RunningProvider, pred: (l: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const hit = jsonLines(p.output).find(pred);
    if (hit) return hit;
    if (performance.now() > deadline) throw new Error(`log line not seen:\n${p.output.join("\n")}`);
    await Bun.sleep(10);
  }
}

interface BurstResult {
  ok: boolean;
  code?: string;
  details?: string;
  ms: number;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

describe("overload", () => {
  test("200 concurrent Decrypts against max_concurrent_decrypt = 64 → 64 served, exactly 136 RESOURCE_EXHAUSTED at once; then normal service", async () => {
    const files = writeProviderFiles(emu, { extraServer: "max_concurrent_decrypt = 64", timeout: "5s" });
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    try {
      const enc = await client.encrypt(new Uint8Array(32).fill(5));
      expect(enc.ok).toBe(true);
      // Every admitted call holds its slot for 1.5 s at OpenBao, so the other 136 find none free.
      emu.setLatency(1500, "/v1/transit/decrypt");
      const t0 = performance.now();
      const burst = await client.send<{ ok: boolean; results: BurstResult[] }>({
        op: "burst",
        n: 200,
        call: { op: "decrypt", ciphertext: enc.ciphertext, key_id: enc.key_id, annotations: enc.annotations, timeout: 10 },
      });
      const wall = performance.now() - t0;
      const served = burst.results.filter((r) => r.ok);
      const refused = burst.results.filter((r) => !r.ok);
      expect(served).toHaveLength(64);
      expect(refused).toHaveLength(136);
      for (const r of refused) expect(r).toMatchObject({ code: "RESOURCE_EXHAUSTED", details: "kms request concurrency limit reached" });
      const refusedMs = refused.map((r) => r.ms);
      // Refused at once: never queued behind the 1.5 s calls, far inside kube-apiserver's 3 s.
      expect(Math.max(...refusedMs)).toBeLessThan(1000);
      for (const r of served) expect(r.ms).toBeGreaterThanOrEqual(1400);
      expect(wall).toBeLessThan(8000);
      note("burst 200 vs 64: refused calls' latency", `p50 ${pct(refusedMs, 50).toFixed(1)} ms, p99 ${pct(refusedMs, 99).toFixed(1)} ms, max ${Math.max(...refusedMs).toFixed(1)} ms`);
      note("burst 200 vs 64: served calls' latency (1.5 s injected at OpenBao)", `max ${Math.max(...served.map((r) => r.ms)).toFixed(0)} ms; whole burst ${wall.toFixed(0)} ms`);

      const s = samples(await scrape(provider));
      expect(s.get('openbao_kms_grpc_concurrency_rejections_total{method="decrypt"}')).toBe(136);
      expect(s.get('openbao_kms_grpc_requests_total{method="decrypt",status="concurrency_limit"}')).toBe(136);
      expect(s.get('openbao_kms_grpc_in_flight{method="decrypt"}')).toBe(0);
      // Rejections are failures: logged at warn, without secrets (checked by stop()).
      expect(jsonLines(provider.output).filter((l) => l.message === "kms.request" && l.level === "warn" && l.error_class === "concurrency_limit")).toHaveLength(136);

      // Normal service at once: all slots were released.
      emu.setLatency(0, "/v1/transit/decrypt");
      const again = await client.send<{ ok: boolean; results: BurstResult[] }>({
        op: "burst",
        n: 64,
        call: { op: "decrypt", ciphertext: enc.ciphertext, key_id: enc.key_id, annotations: enc.annotations, timeout: 10 },
      });
      expect(again.results.filter((r) => r.ok)).toHaveLength(64);
      expect((await client.status()).healthz).toBe("ok");
    } finally {
      emu.setLatency(0, "/v1/transit/decrypt");
      await client.close();
      await provider.stop();
      files.cleanup();
    }
  }, 60_000);
});

describe("the socket across restarts and instances", () => {
  test("kill -9, then a restart on the same socket path: the dead socket is removed once, logged and counted", async () => {
    const files = writeProviderFiles(emu);
    try {
      const first = await startProvider(files);
      const before = lstatSync(files.socketPath);
      expect(await first.stop("SIGKILL")).not.toBe(0);
      // The killed process left its socket file behind.
      expect(lstatSync(files.socketPath).isSocket()).toBe(true);
      expect(lstatSync(files.socketPath).ino).toBe(before.ino);

      const second = await startProvider(files);
      try {
        await waitForLine(second, (l) => l.message === "serve.ready");
        const removed = jsonLines(second.output).filter((l) => l.message === "socket.stale_removed");
        expect(removed).toEqual([{ ts: expect.any(String), level: "warn", message: "socket.stale_removed", socket_path: files.socketPath }]);
        expect(samples(await scrape(second)).get("openbao_kms_socket_restarts_total")).toBe(1);
        const client = new PyKmsClient(files.socketPath);
        expect((await client.status()).healthz).toBe("ok");
        await client.close();
      } finally {
        expect(await second.stop()).toBe(0);
      }
      expect(existsSync(files.socketPath)).toBe(false);
    } finally {
      files.cleanup();
    }
  });

  test("a second instance on the same socket refuses (exit 5) and never touches the first's socket", async () => {
    const files = writeProviderFiles(emu);
    const first = await startProvider(files);
    try {
      // Read the socket once serve says it is ready: outside a directory that gives it its group at
      // birth, it accepts at 0600 before its chown/chmod (server.ts).
      await waitForLine(first, (l) => l.message === "serve.ready");
      const before = lstatSync(files.socketPath);
      // Its own state (the same state would be refused by the lock first; see lifecycle.test.ts).
      const r = await runBinary(["serve", "--config", configWithOwnState(files)]);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain("is in use by a running process; refusing to start a second instance");
      expect(r.stderr).not.toContain("socket.stale_removed");
      const after = lstatSync(files.socketPath);
      expect([after.ino, after.mode, after.gid]).toEqual([before.ino, before.mode, before.gid]);
      const client = new PyKmsClient(files.socketPath);
      const enc = await client.encrypt(new Uint8Array(32).fill(6));
      expect((await client.decrypt(enc)).ok).toBe(true);
      await client.close();
      expect(samples(await scrape(first)).get("openbao_kms_socket_restarts_total")).toBe(0);
    } finally {
      expect(await first.stop()).toBe(0);
      files.cleanup();
    }
  });
});

describe("shutdown", () => {
  /** A provider with one Decrypt parked at a hung OpenBao (openbao.timeout 30 s, so only shutdown ends it). */
  async function withParkedCall(files: ProviderFiles) {
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    const enc = await client.encrypt(new Uint8Array(32).fill(7));
    emu.hang(true, "/v1/transit/decrypt");
    emu.resetCounts();
    const parked = client.decrypt(enc, 60);
    for (const t0 = performance.now(); emu.count({ pathPrefix: "/v1/transit/decrypt" }) < 1; ) {
      if (performance.now() - t0 > 5000) throw new Error("the call never reached OpenBao");
      await Bun.sleep(5);
    }
    return { provider, client, parked };
  }

  test("SIGTERM with a call that never finishes: drains for 15 s, then exits 0 and removes the socket", async () => {
    const files = writeProviderFiles(emu, { timeout: "30s" });
    const { provider, client, parked } = await withParkedCall(files);
    try {
      const t0 = performance.now();
      provider.signal("SIGTERM");
      const code = await provider.proc.exited;
      const took = performance.now() - t0;
      expect(code).toBe(0);
      expect(took).toBeGreaterThanOrEqual(14_900);
      expect(took).toBeLessThan(18_000);
      note("SIGTERM → exit with a call stuck in flight", `${took.toFixed(0)} ms (grace 15000 ms)`);
      expect(existsSync(files.socketPath)).toBe(false);
      await Bun.sleep(50);
      expect(jsonLines(provider.output).filter((l) => l.message === "serve.shutdown").map((l) => l.outcome)).toEqual(["draining", "forced"]);
      expect((await parked).ok).toBe(false);
    } finally {
      emu.hang(false, "/v1/transit/decrypt");
      await client.close();
      await provider.stop();
      files.cleanup();
    }
  }, 40_000);

  test("a second signal during the drain ends the process at once, by that signal", async () => {
    const files = writeProviderFiles(emu, { timeout: "30s" });
    const { provider, client, parked } = await withParkedCall(files);
    try {
      provider.signal("SIGTERM");
      await waitForLine(provider, (l) => l.message === "serve.shutdown" && l.outcome === "draining");
      const t0 = performance.now();
      provider.signal("SIGINT");
      await provider.proc.exited;
      const took = performance.now() - t0;
      expect({ code: provider.proc.exitCode, signal: provider.proc.signalCode }).toEqual({ code: null, signal: "SIGINT" });
      expect(took).toBeLessThan(1000);
      note("second signal → exit", `${took.toFixed(1)} ms`);
      await Bun.sleep(50);
      expect(jsonLines(provider.output).some((l) => l.message === "serve.shutdown" && l.outcome === "immediate" && l.signal === "SIGINT")).toBe(true);
      expect((await parked).ok).toBe(false);
    } finally {
      emu.hang(false, "/v1/transit/decrypt");
      await client.close();
      await provider.stop();
      files.cleanup();
    }
  });
});

test("SIGTERM during start-up (a slow login in flight) → start-up stops at once, killed by SIGTERM, no socket left", async () => {
  const files = writeProviderFiles(emu);
  emu.setLatency(600, "/v1/auth/");
  try {
    const p = Bun.spawn([ensureBinary(), "serve", "--config", files.configPath], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
    const stderr = new Response(p.stderr).text();
    await Bun.sleep(250);
    expect(existsSync(files.socketPath)).toBe(false);
    const t0 = performance.now();
    p.kill("SIGTERM");
    await p.exited;
    const took = performance.now() - t0;
    const lines = (await stderr).split("\n").filter(Boolean);
    captureProviderLines(lines);
    expect({ code: p.exitCode, signal: p.signalCode }).toEqual({ code: null, signal: "SIGTERM" });
    expect(took).toBeLessThan(1000);
    expect(existsSync(files.socketPath)).toBe(false);
    expect(jsonLines(lines).filter((l) => l.message === "serve.shutdown").map((l) => [l.signal, l.outcome])).toEqual([["SIGTERM", "startup_aborted"]]);
    expect(findLeaks(lines)).toEqual([]);
  } finally {
    emu.setLatency(0, "/v1/auth/");
    files.cleanup();
  }
});

describe("a hung OpenBao", () => {
  test.each([
    ["Encrypt", "/v1/transit/encrypt"],
    ["Decrypt", "/v1/transit/decrypt"],
  ])("%s → DEADLINE_EXCEEDED 'request timed out' at openbao.timeout (400 ms)", async (method, path) => {
    const files = writeProviderFiles(emu, { timeout: "400ms" });
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    try {
      const enc = await client.encrypt(new Uint8Array(32).fill(8));
      emu.hang(true, path);
      const t0 = performance.now();
      const r = method === "Encrypt" ? await client.encrypt(new Uint8Array(32).fill(9)) : await client.decrypt(enc);
      const took = performance.now() - t0;
      expect(r).toMatchObject({ ok: false, code: "DEADLINE_EXCEEDED", details: "request timed out" });
      expect(took).toBeGreaterThanOrEqual(380);
      expect(took).toBeLessThan(1400);
      note(`hung OpenBao → ${method} DEADLINE_EXCEEDED (timeout 400 ms)`, `${took.toFixed(0)} ms`);
      emu.hang(false, path);
      expect((await client.decrypt(enc)).ok).toBe(true);
    } finally {
      emu.hang(false, path);
      await client.close();
      await provider.stop();
      files.cleanup();
    }
  });
});

describe("a real /metrics scrape and the listeners", () => {
  test("after traffic with failures: promtool passes, the openbao_kms_* set is exactly the reference's, labels normalised", async () => {
    const files = writeProviderFiles(emu);
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    try {
      const enc = await client.encrypt(new Uint8Array(32).fill(10));
      expect((await client.decrypt(enc)).ok).toBe(true);
      expect((await client.decrypt({ ...enc, key_id: "obk2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })).code).toBe("NOT_FOUND");
      expect((await client.decrypt({ ...enc, annotations: { ...enc.annotations, "no-dot": "eA==" } })).code).toBe("INVALID_ARGUMENT");
      expect((await client.status()).healthz).toBe("ok");
      const body = await scrape(provider);
      const lint = await promtoolCheck(body);
      expect(lint).toEqual({ code: 0, output: "" });
      expect(metricSetDifferences(body)).toEqual([]);
      // Label values are [a-z0-9_] except the verbatim families (a hash, build identity).
      for (const line of body.split("\n")) {
        if (line.startsWith("#") || line === "" || /^openbao_kms_(status_key_id_hash|build_info)\{/.test(line)) continue;
        for (const [, value] of line.matchAll(/[a-z_]+="([^"]*)"/g)) expect(value).toMatch(/^([a-z0-9_]+|\+Inf|[0-9.e+-]+)$/);
      }
      // Nothing secret or raw in a scrape either.
      expect(body).not.toContain(enc.key_id);
      expect(body).not.toContain("transit/keys");
      const s = samples(body);
      expect(s.get('openbao_kms_grpc_requests_total{method="decrypt",status="key_id_unknown"}')).toBe(1);
      expect(s.get('openbao_kms_decrypt_key_id_errors_total{reason="key_id_unknown"}')).toBe(1);
      expect(s.get('openbao_kms_aad_validation_errors_total{reason="annotation_invalid"}')).toBe(1);
      expect(s.get('openbao_kms_rotation_state{state="active"}')).toBe(1);
      expect(s.get('openbao_kms_openbao_requests_total{operation="jwt_login",status="ok"}')).toBeGreaterThanOrEqual(1);
    } finally {
      await client.close();
      await provider.stop();
      files.cleanup();
    }
  });

  test("GET and HEAD only (405 otherwise), unknown paths 404, /live and /ready JSON on their own listener", async () => {
    const files = writeProviderFiles(emu);
    const provider = await startProvider(files);
    try {
      const { metrics, health } = await listenerUrls(provider);
      expect(metrics).not.toBe(health);
      expect(metrics).toStartWith("http://127.0.0.1:");
      expect(health).toStartWith("http://127.0.0.1:");
      for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
        const r = await fetch(`${metrics}/metrics`, { method });
        expect([method, r.status, r.headers.get("allow")]).toEqual([method, 405, "GET, HEAD"]);
        expect((await fetch(`${health}/ready`, { method })).status).toBe(405);
      }
      const head = await fetch(`${metrics}/metrics`, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe("");
      expect((await fetch(`${metrics}/ready`)).status).toBe(404);
      expect((await fetch(`${health}/metrics`)).status).toBe(404);
      const live = await fetch(`${health}/live`);
      expect([live.status, live.headers.get("content-type"), await live.json()]).toEqual([200, "application/json", { status: "ok" }]);
      const ready = await fetch(`${health}/ready`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ status: "ok", healthz: "ok", stale: false, reasons: [] });
      expect(typeof body.cache_age_ms).toBe("number");
    } finally {
      await provider.stop();
      files.cleanup();
    }
  });
});

describe("logs", () => {
  test("debug: the lifecycle and hot-path events at their levels, hashes only", async () => {
    const files = writeProviderFiles(emu, { logLevel: "debug" });
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    let rawKeyId = "";
    try {
      const enc = await client.encrypt(new Uint8Array(32).fill(11));
      rawKeyId = enc.key_id;
      expect((await client.decrypt(enc)).ok).toBe(true);
      expect((await client.decrypt({ ...enc, key_id: "obk2.short" })).ok).toBe(false);
      await waitForLine(provider, (l) => l.message === "kms.request" && l.level === "warn");
    } finally {
      await client.close();
      expect(await provider.stop()).toBe(0);
      files.cleanup();
    }
    const lines = jsonLines(provider.output);
    const levels = (event: string) => [...new Set(lines.filter((l) => l.message === event).map((l) => l.level))].sort();
    expect(levels("serve.start")).toEqual(["info"]);
    expect(levels("serve.ready")).toEqual(["info"]);
    expect(levels("serve.shutdown")).toEqual(["info"]);
    expect(levels("auth.login")).toEqual(["info"]);
    expect(levels("openbao.request")).toEqual(["debug"]);
    expect(levels("status.probe")).toEqual(["debug"]);
    expect(levels("kms.request")).toEqual(["debug", "warn"]);
    for (const l of lines) {
      expect(Object.keys(l).slice(0, 3)).toEqual(["ts", "level", "message"]);
      expect(Number.isNaN(Date.parse(l.ts as string))).toBe(false);
    }
    const ok = lines.find((l) => l.message === "kms.request" && l.method === "Decrypt" && l.grpc_code === 0)!;
    expect(ok.key_id_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ok.uid_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rawKeyId).toStartWith("obk2.");
    expect(provider.output.join("\n")).not.toContain(rawKeyId);
  });

  test("info: a successful call writes no line; format text is key=value for humans", async () => {
    const files = writeProviderFiles(emu, { logLevel: "info" });
    writeFileSync(files.configPath, readFileSync(files.configPath, "utf8").replace('format = "json"', 'format = "text"'));
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    try {
      const enc = await client.encrypt(new Uint8Array(32).fill(12));
      expect((await client.decrypt(enc)).ok).toBe(true);
    } finally {
      await client.close();
      expect(await provider.stop()).toBe(0);
      files.cleanup();
    }
    expect(jsonLines(provider.output)).toEqual([]);
    expect(provider.output.some((l) => /^\S+Z INFO  serve\.ready socket_path=\S+ /.test(l))).toBe(true);
    expect(provider.output.some((l) => l.includes("kms.request"))).toBe(false);
    expect(provider.output.some((l) => l.includes("openbao.request"))).toBe(false);
  });

  test.each([
    ["level", 'level = "debug"', 'level = "verbose"', "logging.level"],
    ["format", 'format = "json"', 'format = "xml"', "logging.format"],
  ])("an invalid logging %s is a config error (exit 3, names the key)", async (_what, from, to, key) => {
    const files = writeProviderFiles(emu);
    try {
      writeFileSync(files.configPath, readFileSync(files.configPath, "utf8").replace(from, to));
      const r = await runBinary(["serve", "--config", files.configPath]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(key);
      expect(existsSync(files.socketPath)).toBe(false);
    } finally {
      files.cleanup();
    }
  });
});
