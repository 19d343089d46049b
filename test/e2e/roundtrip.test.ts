// End to end on the compiled binary: an independent gRPC client (python3-grpcio) over the
// real socket, the provider logged in to the emulator. Counts Transit calls at the emulator.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { PyKmsClient, type EncryptReply } from "../helpers/py-kms-client.ts";

let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider;
let client: PyKmsClient;
let first: EncryptReply;
const seed = crypto.getRandomValues(new Uint8Array(32));

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu);
  provider = await startProvider(files);
  client = new PyKmsClient(files.socketPath);
  first = await client.encrypt(seed);
  expect(first.ok).toBe(true);
});

afterAll(async () => {
  await client?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
});

const transitCalls = () => emu.count({ pathPrefix: "/v1/transit/" });

describe("happy path", () => {
  test("Status: v2, ok, key_id derived from config and the key's creation time", async () => {
    const st = await client.status();
    const info = emu.keyInfo("kubernetes");
    const created = info!.keys[String(info!.latestVersion)]!;
    const expected = deriveKeyId(
      { providerName: "openbao-kms", clusterId: "e2e-cluster", openbaoInstanceId: "emulator-1", openbaoNamespace: "", transitMountId: emu.mountUuid("transit"), keyLineageId: "0123456789abcdef0123456789abcdef" },
      info!.latestVersion,
      created,
    );
    expect(st).toMatchObject({ ok: true, version: "v2", healthz: "ok", key_id: expected });
  });

  test("Encrypt key_id equals Status key_id; ciphertext is Transit's vault:v1: string", async () => {
    const st = await client.status();
    expect(first.key_id).toBe(st.key_id);
    expect(Buffer.from(first.ciphertext, "base64").toString()).toMatch(/^vault:v1:/);
    expect(Object.keys(first.annotations).sort()).toEqual([
      "aad-version.kms.openbao.org", "key-id-hash.kms.openbao.org", "plugin-version.kms.openbao.org", "provider.kms.openbao.org",
      "transit-key-hash.kms.openbao.org", "transit-key-version.kms.openbao.org", "transit-mount-hash.kms.openbao.org",
    ]);
  });

  test("Decrypt round-trips the seed", async () => {
    const r = await client.decrypt(first);
    expect(r.ok).toBe(true);
    expect(Buffer.from(r.plaintext, "base64")).toEqual(Buffer.from(seed));
  });

  test("Status makes no OpenBao calls", async () => {
    emu.resetCounts();
    for (let i = 0; i < 20; i++) expect((await client.status()).healthz).toBe("ok");
    expect(emu.count()).toBe(0);
  });

  test("the socket has the configured mode and group", () => {
    const st = statSync(files.socketPath);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o660);
    expect(st.gid).toBe(process.getegid!());
  });
});

describe("bad input never reaches OpenBao", () => {
  const annotationKeys = [
    "provider.kms.openbao.org", "key-id-hash.kms.openbao.org", "transit-key-version.kms.openbao.org", "transit-mount-hash.kms.openbao.org",
    "transit-key-hash.kms.openbao.org", "plugin-version.kms.openbao.org", "aad-version.kms.openbao.org",
  ];
  test.each(annotationKeys)("tampering with %s → INVALID_ARGUMENT, 0 Transit calls", async (key) => {
    const tampered = { ...first.annotations };
    const value = Buffer.from(tampered[key]!, "base64").toString();
    // plugin-version is never compared, so the only invalid value for it is empty.
    const replacement = key === "plugin-version.kms.openbao.org" ? "" : key.includes("hash") ? "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" : value === "1" ? "2" : value + "x";
    tampered[key] = Buffer.from(replacement).toString("base64");
    emu.resetCounts();
    const r = await client.decrypt({ ...first, annotations: tampered });
    expect(r).toMatchObject({ ok: false, code: "INVALID_ARGUMENT" });
    expect(transitCalls()).toBe(0);
  });

  test("unknown key_id → NOT_FOUND after at most one shared discovery read per probe interval, never an encrypt/decrypt", async () => {
    emu.resetCounts();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => client.decrypt({ ...first, key_id: "obk2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })),
    );
    for (const r of results) expect(r).toMatchObject({ ok: false, code: "NOT_FOUND", details: "key_id unknown" });
    expect(emu.count({ pathPrefix: "/v1/transit/decrypt/" }) + emu.count({ pathPrefix: "/v1/transit/encrypt/" })).toBe(0);
    // The background probe may also read the key in this window; discovery adds at most one read.
    expect(emu.count({ pathPrefix: "/v1/transit/keys/" })).toBeLessThanOrEqual(2);
  });

  test.each([
    ["malformed key_id", "obk2.short", "INVALID_ARGUMENT", "key_id malformed"],
    ["empty key_id", "", "INVALID_ARGUMENT", "key_id malformed"],
  ])("%s → %s with 0 Transit calls", async (_n, keyId, code, details) => {
    emu.resetCounts();
    const r = await client.decrypt({ ...first, key_id: keyId });
    expect(r).toMatchObject({ ok: false, code, details });
    expect(transitCalls()).toBe(0);
  });

  test.each(["__proto__", "constructor", "Upper.Case.org", "no-dot"])("an extra annotation key %p (not an FQDN) → INVALID_ARGUMENT, never ignored", async (key) => {
    emu.resetCounts();
    const r = await client.decrypt({ ...first, annotations: { ...first.annotations, [key]: Buffer.from("x").toString("base64") } });
    expect(r).toMatchObject({ ok: false, code: "INVALID_ARGUMENT", details: "annotations invalid" });
    expect(transitCalls()).toBe(0);
  });

  test("a 1024-byte ciphertext → INVALID_ARGUMENT, 0 Transit calls", async () => {
    emu.resetCounts();
    const r = await client.decrypt({ ...first, ciphertext: Buffer.alloc(1024, 65).toString("base64") });
    expect(r).toMatchObject({ ok: false, code: "INVALID_ARGUMENT", details: "kms request exceeds protocol limits" });
    expect(transitCalls()).toBe(0);
  });

  test("a 1023-byte ciphertext passes the size check (and fails only at Transit)", async () => {
    emu.resetCounts();
    const r = await client.decrypt({ ...first, ciphertext: Buffer.alloc(1023, 65).toString("base64") });
    expect(r).toMatchObject({ ok: false, code: "INVALID_ARGUMENT", details: "transit decrypt failed" });
    expect(transitCalls()).toBe(1);
  });

  test("a message over 64 KiB is refused by the gRPC layer", async () => {
    emu.resetCounts();
    const r = await client.encrypt(new Uint8Array(70 * 1024));
    expect(r).toMatchObject({ ok: false, code: "RESOURCE_EXHAUSTED" });
    expect(transitCalls()).toBe(0);
  });

  test("empty plaintext → INVALID_ARGUMENT 'plaintext is required'", async () => {
    const r = await client.encrypt(new Uint8Array(0));
    expect(r).toMatchObject({ ok: false, code: "INVALID_ARGUMENT", details: "plaintext is required" });
  });
});

describe("the AAD binds the ciphertext", () => {
  async function transitDecrypt(ciphertext: string, aad: string) {
    const res = await fetch(`${emu.url}/v1/transit/decrypt/kubernetes`, {
      method: "POST",
      headers: { "X-Vault-Token": emu.rootToken },
      body: JSON.stringify({ ciphertext, associated_data: Buffer.from(aad).toString("base64") }),
      tls: { ca: emu.caPem },
    } as RequestInit);
    return { status: res.status, body: (await res.json()) as { errors?: string[]; data?: { plaintext: string } } };
  }
  const ct = () => Buffer.from(first.ciphertext, "base64").toString();
  const aadOf = (kv: Record<string, string>) => JSON.stringify(kv);

  test("Transit opens it only with the exact canonical AAD", async () => {
    const hash = (s: string) => new Bun.CryptoHasher("sha256").update(s).digest("base64url");
    const canonical: Record<string, string> = {
      aad_version: "v1", purpose: "kubernetes-etcd-kms-v2", provider: "openbao-transit", provider_name: "openbao-kms",
      cluster_id_hash: hash("e2e-cluster"), openbao_instance_hash: hash("emulator-1"), transit_mount_hash: hash(emu.mountUuid("transit")),
      transit_key_hash: hash("0123456789abcdef0123456789abcdef"), key_id_hash: hash(first.key_id), key_version: "1",
    };
    const ok = await transitDecrypt(ct(), aadOf(canonical));
    expect(ok.status).toBe(200);
    expect(Buffer.from(ok.body.data!.plaintext, "base64")).toEqual(Buffer.from(seed));
    for (const field of Object.keys(canonical)) {
      const bad = await transitDecrypt(ct(), aadOf({ ...canonical, [field]: canonical[field] + "x" }));
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual(["cipher: message authentication failed"]);
    }
  });
});
