// End to end on the compiled binary: raising Transit min_decryption_version while v1 is still
// retained. OpenBao then stops listing v1 (it is archived). Status must stay healthy and Encrypt
// keep working; Decrypt of v1 fails with the fixed message naming min_decryption_version (told
// apart from tampering in the log and metrics); lowering the minimum brings v1 back with no
// restart. An archived *active* version and a soft-deleted key still fail closed.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { fastProbesToml, listenerUrls, startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { PyKmsClient, type EncryptReply } from "../helpers/py-kms-client.ts";
import { runBinary } from "../helpers/run-binary.ts";

const fast = fastProbesToml();
const archivedMessage = "key version is archived by Transit min_decryption_version";

let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider;
let client: PyKmsClient;
let urls: { metrics: string; health: string };
const byVersion = new Map<number, EncryptReply>();

function keyIdOf(v: number): string {
  const created = emu.keyInfo("kubernetes")?.keys[String(v)];
  if (created === undefined) return "";
  return deriveKeyId(
    { providerName: "openbao-kms", clusterId: "e2e-cluster", openbaoInstanceId: "emulator-1", openbaoNamespace: "", transitMountId: emu.mountUuid("transit"), keyLineageId: "0123456789abcdef0123456789abcdef" },
    v,
    created,
  );
}

/** What an operator does, over OpenBao's HTTP API with an admin token. */
async function bao(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${emu.url}/v1/${path}`, {
    method,
    headers: { "X-Vault-Token": emu.rootToken },
    body: body === undefined ? undefined : JSON.stringify(body),
    tls: { ca: emu.caPem },
  });
  const text = await res.text();
  return { status: res.status, json: text === "" ? undefined : JSON.parse(text) };
}
const setMinDecryption = async (v: number) => expect((await bao("POST", "transit/keys/kubernetes/config", { min_decryption_version: v })).status).toBe(200);

async function metric(name: string): Promise<number | undefined> {
  const text = await (await fetch(`${urls.metrics}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
}
const ready = async () => (await fetch(`${urls.health}/ready`)).json() as Promise<{ status: string; reasons: string[] }>;

async function until(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}
const decryptResult = async (v: number) => {
  const r = await client.decrypt(byVersion.get(v)!);
  return r.ok ? "OK" : `${r.code} ${r.details}`;
};
const logEvents = (message: string) => provider.output.filter((l) => l.includes(`"${message}"`)).map((l) => JSON.parse(l) as Record<string, unknown>);

/** A fresh emulator and provider with v1 and v2 ciphertext, v2 active: each describe starts from here. */
async function setUp(): Promise<void> {
  byVersion.clear();
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: fast, logLevel: "info" });
  provider = await startProvider(files);
  client = new PyKmsClient(files.socketPath);
  urls = await listenerUrls(provider);
  await until("healthy", async () => (await client.status()).healthz === "ok");
  byVersion.set(1, await client.encrypt(new Uint8Array(24).fill(1)));
  emu.rotateKey("kubernetes");
  await until("promotion to v2", async () => (await client.status()).key_id === keyIdOf(2), 10_000);
  byVersion.set(2, await client.encrypt(new Uint8Array(24).fill(2)));
}

async function tearDown(): Promise<void> {
  await client?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
}

describe("min_decryption_version raised while v1 is retained", () => {
  beforeAll(setUp, 30_000);
  afterAll(tearDown);

  test("Status stays healthy and Encrypt works; v1 Decrypt fails naming min_decryption_version; gauge, warning, /ready", async () => {
    await setMinDecryption(2);
    // OpenBao no longer lists v1 (the emulator follows keysutil's archive).
    expect(Object.keys((await bao("GET", "transit/keys/kubernetes")).json.data.keys)).toEqual(["2"]);
    // Many metadata probes (100 ms) pass: Status must never turn unhealthy, Encrypt never fail.
    const until = performance.now() + 1200;
    let statuses = 0;
    while (performance.now() < until) {
      const s = await client.status();
      expect(s).toMatchObject({ healthz: "ok", key_id: keyIdOf(2) });
      const e = await client.encrypt(new Uint8Array(16).fill(7));
      expect(e.ok).toBe(true);
      expect(e.key_id).toBe(keyIdOf(2));
      statuses++;
    }
    expect(statuses).toBeGreaterThan(5);
    expect(await decryptResult(1)).toBe(`FAILED_PRECONDITION ${archivedMessage}`);
    expect(await decryptResult(2)).toBe("OK");
    expect(await metric("openbao_kms_key_versions_archived")).toBe(1);
    expect(await ready()).toMatchObject({ status: "ok", reasons: [] });
    const warned = logEvents("key.versions_archived");
    expect(warned).toEqual([expect.objectContaining({ level: "warn", outcome: "archived", archived_versions: "1", min_decryption_version: 2 })]);
  }, 15_000);

  test("the log and metrics tell an archived version apart from tampered ciphertext", async () => {
    const good = byVersion.get(2)!;
    const body = Buffer.from(good.ciphertext, "base64").toString("utf8");
    const raw = Buffer.from(body.slice("vault:v2:".length), "base64");
    raw[20] = raw[20]! ^ 1;
    const tampered = Buffer.from(`vault:v2:${raw.toString("base64")}`).toString("base64");
    const bad = await client.decrypt({ ...good, ciphertext: tampered });
    expect(bad).toMatchObject({ ok: false, code: "INVALID_ARGUMENT" });
    const classes = () => logEvents("kms.request").filter((l) => l.method === "Decrypt" && l.error_class !== undefined).map((l) => l.error_class);
    await until("both log lines", async () => classes().includes("aad_mismatch"));
    expect(classes()).toContain("key_version_archived");
    const text = await (await fetch(`${urls.metrics}/metrics`)).text();
    expect(text).toMatch(/openbao_kms_grpc_requests_total\{method="decrypt",status="key_version_archived"\} [1-9]/);
    expect(text).toMatch(/openbao_kms_grpc_requests_total\{method="decrypt",status="aad_mismatch"\} [1-9]/);
  });

  test("rotation-plan and doctor report the archived version and how to bring it back", async () => {
    const plan = await runBinary(["rotation-plan", "--config", files.configPath, "--output", "json"]);
    expect(plan.code).toBe(0);
    const v = JSON.parse(plan.stdout);
    expect(v).toMatchObject({ rotationState: "stable", archivedVersions: [1], decryptableVersions: expect.arrayContaining([1, 2]) });
    expect(v.archivedAdvice).toContain("min_decryption_version=1");
    expect(v.archivedAdvice).toContain("retire-versions --before-version 2");
    const doctor = await runBinary(["doctor", "--config", files.configPath]);
    const line = doctor.stdout.split("\n").find((l) => l.includes("state.registry")) ?? "";
    expect(line).toContain("warn");
    expect(line).toContain("archived by Transit min_decryption_version 2");
    // restore-versions refuses an archived version with the command that brings it back.
    const restore = await runBinary(["restore-versions", "--config", files.configPath, "--versions", "1"]);
    expect(restore.code).toBe(4);
    expect(restore.stderr).toContain("Transit archives version 1 (min_decryption_version 2): lower it first with 'bao write transit/keys/kubernetes/config min_decryption_version=1'");
  }, 20_000);

  test("lowering min_decryption_version recovers v1 with no restart; the gauge returns to 0", async () => {
    const pid = provider.proc.pid;
    await setMinDecryption(1);
    await until("v1 decrypts again", async () => (await decryptResult(1)) === "OK");
    await until("gauge 0", async () => (await metric("openbao_kms_key_versions_archived")) === 0);
    expect(provider.proc.pid).toBe(pid);
    expect(provider.proc.exitCode).toBeNull();
    expect(logEvents("key.versions_archived").at(-1)).toMatchObject({ level: "info", outcome: "recovered" });
    expect((await client.status()).healthz).toBe("ok");
  });
});

describe("still fail closed", () => {
  beforeAll(setUp, 30_000);
  afterAll(tearDown);

  test("the active version archived → Status unhealthy, Encrypt FAILED_PRECONDITION; lowering recovers", async () => {
    // v3 appears and the minimum jumps to 3 before any probe could promote it: active v2 is archived.
    emu.rotateKey("kubernetes");
    emu.configureKey("kubernetes", { minDecryptionVersion: 3 });
    await until("unhealthy", async () => (await client.status()).healthz === "unhealthy");
    expect((await ready()).reasons).toContain("version_unavailable");
    const e = await client.encrypt(new Uint8Array(8).fill(3));
    expect(e).toMatchObject({ ok: false, code: "FAILED_PRECONDITION", details: "status unhealthy" });
    emu.configureKey("kubernetes", { minDecryptionVersion: 1 });
    await until("healthy again", async () => (await client.status()).healthz === "ok", 10_000);
    await until("promotion to v3", async () => (await client.status()).key_id === keyIdOf(3), 10_000);
    expect(await decryptResult(1)).toBe("OK");
  }, 30_000);

  test("a soft-deleted key → unhealthy (key_soft_deleted), Decrypt says so, a new start exits 5 naming it; soft-delete-restore recovers", async () => {
    expect((await bao("DELETE", "transit/keys/kubernetes/soft-delete")).status).toBe(200);
    // A deep probe can see the refusal first (reason deep_probe_failed); the next metadata probe
    // names the cause. Wait for that, rather than racing the two probes.
    await until("unhealthy", async () => (await client.status()).healthz === "unhealthy");
    await until("ready names key_soft_deleted", async () => (await ready()).reasons.includes("key_soft_deleted"));
    expect((await client.status()).healthz).toBe("unhealthy");
    expect(await decryptResult(2)).toBe("FAILED_PRECONDITION transit key is soft-deleted");
    expect(logEvents("status.probe").some((l) => l.reason === "key_soft_deleted")).toBe(true);

    // A second node (own state and socket) starting now: one attempt, exit 5 with the restore command.
    const other = writeProviderFiles(emu, { extraToml: `${fast}\n[bootstrap]\ngrace_timeout = "0s"\n` });
    try {
      const r = await runBinary(["serve", "--config", other.configPath], { timeoutMs: 20_000 });
      expect(r.code).toBe(5);
      expect(r.stderr).toContain("Transit key transit/keys/kubernetes is soft-deleted");
      expect(r.stderr).toContain("bao write -f transit/keys/kubernetes/soft-delete-restore");
    } finally {
      other.cleanup();
    }

    expect((await bao("POST", "transit/keys/kubernetes/soft-delete-restore")).status).toBe(200);
    await until("healthy again", async () => (await client.status()).healthz === "ok", 10_000);
    expect(await decryptResult(2)).toBe("OK");
  }, 30_000);
});
