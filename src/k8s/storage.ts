// What kube-apiserver wrote into one etcd value: which transformer (by its prefix), and for KMS
// v2 the decoded EncryptedObject. Sources: apiserver/pkg/server/options/encryptionconfig/
// config.go (the "k8s:enc:<transformer>:<version>:<name>:" prefixes) and
// storage/value/encrypt/envelope/kmsv2/envelope.go (EncryptedObject and its validation).

import { kmsstorage } from "../gen/k8s/api.js";

export type DekSourceType = "aes_gcm_key" | "hkdf_sha256_xnonce_aes_gcm_seed";

export interface KmsV2Object {
  readonly encryptedData: Uint8Array;
  readonly keyId: string;
  readonly encryptedDekSource: Uint8Array;
  readonly annotations: ReadonlyMap<string, Uint8Array>;
  readonly dekSourceType: DekSourceType;
}

export type StoredValue =
  | { readonly kind: "kms-v2"; readonly provider: string; readonly object: KmsV2Object }
  /** Another transformer: kms v1, aescbc, aesgcm, secretbox (named by prefix, e.g. "aescbc:v1:key1"). */
  | { readonly kind: "other"; readonly transformer: string; readonly provider: string }
  /** Stored in plaintext (the identity transformer): Kubernetes protobuf or JSON. */
  | { readonly kind: "identity" }
  | { readonly kind: "malformed"; readonly reason: string };

const encoder = new TextEncoder();
const K8S_ENC = encoder.encode("k8s:enc:");
const K8S_PROTOBUF_MAGIC = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

// Bounds kube-apiserver enforces on what it writes (kmsv2/envelope.go).
const maxKeyIdBytes = 1024;
const maxDekSourceBytes = 1024;
const maxAnnotationsBytes = 32 * 1024;

function startsWith(value: Uint8Array, prefix: Uint8Array): boolean {
  if (value.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (value[i] !== prefix[i]) return false;
  return true;
}

/** Splits "k8s:enc:<transformer>:<version>:<name>:" off the value; undefined when absent. */
function encryptionPrefix(value: Uint8Array): { transformer: string; version: string; provider: string; body: Uint8Array } | undefined {
  if (!startsWith(value, K8S_ENC)) return undefined;
  const fields: string[] = [];
  let start = K8S_ENC.length;
  // transformer, version, name: three ":"-terminated ASCII fields, each at most 256 bytes.
  for (let i = start; i < value.length && fields.length < 3 && i - start <= 256; i++) {
    if (value[i] === 0x3a) {
      fields.push(new TextDecoder().decode(value.subarray(start, i)));
      start = i + 1;
    }
  }
  if (fields.length < 2) return undefined;
  const [transformer, version, provider = ""] = fields as [string, string, string?];
  // aescbc/aesgcm/secretbox write "k8s:enc:aescbc:v1:<key name>:"; kms writes "k8s:enc:kms:v2:<provider>:".
  return { transformer, version, provider, body: value.subarray(start) };
}

export function decodeEncryptedObject(body: Uint8Array): KmsV2Object {
  let o: kmsstorage.EncryptedObject;
  try {
    o = kmsstorage.EncryptedObject.decode(body);
  } catch {
    throw new Error("the EncryptedObject does not decode as protobuf");
  }
  const type = o.encryptedDEKSourceType as number;
  if (type !== 0 && type !== 1) throw new Error(`unknown encryptedDEKSourceType ${type}`);
  if (o.encryptedData.length === 0) throw new Error("encryptedData is empty");
  if (o.encryptedDEKSource.length === 0 || o.encryptedDEKSource.length > maxDekSourceBytes) throw new Error("encryptedDEKSource is empty or over 1 KiB");
  const keyIdBytes = encoder.encode(o.keyID).length;
  if (keyIdBytes === 0 || keyIdBytes > maxKeyIdBytes) throw new Error("keyID is empty or over 1 KiB");
  const annotations = new Map<string, Uint8Array>();
  let annotationBytes = 0;
  for (const [k, v] of Object.entries(o.annotations)) {
    annotationBytes += encoder.encode(k).length + v.length;
    annotations.set(k, v);
  }
  if (annotationBytes > maxAnnotationsBytes) throw new Error("annotations are over 32 KiB");
  return {
    encryptedData: o.encryptedData,
    keyId: o.keyID,
    encryptedDekSource: o.encryptedDEKSource,
    annotations,
    dekSourceType: type === 1 ? "hkdf_sha256_xnonce_aes_gcm_seed" : "aes_gcm_key",
  };
}

/** Classifies one stored value. Never throws: a value that cannot be read is "malformed". */
export function parseStoredValue(value: Uint8Array): StoredValue {
  const p = encryptionPrefix(value);
  if (p === undefined) {
    if (startsWith(value, K8S_PROTOBUF_MAGIC) || value[0] === 0x7b /* "{" JSON */) return { kind: "identity" };
    return { kind: "malformed", reason: "neither an encryption prefix nor a Kubernetes object" };
  }
  if (p.transformer === "kms" && p.version === "v2") {
    try {
      return { kind: "kms-v2", provider: p.provider, object: decodeEncryptedObject(p.body) };
    } catch (e) {
      return { kind: "malformed", reason: (e as Error).message };
    }
  }
  return { kind: "other", transformer: `${p.transformer}:${p.version}`, provider: p.provider };
}

/** The value kube-apiserver would store for `object` under provider `provider` (tests and KATs). */
export function encodeStoredValue(provider: string, object: KmsV2Object): Uint8Array {
  const body = kmsstorage.EncryptedObject.encode({
    encryptedData: object.encryptedData,
    keyID: object.keyId,
    encryptedDEKSource: object.encryptedDekSource,
    annotations: Object.fromEntries(object.annotations),
    encryptedDEKSourceType: object.dekSourceType === "hkdf_sha256_xnonce_aes_gcm_seed" ? 1 : 0,
  }).finish();
  const prefix = encoder.encode(`k8s:enc:kms:v2:${provider}:`);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}
