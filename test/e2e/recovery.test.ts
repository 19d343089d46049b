// Recovery in seconds, on the compiled binary: OpenBao unreachable (every connection dropped)
// for 8 s, then back; Status and Encrypt are healthy again within 2 probe intervals. Three
// faults in a row never add their breaker windows together.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { createKmsClient, type KmsClient } from "../../src/kms/grpc/client.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";

const probeIntervalMs = 1000;
let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider;
let kms: KmsClient;

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: `[status]\nprobe_interval = "${probeIntervalMs}ms"\ndeep_probe_interval = "5m"\nmax_staleness = "3s"\n` });
  provider = await startProvider(files);
  kms = createKmsClient(files.socketPath);
}, 20_000);

afterAll(async () => {
  kms?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
});

/** Encrypt and Status every 50 ms while `during` runs; returns the outage windows (ms) of each, relative to t0. */
async function sample(during: (t0: number) => Promise<void>) {
  const t0 = performance.now();
  const seen: Array<{ at: number; encrypt: boolean; status: boolean }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = performance.now() - t0;
      const deadline = new Date(Date.now() + 1000);
      const [e, s] = await Promise.all([
        kms.encrypt(new Uint8Array(32).fill(7), "recovery", deadline).then(() => true, () => false),
        kms.status(deadline).then((r) => r.healthz === "ok", () => false),
      ]);
      seen.push({ at, encrypt: e, status: s });
      await Bun.sleep(50);
    }
  })();
  await during(t0);
  running = false;
  await loop;
  return seen;
}

const lastFailure = (seen: ReadonlyArray<{ at: number; encrypt: boolean; status: boolean }>, key: "encrypt" | "status") => Math.max(0, ...seen.filter((s) => !s[key]).map((s) => s.at));
const outageMs = (seen: ReadonlyArray<{ at: number; encrypt: boolean }>) => {
  let total = 0;
  for (let i = 1; i < seen.length; i++) if (!(seen[i - 1] as { encrypt: boolean }).encrypt) total += (seen[i] as { at: number }).at - (seen[i - 1] as { at: number }).at;
  return total;
};

test("OpenBao down for 8 s, then back: Status and Encrypt healthy within 2 probe intervals", async () => {
  let backAt = 0;
  const seen = await sample(async (t0) => {
    await Bun.sleep(500);
    emu.dropConnections(true);
    await Bun.sleep(8000);
    emu.dropConnections(false);
    backAt = performance.now() - t0;
    await Bun.sleep(4 * probeIntervalMs);
  });
  expect(seen.some((s) => !s.status)).toBe(true); // the outage was seen
  const statusBack = lastFailure(seen, "status") - backAt;
  const encryptBack = lastFailure(seen, "encrypt") - backAt;
  console.log(`recovery after 8 s down: Status ${Math.round(statusBack)} ms, Encrypt ${Math.round(encryptBack)} ms after OpenBao answered (probe interval ${probeIntervalMs} ms)`);
  expect(statusBack).toBeLessThanOrEqual(2 * probeIntervalMs);
  expect(encryptBack).toBeLessThanOrEqual(2 * probeIntervalMs);
}, 30_000);

test("three 3 s faults 10 s apart: total Encrypt outage ≤ the faults plus 2 probe intervals each", async () => {
  const faultMs = 3000;
  const seen = await sample(async () => {
    for (let i = 0; i < 3; i++) {
      emu.dropConnections(true);
      await Bun.sleep(faultMs);
      emu.dropConnections(false);
      await Bun.sleep(7000);
    }
  });
  const total = outageMs(seen);
  console.log(`three ${faultMs} ms faults: Encrypt down ${Math.round(total)} ms in total (bound ${3 * (faultMs + 2 * probeIntervalMs)} ms)`);
  expect(total).toBeLessThanOrEqual(3 * (faultMs + 2 * probeIntervalMs));
}, 50_000);
