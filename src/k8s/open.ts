// Opens the data of a KMS v2 envelope once its DEK source is decrypted, exactly as kube-apiserver
// does (storage/value/encrypt/aes/aes_extended_nonce.go and aes.go):
// - seed: key = HKDF-Expand(SHA-256, seed, info = encryptedData[0:32]), 32 bytes; the rest is
//   nonce(12) ‖ AES-256-GCM ciphertext ‖ tag(16);
// - key: the DEK is the AES key itself; encryptedData is nonce ‖ ciphertext ‖ tag.
// The GCM additional data is the object's etcd key, so a value moved to another key fails.

import { createDecipheriv, createHmac } from "node:crypto";
import type { DekSourceType } from "./storage.ts";

const infoBytes = 32;
const nonceBytes = 12;
const tagBytes = 16;
const minSeedBytes = 32;

/** HKDF-Expand (RFC 5869 §2.3) for one SHA-256 block: the 32-byte key kube-apiserver derives. */
export function hkdfSha256Expand32(seed: Uint8Array, info: Uint8Array): Buffer {
  return createHmac("sha256", seed).update(info).update(Uint8Array.of(1)).digest();
}

export class OpenError extends Error {
  override name = "OpenError";
}

/** The plaintext, or OpenError when the data is short, the DEK has the wrong size, or GCM refuses it. */
export function openEncryptedData(type: DekSourceType, dek: Uint8Array, encryptedData: Uint8Array, etcdKey: Uint8Array): Uint8Array {
  let key: Uint8Array;
  let rest: Uint8Array;
  if (type === "hkdf_sha256_xnonce_aes_gcm_seed") {
    if (dek.length < minSeedBytes) throw new OpenError(`the decrypted seed is ${dek.length} bytes; at least ${minSeedBytes} are required`);
    if (encryptedData.length < infoBytes) throw new OpenError("the stored data is shorter than its KDF info");
    key = hkdfSha256Expand32(dek, encryptedData.subarray(0, infoBytes));
    rest = encryptedData.subarray(infoBytes);
  } else {
    if (dek.length !== 16 && dek.length !== 24 && dek.length !== 32) throw new OpenError(`the decrypted DEK is ${dek.length} bytes, not an AES key size`);
    key = dek;
    rest = encryptedData;
  }
  if (rest.length < nonceBytes + tagBytes) throw new OpenError("the stored data is shorter than a GCM nonce and tag");
  const decipher = createDecipheriv(`aes-${key.length * 8}-gcm` as "aes-256-gcm", key, rest.subarray(0, nonceBytes));
  decipher.setAAD(etcdKey);
  decipher.setAuthTag(rest.subarray(rest.length - tagBytes));
  try {
    const out = Buffer.concat([decipher.update(rest.subarray(nonceBytes, rest.length - tagBytes)), decipher.final()]);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch {
    throw new OpenError("AES-GCM authentication failed: the value was altered, or it belongs to another etcd key");
  }
}
