// Contract: transit decrypt — every malformed-ciphertext error text, version rules
// (too new, min_decryption_version, v0 = v1), tampering, missing key and missing input.
import { afterAll, describe, expect, test } from "bun:test";
import { openTarget } from "../support/bao-target.ts";

const t = await openTarget();
afterAll(() => t.close());
const transit = `/v1/${t.transitMount}`;
const b64 = (s: string) => Buffer.from(s).toString("base64");
const decrypt = (key: string, body: Record<string, unknown>) => t.call("POST", `${transit}/decrypt/${key}`, { body });
const key = await t.createKey("dec");
const sealed = (await t.call("POST", `${transit}/encrypt/${key}`, { body: { plaintext: b64("payload") } })).json.data.ciphertext as string;

describe("round trip", () => {
  test("decrypts its own ciphertext to the base64 plaintext", async () => {
    const r = await decrypt(key, { ciphertext: sealed });
    expect(r.status).toBe(200);
    expect(r.json.data).toEqual({ plaintext: b64("payload") });
  });

  test("vault:v0: is read as version 1", async () => {
    const r = await decrypt(key, { ciphertext: sealed.replace("vault:v1:", "vault:v0:") });
    expect(r.status).toBe(200);
    expect(r.json.data.plaintext).toBe(b64("payload"));
  });
});

describe("malformed ciphertexts → 400 with the exact item error", () => {
  const body = sealed.slice("vault:v1:".length);
  const raw = Buffer.from(body, "base64");
  const tampered = Buffer.from(raw);
  tampered[20] = tampered[20]! ^ 1;
  test.each([
    ["no prefix", "aGVsbG8=", "invalid ciphertext: no prefix"],
    ["other prefix", "bao:v1:aGVsbG8=", "invalid ciphertext: no prefix"],
    ["no field separator", "vault:v1", "invalid ciphertext: wrong number of fields"],
    ["version not a number", "vault:vx:aGVsbG8=", "invalid ciphertext: version number could not be decoded"],
    ["version too new", `vault:v9:${body}`, "invalid ciphertext: version is too new"],
    ["body not base64", "vault:v1:***", "invalid ciphertext: could not decode base64"],
    ["body shorter than a nonce", "vault:v1:AAAA", "invalid ciphertext length"],
    ["nonce but no tag", `vault:v1:${raw.subarray(0, 20).toString("base64")}`, "cipher: message authentication failed"],
    ["one flipped bit", `vault:v1:${tampered.toString("base64")}`, "cipher: message authentication failed"],
  ])("%s", async (_what, ciphertext, error) => {
    const r = await decrypt(key, { ciphertext });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: [error] });
  });

  test("ciphertext from a different key fails authentication", async () => {
    const other = await t.createKey("other");
    const r = await decrypt(other, { ciphertext: sealed });
    expect(r.json).toEqual({ errors: ["cipher: message authentication failed"] });
  });
});

describe("versions and policy", () => {
  test("min_decryption_version refuses older ciphertexts and keeps newer ones", async () => {
    const name = await t.createKey("mindec");
    const v1 = (await t.call("POST", `${transit}/encrypt/${name}`, { body: { plaintext: b64("one") } })).json.data.ciphertext;
    await t.call("POST", `${transit}/keys/${name}/rotate`);
    const v2 = (await t.call("POST", `${transit}/encrypt/${name}`, { body: { plaintext: b64("two") } })).json.data.ciphertext;
    expect(v2).toStartWith("vault:v2:");
    expect((await decrypt(name, { ciphertext: v1 })).json.data.plaintext).toBe(b64("one"));
    const cfg = await t.call("POST", `${transit}/keys/${name}/config`, { body: { min_decryption_version: 2 } });
    expect(cfg.json.data.min_decryption_version).toBe(2);
    const old = await decrypt(name, { ciphertext: v1 });
    expect(old.status).toBe(400);
    expect(old.json.errors).toEqual(["ciphertext or signature version is disallowed by policy (too old)"]);
    expect((await decrypt(name, { ciphertext: v2 })).json.data.plaintext).toBe(b64("two"));
  });
});

describe("request errors", () => {
  test("missing or empty ciphertext → 400", async () => {
    for (const body of [{}, { ciphertext: "" }]) {
      const r = await decrypt(key, body);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ errors: ["missing ciphertext to decrypt"] });
    }
  });

  test("missing key → 400 encryption key not found (decrypt never upserts)", async () => {
    const r = await decrypt(t.newKeyName("absent"), { ciphertext: sealed });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["encryption key not found"] });
  });

  test("bad base64 in associated_data → 500 internal error", async () => {
    const r = await decrypt(key, { ciphertext: sealed, associated_data: "a" });
    expect(r.status).toBe(500);
    expect(r.json.errors).toEqual([
      "1 error occurred:\n\t* unable to get associated_data/additional_data from factory[0]: illegal base64 data at input byte 0\n\n",
    ]);
  });
});
