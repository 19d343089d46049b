// KMS v2 protocol limits (docs/wire-format.md "Limits", all exclusive). Checked before any
// registry lookup or Transit call on the way in, and on every Encrypt response on the way out.

import { KmsError } from "./errors.ts";

export const maxCiphertextBytes = 1024;
export const maxKeyIdBytes = 1024;
export const maxAnnotationBytes = 32768;
export const maxGrpcMessageBytes = 65536;

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** Decodes strict UTF-8; undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Byte length of a JS string once UTF-8 encoded. */
export function utf8Length(s: string): number {
  return encoder.encode(s).byteLength;
}

/** A lone surrogate cannot be encoded as UTF-8; such a key is not valid UTF-8 on the wire. */
function isWellFormedUtf16(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/**
 * Validates a Decrypt request's sizes and annotation encoding, in the reference order, and
 * returns the annotations as strings. Throws request_limit or annotations_invalid.
 */
export function checkDecryptLimits(
  ciphertext: Uint8Array,
  keyId: string,
  annotations: Iterable<readonly [string, Uint8Array]>,
): Map<string, string> {
  if (ciphertext.byteLength >= maxCiphertextBytes) throw new KmsError("request_limit", "ciphertext too large");
  if (utf8Length(keyId) >= maxKeyIdBytes) throw new KmsError("request_limit", "key_id too large");
  const out = new Map<string, string>();
  let total = 0;
  for (const [key, value] of annotations) {
    const text = decodeUtf8(value);
    if (!isWellFormedUtf16(key) || text === undefined) throw new KmsError("annotations_invalid", "annotation not UTF-8");
    total += utf8Length(key) + value.byteLength;
    if (total >= maxAnnotationBytes) throw new KmsError("request_limit", "annotations too large");
    out.set(key, text);
  }
  return out;
}

/**
 * The Transit ciphertext of `plaintextBytes` under `version`, in bytes: "vault:v<N>:" and the
 * base64 of nonce (12) ‖ ciphertext ‖ tag (16) (aes256-gcm96 and aes128-gcm96 alike).
 */
export function transitCiphertextBytes(plaintextBytes: number, version: number): number {
  return `vault:v${version}:`.length + 4 * Math.ceil((12 + plaintextBytes + 16) / 3);
}

/** An Encrypt whose response could not fit the protocol's ciphertext limit fails before Transit is called. */
export function checkEncryptRequestLimits(plaintextBytes: number, version: number): void {
  if (transitCiphertextBytes(plaintextBytes, version) >= maxCiphertextBytes) throw new KmsError("request_limit", "plaintext too large for a ciphertext under 1 KiB");
}

/** Checks an Encrypt response before it leaves; throws response_limit. */
export function checkEncryptResponseLimits(ciphertext: Uint8Array, keyId: string, annotations: ReadonlyMap<string, string>): void {
  const fail = (why: string) => new KmsError("response_limit", why);
  if (ciphertext.byteLength >= maxCiphertextBytes) throw fail("ciphertext too large");
  const keyIdBytes = utf8Length(keyId);
  if (keyIdBytes === 0 || keyIdBytes >= maxKeyIdBytes) throw fail("key_id size");
  let total = 0;
  for (const [key, value] of annotations) {
    if (!isWellFormedUtf16(key) || !isWellFormedUtf16(value)) throw fail("annotation not UTF-8");
    total += utf8Length(key) + utf8Length(value);
  }
  if (total >= maxAnnotationBytes) throw fail("annotations too large");
}
