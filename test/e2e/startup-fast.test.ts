// Start-up that fails fast and says why (compiled binary against the emulator):
// - a failure no wait can heal (credential file mode, TLS name mismatch) ends start-up at once,
//   even with bootstrap.grace_timeout = 60s, with a message naming the path and the mode;
// - a transient one is retried, and every retry line carries a class and the cause with its path;
// - SIGTERM/SIGINT at any moment of start-up (10 ms, 100 ms, 5 s in bootstrap retries) ends the
//   process within 1 s, always the same way: killed by that signal (status 143 / 130);
// - wrong CA and wrong server name get different messages.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync } from "node:fs";
import { makeCa } from "../support/tls.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { captureProviderLines, findLeaks } from "../helpers/log-capture.ts";
import { ensureBinary, writeProviderFiles } from "../helpers/provider.ts";
import { jsonLines } from "../helpers/run-binary.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  emu?.clearFaults();
  await emu?.stop();
});

const note = (what: string, value: string) => console.log(`[measured] ${what}: ${value}`);
const bootstrap60s = `\n[bootstrap]\ngrace_timeout = "60s"\nretry_interval = "200ms"\n`;

interface Ended {
  code: number | null;
  signal: string | null;
  ms: number;
  stderr: string;
  lines: string[];
}

/** Starts serve; `kill` (if given) sends that signal `atMs` after spawn; waits for the end (bounded). */
async function runServe(configPath: string, o: { kill?: { signal: "SIGTERM" | "SIGINT"; atMs: number }; waitMs?: number } = {}): Promise<Ended & { afterSignalMs?: number }> {
  const t0 = performance.now();
  const p = Bun.spawn([ensureBinary(), "serve", "--config", configPath], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
  const stderr = new Response(p.stderr).text();
  let sentAt: number | undefined;
  if (o.kill !== undefined) {
    const wait = o.kill.atMs - (performance.now() - t0);
    if (wait > 0) await Bun.sleep(wait);
    sentAt = performance.now();
    p.kill(o.kill.signal);
  }
  const guard = setTimeout(() => p.kill("SIGKILL"), o.waitMs ?? 20_000);
  await p.exited;
  clearTimeout(guard);
  const end = performance.now();
  const text = await stderr;
  const lines = text.split("\n").filter(Boolean);
  captureProviderLines(lines);
  return { code: p.exitCode, signal: p.signalCode === null ? null : String(p.signalCode), ms: end - t0, stderr: text, lines, ...(sentAt === undefined ? {} : { afterSignalMs: end - sentAt }) };
}

describe("permanent errors end start-up at once", () => {
  test("JWT file mode 0666 with grace_timeout 60s → exit 5 within 1 s, naming the path and the mode", async () => {
    const files = writeProviderFiles(emu, { extraToml: bootstrap60s });
    try {
      chmodSync(files.jwtFile, 0o666);
      const r = await runServe(files.configPath);
      note("JWT file 0666, grace_timeout 60s → exit", `${r.ms.toFixed(0)} ms`);
      expect(r.code).toBe(5);
      expect(r.ms).toBeLessThan(1000);
      expect(r.stderr).toContain(`JWT file ${files.jwtFile} has mode 0666`);
      expect(r.stderr).not.toContain("start-up did not succeed within");
      expect(jsonLines(r.lines).filter((l) => l.message === "serve.bootstrap" && l.outcome === "retrying")).toEqual([]);
      expect(existsSync(files.socketPath)).toBe(false);
      expect(findLeaks(r.lines)).toEqual([]);
    } finally {
      files.cleanup();
    }
  });

  test("TLS server name mismatch → exit 5 at once, told apart from a wrong CA", async () => {
    const files = writeProviderFiles(emu, { extraToml: bootstrap60s, tlsServerName: "not-openbao.test" });
    try {
      const r = await runServe(files.configPath);
      expect(r.code).toBe(5);
      expect(r.ms).toBeLessThan(1500);
      expect(r.stderr).toContain("does not carry the name not-openbao.test");
      expect(r.stderr).not.toContain("not signed by the CA");
    } finally {
      files.cleanup();
    }
  });

  test("wrong CA → retried (OpenBao's certificate may be being replaced), and the message says the CA did not sign it", async () => {
    const files = writeProviderFiles(emu, { extraToml: `\n[bootstrap]\ngrace_timeout = "600ms"\nretry_interval = "200ms"\n` });
    try {
      const other = makeCa(files.dir, "other");
      const { readFileSync, writeFileSync } = await import("node:fs");
      writeFileSync(files.configPath, readFileSync(files.configPath, "utf8").replace(emu.caFile, other.caFile));
      const r = await runServe(files.configPath);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain("start-up did not succeed within 0.6s");
      expect(r.stderr).toContain(`is not signed by the CA in openbao.ca_cert_file (${other.caFile})`);
      const retries = jsonLines(r.lines).filter((l) => l.message === "serve.bootstrap" && l.outcome === "retrying");
      expect(retries.length).toBeGreaterThan(0);
      for (const l of retries) expect(l.error_class).toBe("tls_untrusted");
    } finally {
      files.cleanup();
    }
  });
});

test("transient errors: every retry line carries a class and the cause with its path (never 'unknown' or upsert_check_failed)", async () => {
  const files = writeProviderFiles(emu, { extraToml: `\n[bootstrap]\ngrace_timeout = "700ms"\nretry_interval = "200ms"\n` });
  try {
    const { rmSync } = await import("node:fs");
    rmSync(files.jwtFile);
    const r = await runServe(files.configPath);
    expect(r.code).toBe(5);
    const retries = jsonLines(r.lines).filter((l) => l.message === "serve.bootstrap" && l.outcome === "retrying");
    expect(retries.length).toBeGreaterThanOrEqual(2);
    for (const l of retries) {
      expect(l.error_class).toBe("credential_file_unreadable");
      expect(String(l.reason)).toContain(`JWT file ${files.jwtFile} cannot be read (ENOENT)`);
    }
    expect(r.stderr).not.toContain("upsert_check_failed");
    expect(r.stderr).not.toContain('"error_class":"unknown"');
  } finally {
    files.cleanup();
  }
});

describe("a signal at any moment of start-up ends the process within 1 s, killed by that signal", () => {
  test.each([
    ["SIGTERM", 10],
    ["SIGTERM", 100],
    ["SIGTERM", 5000],
    ["SIGINT", 100],
    ["SIGINT", 5000],
  ] as const)("%s at %i ms", async (signal, atMs) => {
    // OpenBao refuses every login, so start-up is still in its bootstrap retries at 5 s.
    const files = writeProviderFiles(emu, { extraToml: bootstrap60s, auth: (jwtFile) => `[auth]\nmethod = "jwt"\n\n[auth.jwt]\nsource = "file"\nmount_path = "${emu.jwtMount}"\nrole = "no-such-role"\njwt_file = "${jwtFile}"\n` });
    try {
      const r = await runServe(files.configPath, { kill: { signal, atMs } });
      note(`${signal} at ${atMs} ms after spawn → process gone`, `${r.afterSignalMs?.toFixed(0)} ms later`);
      expect(r.afterSignalMs).toBeLessThan(1000);
      expect({ code: r.code, signal: r.signal }).toEqual({ code: null, signal });
      expect(existsSync(files.socketPath)).toBe(false);
      if (atMs >= 5000) {
        const j = jsonLines(r.lines);
        expect(j.some((l) => l.message === "serve.bootstrap" && l.outcome === "retrying")).toBe(true);
        expect(j.filter((l) => l.message === "serve.shutdown").map((l) => [l.signal, l.outcome])).toEqual([[signal, "startup_aborted"]]);
      }
    } finally {
      files.cleanup();
    }
  }, 20_000);
});
