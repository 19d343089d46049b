// Single-item transit encrypt/decrypt against a key policy, with keysutil's check order and
// error texts; each failure is tagged user (→ 400) or internal (→ 500).
import { deriveKey, formatCiphertext, keyBytesFor, openAesGcm, parseCiphertext, sealAesGcm } from "./crypto.ts";
import { goBase64Decode } from "./go-format.ts";
import { softDeletedError, type TransitKey } from "./keys.ts";

export type ItemResult<T> = { ok: T } | { error: string; internal: boolean };

const missingContext =
  "missing 'context' for key derivation; the key was created using a derived key, which means additional, per-request information must be included in order to perform operations with the key";

const userErr = (error: string) => ({ error, internal: false });

function versionKey(key: TransitKey, version: number, context: Uint8Array): Uint8Array | { error: string; internal: boolean } {
  // keysutil safeGetKeyEntry reads p.Keys, from which handleArchiving deletes every version below
  // min_decryption_version (policy.go): an archived version is "no such key version" there,
  // although the emulator keeps its material to bring it back when the minimum is lowered.
  const entry = version < key.minDecryptionVersion ? undefined : key.versions.get(version);
  if (entry === undefined) return userErr("no such key version");
  if (!key.derived) return entry.key;
  if (context.length === 0) return userErr(missingContext);
  return deriveKey(entry.key, context, keyBytesFor(key.type));
}

function decodeAad(aad: string): Uint8Array | { error: string; internal: boolean } {
  if (aad === "") return new Uint8Array(0);
  const bytes = goBase64Decode(aad);
  if (typeof bytes === "string") {
    return { error: `unable to get associated_data/additional_data from factory[0]: ${bytes}`, internal: true };
  }
  return bytes;
}

/** Encrypts base64 `plaintext`; `keyVersion` 0 = latest. Returns the ciphertext and version used. */
export function encryptItem(
  key: TransitKey,
  i: { plaintext: string; context: Uint8Array; keyVersion: number; associatedData: string },
): ItemResult<{ ciphertext: string; keyVersion: number }> {
  // keysutil EncryptWithFactory: the soft-delete check comes before anything else.
  if (key.softDeleted) return userErr(softDeletedError);
  const plaintext = goBase64Decode(i.plaintext);
  if (typeof plaintext === "string") return userErr(plaintext);
  let ver = i.keyVersion;
  if (ver === 0) ver = key.latestVersion;
  else if (ver < 0) return userErr("requested version for encryption is negative");
  else if (ver > key.latestVersion) return userErr("requested version for encryption is higher than the latest key version");
  else if (ver < key.minEncryptionVersion) {
    return userErr("requested version for encryption is less than the minimum encryption key version");
  }
  const k = versionKey(key, ver, i.context);
  if (!(k instanceof Uint8Array)) return k;
  const aad = decodeAad(i.associatedData);
  if (!(aad instanceof Uint8Array)) return aad;
  return { ok: { ciphertext: formatCiphertext(ver, sealAesGcm(k, plaintext, aad)), keyVersion: ver } };
}

/** Decrypts a `vault:v<N>:` ciphertext; returns the plaintext as standard base64. */
export function decryptItem(
  key: TransitKey,
  i: { ciphertext: string; context: Uint8Array; associatedData: string },
): ItemResult<string> {
  // keysutil DecryptWithFactory: the soft-delete check comes before parsing the ciphertext.
  if (key.softDeleted) return userErr(softDeletedError);
  const parsed = parseCiphertext(i.ciphertext);
  if (typeof parsed === "string") return userErr(parsed);
  if (parsed.version > key.latestVersion) return userErr("invalid ciphertext: version is too new");
  if (key.minDecryptionVersion > 0 && parsed.version < key.minDecryptionVersion) {
    return userErr("ciphertext or signature version is disallowed by policy (too old)");
  }
  const payload = goBase64Decode(parsed.body);
  if (typeof payload === "string") return userErr("invalid ciphertext: could not decode base64");
  const k = versionKey(key, parsed.version, i.context);
  if (!(k instanceof Uint8Array)) return k;
  const aad = decodeAad(i.associatedData);
  if (!(aad instanceof Uint8Array)) return aad;
  const plain = openAesGcm(k, payload, aad);
  if (typeof plain === "string") return userErr(plain);
  return { ok: Buffer.from(plain).toString("base64") };
}

/** Decodes a base64 `context`; returns bytes or the Go base64 error text. */
export function decodeContext(context: string): Uint8Array | string {
  return context === "" ? new Uint8Array(0) : goBase64Decode(context);
}
