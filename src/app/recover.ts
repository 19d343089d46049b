// `recover`: Secrets (and any other object) straight from etcd, without kube-apiserver. Each
// object's DEK source is decrypted through the provider's own checked path (the KMS core's
// Decrypt: key_id shape, registry lookup, annotations, canonical AAD, then Transit), the data is
// opened with the etcd key as additional data, and the result goes to a sink. One object's
// failure is reported and never stops the others; nothing is written for a failed object.

import type { EtcdClient, EtcdKeyValue } from "../etcd/client.ts";
import { objectPath, type ObjectPath } from "../k8s/keys.ts";
import { renderManifest } from "../k8s/manifest.ts";
import { decodeObject, ObjectDecodeError } from "../k8s/objects.ts";
import { OpenError, openEncryptedData } from "../k8s/open.ts";
import { type KmsV2Object, parseStoredValue } from "../k8s/storage.ts";

/** Decrypts one EncryptedObject's DEK source (the KMS core's Decrypt, in production). */
export type DekDecrypter = (object: KmsV2Object, signal?: AbortSignal) => Promise<Uint8Array>;

export interface RecoveredObject {
  readonly etcdKey: string;
  readonly path: ObjectPath;
  /** The decrypted stored bytes (Kubernetes protobuf, or JSON for some kinds). */
  readonly stored: Uint8Array;
  /** A kubectl-apply-able manifest for Secrets and ConfigMaps. */
  readonly manifest?: string;
  /** "kms-v2" or "identity" (already plaintext in etcd). */
  readonly source: "kms-v2" | "identity";
}

export type RecoverOutcome = { readonly ok: true; readonly object: RecoveredObject } | { readonly ok: false; readonly etcdKey: string; readonly error: string };

/** Why a DEK could not be decrypted, without the cause's details (which may carry key_ids). */
export type DescribeError = (e: unknown) => string;

const decoder = new TextDecoder();

/** Recovers one stored value. Never throws for a bad object: returns its error. */
export async function recoverValue(kv: EtcdKeyValue, prefix: string, decryptDek: DekDecrypter, describe: DescribeError, signal?: AbortSignal): Promise<RecoverOutcome> {
  const etcdKey = decoder.decode(kv.key);
  const fail = (error: string): RecoverOutcome => ({ ok: false, etcdKey, error });
  const path = objectPath(kv.key, prefix);
  if (path === undefined) return fail(`not under ${prefix}/`);
  const parsed = parseStoredValue(kv.value);
  let stored: Uint8Array;
  let source: RecoveredObject["source"];
  switch (parsed.kind) {
    case "malformed":
      return fail(`not a readable value: ${parsed.reason}`);
    case "other":
      return fail(`encrypted by ${parsed.transformer}${parsed.provider === "" ? "" : ` (${parsed.provider})`}, not by KMS v2; recover cannot open it`);
    case "identity":
      stored = kv.value;
      source = "identity";
      break;
    case "kms-v2": {
      let dek: Uint8Array;
      try {
        dek = await decryptDek(parsed.object, signal);
      } catch (e) {
        if (signal?.aborted) throw e;
        return fail(`the DEK could not be decrypted: ${describe(e)}`);
      }
      try {
        stored = openEncryptedData(parsed.object.dekSourceType, dek, parsed.object.encryptedData, kv.key);
      } catch (e) {
        if (e instanceof OpenError) return fail(e.message);
        throw e;
      } finally {
        dek.fill(0);
      }
      source = "kms-v2";
      break;
    }
  }
  let manifest: string | undefined;
  try {
    manifest = renderManifest(decodeObject(stored));
  } catch (e) {
    if (!(e instanceof ObjectDecodeError)) throw e;
    // Not protobuf (a JSON-stored kind): the stored bytes are still written.
  }
  return { ok: true, object: { etcdKey, path, stored, source, ...(manifest === undefined ? {} : { manifest }) } };
}

export interface RecoverOptions {
  readonly prefix: string;
  /** One etcd key, or every key under `under` (both absolute, e.g. "/registry/secrets/prod"). */
  readonly target: { readonly key: string } | { readonly under: string };
  readonly pageSize: number;
  readonly signal?: AbortSignal;
}

/** Every outcome for the target, in key order, one page of values in memory at a time. */
export async function* recoverObjects(etcd: EtcdClient, decryptDek: DekDecrypter, describe: DescribeError, opts: RecoverOptions): AsyncGenerator<RecoverOutcome> {
  const enc = new TextEncoder();
  if ("key" in opts.target) {
    const kv = await etcd.get(enc.encode(opts.target.key), opts.signal);
    if (kv === undefined) {
      yield { ok: false, etcdKey: opts.target.key, error: "no such key in etcd" };
      return;
    }
    yield await recoverValue(kv, opts.prefix, decryptDek, describe, opts.signal);
    return;
  }
  const under = opts.target.under.endsWith("/") ? opts.target.under : `${opts.target.under}/`;
  for await (const page of etcd.scan(enc.encode(under), { pageSize: opts.pageSize, ...(opts.signal === undefined ? {} : { signal: opts.signal }) })) {
    for (const kv of page.kvs) yield await recoverValue(kv, opts.prefix, decryptDek, describe, opts.signal);
  }
}
