// End to end on the compiled binary: the whole key lifecycle an operator runs, with a writer
// encrypting in a loop whenever a provider serves: start, rotate, promote, raise
// min_decryption_version while v1 is still retained (archived, not retired), retire v1 while it is
// archived, lower the minimum, restore v1. Zero Encrypts may fail, and Status is polled through
// every window where the archive could make it unhealthy. The socket is absent
// only while retire/restore --apply hold the state lock (by design: stop serve, apply, start).
// Uses the same emulator, config and helpers as the other e2e tests (and so whatever policy
// the emulator enforces for them).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { fastProbesToml, startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { PyKmsClient, type EncryptReply } from "../helpers/py-kms-client.ts";
import { runBinary } from "../helpers/run-binary.ts";

const fast = fastProbesToml();

let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider | undefined;
let client: PyKmsClient | undefined;

/** Every Encrypt the writer made, and every one that failed. */
const written: Array<{ plaintext: Uint8Array; reply: EncryptReply }> = [];
/** Failed Encrypts, with the drill step they happened in. */
const failedEncrypts: Array<{ code?: string; details?: string; phase: string }> = [];
let writer: Promise<void> | undefined;
let writing = false;
let seq = 0;
let phase = "start";

function keyIdOf(v: number): string {
  const created = emu.keyInfo("kubernetes")?.keys[String(v)];
  if (created === undefined) return "";
  return deriveKeyId(
    { providerName: "openbao-kms", clusterId: "e2e-cluster", openbaoInstanceId: "emulator-1", openbaoNamespace: "", transitMountId: emu.mountUuid("transit"), keyLineageId: "0123456789abcdef0123456789abcdef" },
    v,
    created,
  );
}

async function bao(method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${emu.url}/v1/${path}`, { method, headers: { "X-Vault-Token": emu.rootToken }, body: body === undefined ? undefined : JSON.stringify(body), tls: { ca: emu.caPem } });
  await res.arrayBuffer();
  return res.status;
}

async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

/** Starts serve and the writer once Status is healthy. */
async function up(): Promise<void> {
  provider = await startProvider(files);
  client = new PyKmsClient(files.socketPath);
  await until("healthy", async () => (await client!.status()).healthz === "ok");
  writing = true;
  const c = client;
  writer = (async () => {
    while (writing) {
      const plaintext = new Uint8Array(32);
      new DataView(plaintext.buffer).setUint32(0, ++seq);
      const r = await c.encrypt(plaintext);
      if (r.ok) written.push({ plaintext, reply: r });
      else failedEncrypts.push({ code: r.code, details: r.details, phase });
      await Bun.sleep(5);
    }
  })();
}

/** Stops the writer, then serve (graceful drain). */
async function down(): Promise<void> {
  writing = false;
  await writer;
  await client?.close();
  expect(await provider?.stop()).toBe(0);
  client = undefined;
  provider = undefined;
}

const cli = (...args: string[]) => runBinary([...args, "--config", files.configPath, "--output", "json"]);

/** Plans, then (serve stopped) applies a retire/restore with the reviewed hash, then serves again. */
async function applyWhileStopped(args: string[]): Promise<Record<string, any>> {
  const plan = await cli(...args);
  expect(plan.code).toBe(0);
  const hash = JSON.parse(plan.stdout).stateHash as string;
  await down();
  const applied = await cli(...args, "--apply", "--expected-state-hash", hash);
  expect(applied.code, applied.stderr).toBe(0);
  await up();
  return JSON.parse(applied.stdout);
}

/** Polls Status for `ms`: healthy every time, and at least `min` answers (many 100 ms probes). */
async function healthyThroughout(ms: number, min = 10): Promise<void> {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) {
    const s = await client!.status();
    expect(s.healthz, `Status answer ${n} in phase ${phase}`).toBe("ok");
    n++;
    await Bun.sleep(10);
  }
  expect(n).toBeGreaterThanOrEqual(min);
}

const decryptCode = async (reply: EncryptReply) => {
  const r = await client!.decrypt(reply);
  return r.ok ? "OK" : (r.code as string);
};

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: fast, logLevel: "info" });
}, 20_000);

afterAll(async () => {
  writing = false;
  await writer;
  await client?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
});

test("start, rotate, promote, raise min_decryption_version over a retained v1, retire it while archived, lower it, restore: zero failed Encrypts", async () => {
  // start
  await up();
  await until("writes under v1", async () => written.length >= 5);
  const v1 = written.at(-1)!.reply;
  expect(v1.key_id).toBe(keyIdOf(1));

  phase = "rotate";
  // rotate (as an operator, over HTTP) and promote (observed by the provider)
  expect(await bao("POST", "transit/keys/kubernetes/rotate")).toBe(200);
  await until("promotion to v2", async () => (await client!.status()).key_id === keyIdOf(2));
  const promotedAt = written.length;
  await until("writes under v2", async () => written.length >= promotedAt + 5);
  expect(written.at(-1)!.reply.key_id).toBe(keyIdOf(2));
  expect(await decryptCode(v1)).toBe("OK");

  phase = "raise";
  // raise min_decryption_version while v1 is still retained (retired, decryptable in the
  // registry): Transit archives it. Status must stay healthy through many probes; v1's Decrypt
  // fails with the archive's code until the minimum is lowered.
  expect(await bao("POST", "transit/keys/kubernetes/config", { min_decryption_version: 2 })).toBe(200);
  await healthyThroughout(1500);
  expect(await decryptCode(v1)).toBe("FAILED_PRECONDITION");
  const plan = await cli("rotation-plan");
  expect(JSON.parse(plan.stdout)).toMatchObject({ archivedVersions: [1], decryptableVersions: expect.arrayContaining([1, 2]) });

  phase = "retire";
  // retire the archived v1 from this node's registry (the advice rotation-plan gives)
  const retired = await applyWhileStopped(["retire-versions", "--before-version", "2", "--skip-object-check"]);
  expect(retired).toMatchObject({ applied: true, removedVersions: [expect.objectContaining({ transitVersion: 1, transit: "archived" })] });
  expect(await decryptCode(v1)).toBe("NOT_FOUND");
  await healthyThroughout(500, 5);
  // restore is refused while Transit archives v1, with the command that brings it back
  const refused = await runBinary(["restore-versions", "--versions", "1", "--config", files.configPath]);
  expect(refused.code).toBe(4);
  expect(refused.stderr).toContain("min_decryption_version=1");

  phase = "lower";
  // lower it again: Status stays healthy through the probes that see v1 listed again
  expect(await bao("POST", "transit/keys/kubernetes/config", { min_decryption_version: 1 })).toBe(200);
  await healthyThroughout(1000);

  phase = "restore";
  // restore v1
  const restored = await applyWhileStopped(["restore-versions", "--versions", "1"]);
  expect(restored).toMatchObject({ applied: true, restoredVersions: [expect.objectContaining({ transitVersion: 1 })] });
  expect(await decryptCode(v1)).toBe("OK");
  const last = written.length;
  await until("more writes", async () => written.length >= last + 5);

  await down();
  expect(failedEncrypts).toEqual([]);
  expect(written.length).toBeGreaterThan(20);
  expect(new Set(written.map((w) => w.reply.key_id))).toEqual(new Set([keyIdOf(1), keyIdOf(2)]));

  // Every ciphertext ever written still decrypts to its plaintext.
  await up();
  writing = false;
  await writer;
  for (const w of written) {
    const r = await client!.decrypt(w.reply);
    expect(r.ok).toBe(true);
    expect(Buffer.from(r.plaintext, "base64").equals(Buffer.from(w.plaintext))).toBe(true);
  }
  console.log(`lifecycle drill: ${written.length} Encrypts, ${failedEncrypts.length} failed, all decrypted`);
}, 90_000);
