// Hashing and base64url helpers shared by the wire format: H(x) = base64url-nopad(SHA-256(utf8 x)).

import { createHash } from "node:crypto";

/** base64url without padding of raw bytes. */
export function base64UrlNoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** H(x): SHA-256 of the UTF-8 bytes of `x`, base64url without padding (always 43 chars). */
export function hashValue(x: string): string {
  return createHash("sha256").update(x, "utf8").digest("base64url");
}

const base64UrlAlphabet = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes base64url without padding; returns undefined when the text is not valid
 * base64url-nopad (wrong alphabet, padding, or a length that cannot occur).
 */
export function decodeBase64UrlNoPad(text: string): Uint8Array | undefined {
  if (!base64UrlAlphabet.test(text) || text.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(text, "base64url"));
}

/** True when `text` is a well-formed H(...) value: 43 base64url chars decoding to 32 bytes. */
export function isHashValue(text: string): boolean {
  return text.length === 43 && decodeBase64UrlNoPad(text)?.length === 32;
}
