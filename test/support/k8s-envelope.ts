// Test-only envelope writer: stores an object in etcd the way kube-apiserver's KMS v2 transformer
// does (seed → HKDF → AES-256-GCM with the etcd key as additional data, then the EncryptedObject
// behind "k8s:enc:kms:v2:<provider>:"). Its output is pinned by test/fixtures/k8s/aes-gcm-kat.json.

import { createCipheriv, randomBytes } from "node:crypto";
import { encodeStoredValue } from "../../src/k8s/storage.ts";
import { hkdfSha256Expand32 } from "../../src/k8s/open.ts";

/** info ‖ nonce ‖ GCM(HKDF(seed, info)) of `plaintext`, authenticated with `etcdKey`. */
export function sealWithSeed(seed: Uint8Array, plaintext: Uint8Array, etcdKey: Uint8Array, fixed?: { info: Uint8Array; nonce: Uint8Array }): Uint8Array {
  const info = fixed?.info ?? randomBytes(32);
  const nonce = fixed?.nonce ?? randomBytes(12);
  const c = createCipheriv("aes-256-gcm", hkdfSha256Expand32(seed, info), nonce);
  c.setAAD(etcdKey);
  const body = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return Buffer.concat([info, nonce, body]);
}

/** What the KMS plugin's Encrypt returned for the seed (reused for many objects, as kube-apiserver does). */
export interface SealedSeed {
  readonly seed: Uint8Array;
  readonly keyId: string;
  readonly ciphertext: Uint8Array;
  readonly annotations: ReadonlyMap<string, Uint8Array>;
}

/** The etcd value kube-apiserver would write for `plaintext` under `etcdKey`. */
export function storedValue(provider: string, sealed: SealedSeed, plaintext: Uint8Array, etcdKey: Uint8Array): Uint8Array {
  return encodeStoredValue(provider, {
    encryptedData: sealWithSeed(sealed.seed, plaintext, etcdKey),
    keyId: sealed.keyId,
    encryptedDekSource: sealed.ciphertext,
    annotations: sealed.annotations,
    dekSourceType: "hkdf_sha256_xnonce_aes_gcm_seed",
  });
}
