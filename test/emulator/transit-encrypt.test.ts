// Contract: transit encrypt — ciphertext layout (checked with node:crypto on the exported key),
// AAD, key_version / min_encryption_version rules, input errors, upsert and disable_upsert.
// docs/openbao-compat.md §Other behaviours the provider depends on (source files listed there).
import { afterAll, describe, expect, test } from "bun:test";
import { createDecipheriv } from "node:crypto";
import { emulatorTest, openTarget } from "../support/bao-target.ts";

const t = await openTarget();
afterAll(() => t.close());
const transit = `/v1/${t.transitMount}`;
const b64 = (s: string) => Buffer.from(s).toString("base64");

const encrypt = (key: string, body: Record<string, unknown>) => t.call("POST", `${transit}/encrypt/${key}`, { body });
const decrypt = (key: string, body: Record<string, unknown>) => t.call("POST", `${transit}/decrypt/${key}`, { body });

/** Opens `vault:vN:` ciphertext with node:crypto alone, given the raw AES key. */
function openIndependently(ciphertext: string, rawKey: Buffer, aad?: Buffer): Buffer {
  const payload = Buffer.from(ciphertext.replace(/^vault:v\d+:/, ""), "base64");
  const d = createDecipheriv(rawKey.length === 16 ? "aes-128-gcm" : "aes-256-gcm", rawKey, payload.subarray(0, 12));
  if (aad) d.setAAD(aad);
  d.setAuthTag(payload.subarray(payload.length - 16));
  return Buffer.concat([d.update(payload.subarray(12, payload.length - 16)), d.final()]);
}

async function exportedKey(name: string, version: number): Promise<Buffer> {
  const r = await t.call("GET", `${transit}/export/encryption-key/${name}/${version}`);
  expect(r.status).toBe(200);
  return Buffer.from(r.json.data.keys[String(version)], "base64");
}

describe("ciphertext format", () => {
  test("vault:v1: + std base64 of nonce(12)‖ct‖tag(16), decryptable with node:crypto", async () => {
    const name = await t.createKey("fmt", { exportable: true });
    const r = await encrypt(name, { plaintext: b64("hello world") });
    expect(r.status).toBe(200);
    expect(r.json.data.key_version).toBe(1);
    const ct: string = r.json.data.ciphertext;
    expect(ct).toMatch(/^vault:v1:[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(ct.slice("vault:v1:".length), "base64").length).toBe(12 + 11 + 16);
    expect(openIndependently(ct, await exportedKey(name, 1)).toString()).toBe("hello world");
  });

  test("aes128-gcm96 keys use a 16-byte key with the same layout", async () => {
    const name = await t.createKey("a128", { type: "aes128-gcm96", exportable: true });
    const r = await encrypt(name, { plaintext: b64("x") });
    const raw = await exportedKey(name, 1);
    expect(raw.length).toBe(16);
    expect(openIndependently(r.json.data.ciphertext, raw).toString()).toBe("x");
  });

  test("every encryption uses a fresh nonce", async () => {
    const name = await t.createKey("nonce");
    const a = await encrypt(name, { plaintext: b64("same") });
    const b = await encrypt(name, { plaintext: b64("same") });
    expect(a.json.data.ciphertext).not.toBe(b.json.data.ciphertext);
  });

  test("an empty plaintext encrypts to a 28-byte payload and decrypts to \"\"", async () => {
    const name = await t.createKey("empty");
    const r = await encrypt(name, { plaintext: "" });
    expect(r.status).toBe(200);
    expect(Buffer.from(r.json.data.ciphertext.slice(9), "base64").length).toBe(28);
    const d = await decrypt(name, { ciphertext: r.json.data.ciphertext });
    expect(d.json.data).toEqual({ plaintext: "" });
  });
});

describe("associated data", () => {
  test("AAD is bound: right AAD opens, missing or wrong AAD fails authentication", async () => {
    const name = await t.createKey("aad", { exportable: true });
    const aad = b64("key-id:abc");
    const r = await encrypt(name, { plaintext: b64("secret"), associated_data: aad });
    const ct = r.json.data.ciphertext;
    expect(openIndependently(ct, await exportedKey(name, 1), Buffer.from("key-id:abc")).toString()).toBe("secret");
    expect((await decrypt(name, { ciphertext: ct, associated_data: aad })).json.data.plaintext).toBe(b64("secret"));
    for (const body of [{ ciphertext: ct }, { ciphertext: ct, associated_data: b64("key-id:abd") }]) {
      const bad = await decrypt(name, body);
      expect(bad.status).toBe(400);
      expect(bad.json).toEqual({ errors: ["cipher: message authentication failed"] });
    }
  });

  test("bad base64 in associated_data is an internal error (500, multierror)", async () => {
    const name = await t.createKey("aadb64");
    const r = await encrypt(name, { plaintext: b64("x"), associated_data: "***" });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({
      errors: ["1 error occurred:\n\t* unable to get associated_data/additional_data from factory[0]: illegal base64 data at input byte 0\n\n"],
    });
  });
});

describe("key versions", () => {
  test("key_version selects the version; 0 = latest; limits have exact errors", async () => {
    const name = await t.createKey("ver");
    expect((await t.call("POST", `${transit}/keys/${name}/rotate`)).status).toBe(200);
    const v = async (key_version: unknown) => encrypt(name, { plaintext: b64("p"), key_version });
    expect((await v(0)).json.data).toMatchObject({ key_version: 2 });
    expect((await v(0)).json.data.ciphertext).toStartWith("vault:v2:");
    expect((await v(1)).json.data.ciphertext).toStartWith("vault:v1:");
    const tooHigh = await v(3);
    expect(tooHigh.status).toBe(400);
    expect(tooHigh.json.errors).toEqual(["requested version for encryption is higher than the latest key version"]);
    const negative = await v(-1);
    expect(negative.status).toBe(400);
    expect(negative.json.errors).toEqual(["requested version for encryption is negative"]);

    expect((await t.call("POST", `${transit}/keys/${name}/config`, { body: { min_encryption_version: 2 } })).status).toBe(200);
    const tooLow = await v(1);
    expect(tooLow.status).toBe(400);
    expect(tooLow.json.errors).toEqual(["requested version for encryption is less than the minimum encryption key version"]);
    expect((await v(0)).json.data.key_version).toBe(2);
  });
});

describe("input errors", () => {
  test("missing plaintext → 400", async () => {
    const r = await encrypt(t.newKeyName("x"), {});
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual(["missing plaintext to encrypt"]);
  });

  test("plaintext that is not base64 → 400 with Go's base64 error", async () => {
    const name = await t.createKey("b64");
    for (const [plaintext, at] of [["not base64", 3], ["aGVsbG8", 4], ["abc", 0], ["aGVsbG8=x", 8]] as const) {
      const r = await encrypt(name, { plaintext });
      expect(r.status).toBe(400);
      expect(r.json.errors).toEqual([`illegal base64 data at input byte ${at}`]);
    }
  });
});

describe("upsert", () => {
  emulatorTest("disable_upsert=true (emulator default): encrypt on a missing key → 400 encryption key not found", async () => {
    t.emulator!.setDisableUpsert(true);
    const name = t.newKeyName("noup");
    const r = await encrypt(name, { plaintext: b64("x") });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["encryption key not found"] });
    expect(t.emulator!.keyInfo(name)).toBeUndefined();
  });

  emulatorTest("config/keys toggles upsert; an upserted key is aes256-gcm96 version 1", async () => {
    const set = await t.call("POST", `${transit}/config/keys`, { body: { disable_upsert: false } });
    expect(set.status).toBe(200);
    expect((await t.call("GET", `${transit}/config/keys`)).json.data).toEqual({ disable_upsert: false });
    const name = t.newKeyName("up");
    const r = await encrypt(name, { plaintext: b64("x") });
    expect(r.status).toBe(200);
    const k = await t.call("GET", `${transit}/keys/${name}`);
    expect(k.json.data).toMatchObject({ type: "aes256-gcm96", latest_version: 1, derived: false });

    const ecdsa = await encrypt(t.newKeyName("up"), { plaintext: b64("x"), type: "ecdsa-p256" });
    expect(ecdsa.json).toEqual({ errors: ["key type ecdsa-p256 not supported for this operation"] });
    const bogus = await encrypt(t.newKeyName("up"), { plaintext: b64("x"), type: "bogus" });
    expect(bogus.json).toEqual({ errors: ["unknown key type bogus"] });
    const conv = await encrypt(t.newKeyName("up"), { plaintext: b64("x"), convergent_encryption: true });
    expect(conv.json).toEqual({ errors: ["convergent encryption requires derivation to be enabled, so context is required"] });
    await t.call("POST", `${transit}/config/keys`, { body: { disable_upsert: true } });
  });

  emulatorTest("upsert with a context creates a derived key that needs the context to decrypt", async () => {
    t.emulator!.setDisableUpsert(false);
    const name = t.newKeyName("drv");
    const ctx = b64("ctx-1");
    const r = await encrypt(name, { plaintext: b64("x"), context: ctx });
    expect(r.status).toBe(200);
    expect((await t.call("GET", `${transit}/keys/${name}`)).json.data).toMatchObject({ derived: true, kdf: "hkdf_sha256" });
    expect((await decrypt(name, { ciphertext: r.json.data.ciphertext, context: ctx })).json.data.plaintext).toBe(b64("x"));
    const noCtx = await decrypt(name, { ciphertext: r.json.data.ciphertext });
    expect(noCtx.status).toBe(400);
    expect(noCtx.json.errors[0]).toStartWith("missing 'context' for key derivation;");
    const otherCtx = await decrypt(name, { ciphertext: r.json.data.ciphertext, context: b64("ctx-2") });
    expect(otherCtx.json.errors).toEqual(["cipher: message authentication failed"]);
    t.emulator!.setDisableUpsert(true);
  });
});
