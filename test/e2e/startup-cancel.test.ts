// SIGTERM during bootstrap, on the compiled binary: with OpenBao unreachable and a 60 s grace
// period, `serve` ends by the signal within a second, never creates its socket, and releases
// the state lock (a second provider can take it at once).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { ensureBinary, writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";
import { captureProviderLines } from "../helpers/log-capture.ts";

let emu: Emulator;
let files: ProviderFiles;

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: '[bootstrap]\ngrace_timeout = "60s"\nretry_interval = "1s"\n', logLevel: "info" });
  // OpenBao unreachable: the same config, pointed at a closed port.
  const text = readFileSync(files.configPath, "utf8");
  const pointed = text.replace(/^address = "https:\/\/[^"]+"$/m, 'address = "https://127.0.0.1:1"');
  expect(pointed).not.toBe(text);
  writeFileSync(files.configPath, pointed);
});
afterAll(async () => {
  files?.cleanup();
  await emu?.stop();
});

async function startAndSignal(signal: "SIGTERM" | "SIGINT") {
  const proc = Bun.spawn([ensureBinary(), "serve", "--config", files.configPath], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
  const lines: string[] = [];
  // Wait until bootstrap is retrying (the first attempt failed), then signal.
  const reader = (async () => {
    const text = await new Response(proc.stdout).text();
    lines.push(...text.split("\n").filter((l) => l !== ""));
  })();
  const stderr = new Response(proc.stderr).text();
  const until = performance.now() + 15_000;
  let retrying = false;
  while (!retrying && performance.now() < until && proc.exitCode === null) {
    await Bun.sleep(50);
    retrying = existsSync(`${files.statePath}.lock`) && performance.now() > 0;
    if (retrying) await Bun.sleep(1300); // past the first failed attempt and into a retry wait
  }
  expect(proc.exitCode).toBeNull();
  const t0 = performance.now();
  proc.kill(signal);
  await proc.exited;
  const ms = performance.now() - t0;
  await reader;
  lines.push(...(await stderr).split("\n").filter((l) => l !== ""));
  captureProviderLines(lines);
  return { ms, signalCode: proc.signalCode, exitCode: proc.exitCode, lines };
}

test("SIGTERM during bootstrap retries: ends by SIGTERM within 1 s, no socket, lock released", async () => {
  const r = await startAndSignal("SIGTERM");
  expect(r.signalCode).toBe("SIGTERM");
  expect(r.ms).toBeLessThan(1000);
  expect(existsSync(files.socketPath)).toBe(false);
  expect(r.lines.some((l) => l.includes('"outcome":"retrying"'))).toBe(true);
  expect(r.lines.some((l) => l.includes('"outcome":"startup_aborted"'))).toBe(true);
  // The lock is free: a second start gets past it (and fails later only because OpenBao is down).
  const again = await startAndSignal("SIGINT");
  expect(again.signalCode).toBe("SIGINT");
  expect(again.ms).toBeLessThan(1000);
}, 40_000);
