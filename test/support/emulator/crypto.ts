// Transit's symmetric crypto, byte-compatible with OpenBao: AES-GCM with a random 12-byte
// nonce, payload nonce‖ciphertext‖tag(16), `vault:v<N>:` + std base64, HKDF-SHA256 derivation.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

export type SymmetricKeyType = "aes128-gcm96" | "aes256-gcm96";

export const nonceSize = 12;
const tagSize = 16;

export function keyBytesFor(type: SymmetricKeyType): number {
  return type === "aes128-gcm96" ? 16 : 32;
}

function cipherName(key: Uint8Array): "aes-128-gcm" | "aes-256-gcm" {
  if (key.length === 16) return "aes-128-gcm";
  if (key.length === 32) return "aes-256-gcm";
  throw new Error(`unsupported AES key length ${key.length}`);
}

/** Seals `plaintext` with a fresh random nonce; returns nonce‖ct‖tag. */
export function sealAesGcm(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const nonce = randomBytes(nonceSize);
  const c = createCipheriv(cipherName(key), key, nonce, { authTagLength: tagSize });
  if (aad.length > 0) c.setAAD(aad);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return new Uint8Array(Buffer.concat([nonce, body, c.getAuthTag()]));
}

/**
 * Opens nonce‖ct‖tag. Returns the plaintext or one of OpenBao's error texts:
 * `invalid ciphertext length` (shorter than a nonce) or `cipher: message authentication failed`.
 */
export function openAesGcm(key: Uint8Array, payload: Uint8Array, aad: Uint8Array): Uint8Array | string {
  if (payload.length < nonceSize) return "invalid ciphertext length";
  if (payload.length < nonceSize + tagSize) return "cipher: message authentication failed";
  const nonce = payload.subarray(0, nonceSize);
  const tag = payload.subarray(payload.length - tagSize);
  const body = payload.subarray(nonceSize, payload.length - tagSize);
  try {
    const d = createDecipheriv(cipherName(key), key, nonce, { authTagLength: tagSize });
    if (aad.length > 0) d.setAAD(aad);
    d.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([d.update(body), d.final()]));
  } catch {
    return "cipher: message authentication failed";
  }
}

/** HKDF-SHA256(ikm = version key, salt = none, info = context), as keysutil does for derived keys. */
export function deriveKey(versionKey: Uint8Array, context: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", versionKey, new Uint8Array(0), context, length));
}

/** `vault:v<version>:` + base64(payload). */
export function formatCiphertext(version: number, payload: Uint8Array): string {
  return `vault:v${version}:${Buffer.from(payload).toString("base64")}`;
}

/**
 * Splits `vault:v<N>:<b64>` into its version and body. Version 0 means 1 (legacy).
 * Returns OpenBao's error text for a malformed prefix.
 */
export function parseCiphertext(value: string): { version: number; body: string } | string {
  if (!value.startsWith("vault:v")) return "invalid ciphertext: no prefix";
  const rest = value.slice("vault:v".length);
  const colon = rest.indexOf(":");
  if (colon < 0) return "invalid ciphertext: wrong number of fields";
  const verText = rest.slice(0, colon);
  if (!/^[+-]?\d+$/.test(verText) || !Number.isSafeInteger(Number(verText))) {
    return "invalid ciphertext: version number could not be decoded";
  }
  const version = Number(verText);
  return { version: version === 0 ? 1 : version, body: rest.slice(colon + 1) };
}

export function randomKey(type: SymmetricKeyType): Uint8Array {
  return new Uint8Array(randomBytes(keyBytesFor(type)));
}
