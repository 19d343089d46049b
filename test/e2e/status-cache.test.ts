// End to end on the binary: Status follows the background probes. It turns unhealthy when a
// probe fails (Encrypt is then refused) and recovers by itself; Decrypt ignores health.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { listenerUrls, startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { PyKmsClient, type EncryptReply } from "../helpers/py-kms-client.ts";
import { runBinary } from "../helpers/run-binary.ts";

const fastProbes = `
[status]
probe_interval = "100ms"
deep_probe_interval = "300ms"
max_staleness = "1s"
`;

let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider;
let client: PyKmsClient;
let enc: EncryptReply;

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: fastProbes });
  provider = await startProvider(files);
  client = new PyKmsClient(files.socketPath);
  enc = await client.encrypt(new Uint8Array(32).fill(9));
  expect(enc.ok).toBe(true);
});

afterAll(async () => {
  emu?.clearFaults();
  await client?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
});

/** /ready on the provider's health listener: status code and JSON body. */
async function ready(): Promise<{ status: number; body: { status: string; healthz: string; stale: boolean; reasons: string[]; cache_age_ms: number | null } }> {
  const { health } = await listenerUrls(provider);
  const r = await fetch(`${health}/ready`);
  return { status: r.status, body: (await r.json()) as never };
}

const live = async () => (await fetch(`${(await listenerUrls(provider)).health}/live`)).status;

async function until(pred: () => Promise<boolean>, timeoutMs = 3000): Promise<number> {
  const t0 = performance.now();
  while (!(await pred())) {
    if (performance.now() - t0 > timeoutMs) throw new Error("condition not reached in time");
    await Bun.sleep(20);
  }
  return performance.now() - t0;
}

test.each([
  ["metadata reads denied", () => emu.deny("/v1/transit/keys/"), () => emu.allow("/v1/transit/keys/")],
  ["upsert allowed on the mount", () => emu.setDisableUpsert(false), () => emu.setDisableUpsert(true)],
  ["deep probe fails (encrypt denied)", () => emu.deny("/v1/transit/encrypt/"), () => emu.allow("/v1/transit/encrypt/")],
])("%s → Status unhealthy, Encrypt refused, Decrypt still works; then it recovers", async (_name, breakIt, fixIt) => {
  expect((await client.status()).healthz).toBe("ok");
  expect(await ready()).toMatchObject({ status: 200, body: { status: "ok", healthz: "ok", stale: false, reasons: [] } });
  breakIt();
  try {
    await until(async () => (await client.status()).healthz !== "ok");
    // /ready follows the same cache: 503 with a reason; /live does not depend on OpenBao.
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.status).toBe("unavailable");
    expect(down.body.reasons.length).toBeGreaterThan(0);
    expect(await live()).toBe(200);
    expect(await client.status()).toMatchObject({ ok: true, version: "v2", healthz: "unhealthy", key_id: "" });
    expect(await client.encrypt(new Uint8Array(32))).toMatchObject({ ok: false, code: "FAILED_PRECONDITION", details: "status unhealthy" });
    const dec = await client.decrypt(enc);
    expect(dec.ok).toBe(true);
  } finally {
    fixIt();
  }
  await until(async () => (await client.status()).healthz === "ok");
  await until(async () => (await ready()).status === 200);
  expect((await client.encrypt(new Uint8Array(32))).ok).toBe(true);
});

test("a provider whose probes stop answering goes stale after max_staleness", async () => {
  expect((await client.status()).healthz).toBe("ok");
  emu.hang(true, "/v1/transit/config/keys");
  try {
    const took = await until(async () => (await client.status()).healthz !== "ok", 5000);
    expect(took).toBeGreaterThan(500);
    const stale = await ready();
    expect(stale).toMatchObject({ status: 503, body: { stale: true } });
    expect(stale.body.reasons).toContain("status_stale");
    expect(stale.body.cache_age_ms!).toBeGreaterThan(1000);
    expect(await live()).toBe(200);
  } finally {
    emu.hang(false, "/v1/transit/config/keys");
  }
  await until(async () => (await client.status()).healthz === "ok", 5000);
});

test("start-up fails closed (exit 5, no socket) when the mount allows key upsert", async () => {
  const bad = writeProviderFiles(emu, { extraToml: '[bootstrap]\ngrace_timeout = "0s"\n' });
  emu.setDisableUpsert(false); // after the operator setup writeProviderFiles applies (disable_upsert=true)
  try {
    const { stderr, code } = await runBinary(["serve", "--config", bad.configPath]);
    expect(code).toBe(5);
    expect(stderr).toContain("allows key upsert");
    expect(await Bun.file(bad.socketPath).exists()).toBe(false);
  } finally {
    emu.setDisableUpsert(true);
    bad.cleanup();
  }
});
