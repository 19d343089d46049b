// The state directory full during a rotation, on the compiled binary (state.path on a small
// tmpfs, filled to ENOSPC): Encrypt keeps succeeding with the saved active key, the log names
// ENOSPC and the path, /ready stays 200 with persistence_degraded, and the promotion completes
// once space returns. Fail closed only where it protects something.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createKmsClient, type KmsClient } from "../../src/kms/grpc/client.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { fillDisk, mountTmpfs } from "../support/tmpfs.ts";
import { jsonLines, runBinary } from "../helpers/run-binary.ts";
import { listenerUrls, startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";

let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider;
let kms: KmsClient;
const stateDir = `/tmp/bkp-disk-full-${process.pid}`;
const deadline = () => new Date(Date.now() + 3000);

beforeAll(async () => {
  mountTmpfs(stateDir);
  emu = await startEmulator();
  files = writeProviderFiles(emu, {
    statePath: join(stateDir, "key-registry.json"),
    extraToml: `[status]\nprobe_interval = "200ms"\ndeep_probe_interval = "1s"\nmax_staleness = "3s"\n\n[rotation]\nactivation_delay = "300ms"\nrequire_stable_observation_count = 1\n`,
  });
  provider = await startProvider(files);
  kms = createKmsClient(files.socketPath);
}, 20_000);

afterAll(async () => {
  kms?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
  Bun.spawnSync(["umount", stateDir]);
  rmSync(stateDir, { recursive: true, force: true });
});

test("full disk during a rotation: Encrypt keeps working with v1, ENOSPC and the path are logged, the promotion completes once space returns", async () => {
  const keyId = (v: number) => deriveKeyId({ providerName: "openbao-kms", clusterId: "e2e-cluster", openbaoInstanceId: "emulator-1", openbaoNamespace: "", transitMountId: emu.mountUuid("transit"), keyLineageId: "0123456789abcdef0123456789abcdef" }, v, emu.keyInfo("kubernetes")?.keys[String(v)] as number);
  fillDisk(stateDir);
  emu.rotateKey("kubernetes");
  // Several probes try to save the promotion and fail; Encrypt and Status carry on with v1.
  const until = performance.now() + 3000;
  let encrypts = 0;
  while (performance.now() < until) {
    const r = await kms.encrypt(new Uint8Array(32).fill(1), `e${encrypts}`, deadline());
    expect(r.keyId).toBe(keyId(1));
    expect((await kms.status(deadline())).healthz).toBe("ok");
    encrypts++;
    await Bun.sleep(50);
  }
  const degraded = jsonLines(provider.output).find((l) => l.reason === "state_save_failed");
  expect(degraded).toMatchObject({ level: "warn", status: "degraded", errno: "ENOSPC", state_path: files.statePath });
  const { health } = await listenerUrls(provider);
  const ready = await fetch(`${health}/ready`).then(async (r) => ({ status: r.status, body: await r.json() }));
  expect(ready).toMatchObject({ status: 200, body: { persistence_degraded: true } });
  // doctor says so too.
  const doctor = await runBinary(["doctor", "--output", "json", "--config", files.configPath]);
  const registryCheck = JSON.parse(doctor.stdout).checks.find((c: { id: string }) => c.id === "state.registry");
  expect(registryCheck.status).toBe("warn");
  expect(registryCheck.message).toContain(`the state directory ${stateDir} is nearly full`);
  // Space returns: the next probe saves the promotion.
  for (const f of readdirSync(stateDir)) if (f.startsWith("filler-")) rmSync(join(stateDir, f));
  const promoted = performance.now() + 5000;
  while ((await kms.status(deadline())).keyId !== keyId(2)) {
    if (performance.now() > promoted) throw new Error("no promotion after space returned");
    await Bun.sleep(50);
  }
  expect((await kms.encrypt(new Uint8Array(32).fill(2), "after", deadline())).keyId).toBe(keyId(2));
}, 30_000);
