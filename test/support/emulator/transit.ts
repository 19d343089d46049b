// One transit mount: its path table (OpenBao's patterns, key-name syntax) bound to a KeyStore.
import type { KeyStore } from "./keys.ts";
import { namePattern, type Route } from "./routes.ts";
import { decryptFields, handleDecrypt } from "./transit-decrypt.ts";
import { encryptFields, handleEncrypt } from "./transit-encrypt.ts";
import {
  configKeysFields, configureKey, createKey, deleteKey, keyConfigFields, keyCreateFields, listKeys,
  exportKey, readConfigKeys, readKey, rotateFields, rotateKey, softDeleteKey, writeConfigKeys,
} from "./transit-keys.ts";

const named = (prefix: string, suffix = "") => new RegExp(`^${prefix}(?<name>${namePattern})${suffix}$`);

/** The transit route table for `store` (derived / convergent upsert is partly unimplemented: see keys.ts). */
export function transitRoutes(store: KeyStore): Route[] {
  const n = (p: Readonly<Record<string, string>>) => p.name ?? "";
  return [
    { pattern: /^keys\/?$/, fields: {}, ops: { list: () => listKeys(store) } },
    { pattern: /^config\/keys\/?$/, fields: configKeysFields, ops: { read: () => readConfigKeys(store), update: (_c, f) => writeConfigKeys(store, f) } },
    { pattern: named("keys/", "/rotate/?"), fields: rotateFields, ops: { update: (_c, f, p) => rotateKey(store, n(p), f) } },
    { pattern: named("keys/", "/soft-delete"), fields: {}, ops: { delete: (_c, _f, p) => softDeleteKey(store, n(p), true) } },
    { pattern: named("keys/", "/soft-delete-restore"), fields: {}, ops: { update: (_c, _f, p) => softDeleteKey(store, n(p), false) } },
    { pattern: named("keys/", "/config/?"), fields: keyConfigFields, ops: { update: (_c, f, p) => configureKey(store, n(p), f) } },
    {
      pattern: named("keys/"),
      fields: keyCreateFields,
      ops: {
        read: (_c, f, p) => readKey(store, n(p), f),
        update: (_c, f, p) => createKey(store, n(p), f),
        delete: (_c, _f, p) => deleteKey(store, n(p)),
      },
    },
    {
      pattern: new RegExp(`^export/(?<type>[^/]+)/(?<name>${namePattern})(?:/(?<version>[^/]+))?$`),
      fields: {},
      ops: { read: (_c, _f, p) => exportKey(store, p.type ?? "", n(p), p.version) },
    },
    { pattern: named("encrypt/"), fields: encryptFields, ops: { update: (c, f, p) => handleEncrypt(store, n(p), f, c.op) }, exists: (p) => store.get(n(p)) !== undefined },
    { pattern: named("decrypt/"), fields: decryptFields, ops: { update: (_c, f, p) => handleDecrypt(store, n(p), f) } },
  ];
}
