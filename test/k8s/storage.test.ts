// The KMS v2 storage format: known answers from an independent implementation, the writer and
// the opener agree, and every way a value can be wrong is refused with a clear reason.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeStoredValue, parseStoredValue } from "../../src/k8s/storage.ts";
import { hkdfSha256Expand32, OpenError, openEncryptedData } from "../../src/k8s/open.ts";
import { sealWithSeed } from "../support/k8s-envelope.ts";

const kat = JSON.parse(readFileSync(join(import.meta.dir, "../fixtures/k8s/aes-gcm-kat.json"), "utf8")) as { vectors: Record<string, string>[] };
const hex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));
const enc = new TextEncoder();

describe("known answers (python3-cryptography)", () => {
  for (const [i, v] of kat.vectors.entries()) {
    test(`vector ${i}: ${v.type}`, () => {
      const type = v.type === "AES_GCM_KEY" ? "aes_gcm_key" : "hkdf_sha256_xnonce_aes_gcm_seed";
      if (v.derivedKey !== undefined) expect(Buffer.from(hkdfSha256Expand32(hex(v.seed as string), hex(v.info as string))).toString("hex")).toBe(v.derivedKey);
      const opened = openEncryptedData(type, hex(v.seed as string), hex(v.encryptedData as string), enc.encode(v.etcdKey));
      expect(Buffer.from(opened).toString("hex")).toBe(v.plaintext as string);
      if (type === "hkdf_sha256_xnonce_aes_gcm_seed") {
        const sealed = sealWithSeed(hex(v.seed as string), hex(v.plaintext as string), enc.encode(v.etcdKey), { info: hex(v.info as string), nonce: hex(v.nonce as string) });
        expect(Buffer.from(sealed).toString("hex")).toBe(v.encryptedData as string);
      }
    });
  }
});

describe("refusals", () => {
  const v = kat.vectors[0] as Record<string, string>;
  const data = hex(v.encryptedData as string);
  const key = enc.encode(v.etcdKey);
  const seed = hex(v.seed as string);
  test("one flipped byte anywhere in the data", () => {
    for (const at of [0, 31, 32, 43, 44, data.length - 1]) {
      const bad = Uint8Array.from(data);
      bad[at] = (bad[at] as number) ^ 0x01;
      expect(() => openEncryptedData("hkdf_sha256_xnonce_aes_gcm_seed", seed, bad, key)).toThrow(OpenError);
    }
  });
  test("another etcd key (the additional data)", () => {
    expect(() => openEncryptedData("hkdf_sha256_xnonce_aes_gcm_seed", seed, data, enc.encode("/registry/secrets/default/other"))).toThrow("belongs to another etcd key");
  });
  test("a short seed, short data, a DEK of no AES size", () => {
    expect(() => openEncryptedData("hkdf_sha256_xnonce_aes_gcm_seed", seed.subarray(0, 16), data, key)).toThrow("at least 32");
    expect(() => openEncryptedData("hkdf_sha256_xnonce_aes_gcm_seed", seed, data.subarray(0, 40), key)).toThrow(OpenError);
    expect(() => openEncryptedData("aes_gcm_key", seed.subarray(0, 20), data, key)).toThrow("not an AES key size");
  });
});

describe("stored values", () => {
  const object = { encryptedData: Uint8Array.of(1, 2, 3), keyId: "kid", encryptedDekSource: Uint8Array.of(9), annotations: new Map([["a.example.com", enc.encode("x")]]), dekSourceType: "hkdf_sha256_xnonce_aes_gcm_seed" as const };
  test("a KMS v2 value round-trips with its provider name", () => {
    const parsed = parseStoredValue(encodeStoredValue("bao", object));
    expect(parsed).toEqual({ kind: "kms-v2", provider: "bao", object });
  });
  test("other transformers, plaintext and garbage are told apart", () => {
    expect(parseStoredValue(enc.encode("k8s:enc:aescbc:v1:key1:xxxx"))).toEqual({ kind: "other", transformer: "aescbc:v1", provider: "key1" });
    expect(parseStoredValue(enc.encode("k8s:enc:kms:v1:old:xxxx"))).toEqual({ kind: "other", transformer: "kms:v1", provider: "old" });
    expect(parseStoredValue(Uint8Array.of(0x6b, 0x38, 0x73, 0, 1, 2))).toEqual({ kind: "identity" });
    expect(parseStoredValue(enc.encode('{"kind":"Secret"}'))).toEqual({ kind: "identity" });
    expect(parseStoredValue(enc.encode("garbage")).kind).toBe("malformed");
  });
  test("a KMS v2 value that breaks kube-apiserver's own bounds is malformed", () => {
    const bad = (o: Partial<typeof object> & { dekSourceType?: never }) => parseStoredValue(encodeStoredValue("bao", { ...object, ...o }));
    expect(bad({ keyId: "" })).toEqual({ kind: "malformed", reason: "keyID is empty or over 1 KiB" });
    expect(bad({ encryptedData: new Uint8Array() })).toEqual({ kind: "malformed", reason: "encryptedData is empty" });
    expect(bad({ encryptedDekSource: new Uint8Array(1025) })).toEqual({ kind: "malformed", reason: "encryptedDEKSource is empty or over 1 KiB" });
    expect(parseStoredValue(Uint8Array.from([...enc.encode("k8s:enc:kms:v2:bao:"), 0xff, 0xff, 0xff]))).toEqual({ kind: "malformed", reason: "the EncryptedObject does not decode as protobuf" });
  });
});
