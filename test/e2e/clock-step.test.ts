// Wall-clock steps in a running provider, on the compiled binary under libfaketime: the wall
// clock is stepped +1 h and −1 h while the monotonic clock runs on (FAKETIME_DONT_FAKE_MONOTONIC),
// as NTP or an operator would step it. Neither step makes Status stale or changes the activation
// delay of a pending version (docs/decisions/clock.md). The provider starts 2 h ahead, so both
// steps stay inside the emulator's certificate and JWT validity.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { createKmsClient, type KmsClient } from "../../src/kms/grpc/client.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";

const libfaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
const activationDelayMs = 3000;

let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider;
let kms: KmsClient;
let spec: string;

const setOffset = (offset: string) => writeFileSync(spec, `${offset}\n`);
const deadline = () => new Date(Date.now() + 3000);
const keyIdOf = (v: number) =>
  deriveKeyId({ providerName: "openbao-kms", clusterId: "e2e-cluster", openbaoInstanceId: "emulator-1", openbaoNamespace: "", transitMountId: emu.mountUuid("transit"), keyLineageId: "0123456789abcdef0123456789abcdef" }, v, emu.keyInfo("kubernetes")?.keys[String(v)] as number);

/** Polls Status every 50 ms for `ms`; returns every (healthz, key_id) seen. */
async function watch(ms: number): Promise<Array<{ healthz: string; keyId: string; at: number }>> {
  const seen: Array<{ healthz: string; keyId: string; at: number }> = [];
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const s = await kms.status(deadline());
    seen.push({ healthz: s.healthz, keyId: s.keyId, at: performance.now() - t0 });
    await Bun.sleep(50);
  }
  return seen;
}

/** Rotates the key and waits until the provider has recorded the new version as stable (2 observations). */
async function rotateUntilStable(): Promise<void> {
  emu.rotateKey("kubernetes");
  // Two probes at 100 ms make it stable; 400 ms leaves room for a slow probe.
  await Bun.sleep(400);
}

beforeAll(async () => {
  expect(existsSync(libfaketime)).toBe(true);
  emu = await startEmulator();
  files = writeProviderFiles(emu, {
    extraToml: `[status]\nprobe_interval = "100ms"\ndeep_probe_interval = "1s"\nmax_staleness = "2s"\n\n[rotation]\nactivation_delay = "${activationDelayMs}ms"\nrequire_stable_observation_count = 2\n`,
  });
  // A JWT valid across the steps (the provider checks exp against its own, stepped, wall clock).
  writeFileSync(files.jwtFile, `${emu.mintJwt({}, { ttlSeconds: 6 * 3600 })}\n`, { mode: 0o600 });
  spec = `${files.dir}/faketime.spec`;
  setOffset("+2h");
  provider = await startProvider(files, {
    env: { LD_PRELOAD: libfaketime, FAKETIME_TIMESTAMP_FILE: spec, FAKETIME_NO_CACHE: "1", FAKETIME_DONT_FAKE_MONOTONIC: "1" },
  });
  kms = createKmsClient(files.socketPath);
  const until = performance.now() + 5000;
  while ((await kms.status(deadline())).healthz !== "ok") {
    if (performance.now() > until) throw new Error("provider not healthy");
    await Bun.sleep(20);
  }
}, 30_000);

afterAll(async () => {
  kms?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
});

test("+1 h: Status stays fresh, and the pending version is promoted after the full delay, not at once", async () => {
  await rotateUntilStable();
  setOffset("+3h");
  const seen = await watch(activationDelayMs + 2500);
  expect(seen.every((s) => s.healthz === "ok")).toBe(true);
  const firstV2 = seen.find((s) => s.keyId === keyIdOf(2));
  expect(firstV2).toBeDefined();
  // Stable about 0.2–0.4 s before the step: the promotion comes no earlier than ~2.5 s after it.
  expect(firstV2?.at ?? 0).toBeGreaterThan(activationDelayMs - 600);
}, 20_000);

test("−1 h: Status stays fresh, and the pending version is promoted after the delay, not an hour later", async () => {
  await rotateUntilStable();
  setOffset("+2h");
  const seen = await watch(activationDelayMs + 2500);
  expect(seen.every((s) => s.healthz === "ok")).toBe(true);
  const firstV3 = seen.find((s) => s.keyId === keyIdOf(3));
  expect(firstV3).toBeDefined();
  expect(firstV3?.at ?? 0).toBeGreaterThan(activationDelayMs - 600);
  expect(firstV3?.at ?? Infinity).toBeLessThan(activationDelayMs + 2000);
}, 20_000);
