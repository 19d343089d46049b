// Inventory counting on its own (the real-etcd scan is in test/e2e/etcd-drill.test.ts).

import { expect, test } from "bun:test";
import { account, emptyReport, maxTrackedKeyIds, objectsByVersion, pooledName, unknownKeyIdObjects } from "../../src/app/inventory.ts";
import { encodeStoredValue } from "../../src/k8s/storage.ts";
import type { SnapshotRecord } from "../../src/registry/types.ts";

const enc = new TextEncoder();
const kms = (keyId: string, provider = "openbao-kms") =>
  encodeStoredValue(provider, { encryptedData: Uint8Array.of(1), keyId, encryptedDekSource: Uint8Array.of(2), annotations: new Map(), dekSourceType: "hkdf_sha256_xnonce_aes_gcm_seed" });
const record = (keyId: string, transitVersion: number, state: SnapshotRecord["state"]) => [keyId, { kubernetesKeyId: keyId, transitVersion, state } as SnapshotRecord] as const;

test("counts per key_id and resource, maps key_ids to registry versions, sorts out the rest", () => {
  const records = new Map([record("kid-1", 1, "retired"), record("kid-2", 2, "active")]);
  const r = emptyReport("/registry");
  for (let i = 0; i < 3; i++) account(r, records, enc.encode(`/registry/secrets/ns/a${i}`), kms("kid-1"));
  account(r, records, enc.encode("/registry/configmaps/ns/c"), kms("kid-1"));
  account(r, records, enc.encode("/registry/secrets/ns/b"), kms("kid-2"));
  account(r, records, enc.encode("/registry/secrets/ns/u"), kms("kid-unknown"));
  account(r, records, enc.encode("/registry/secrets/ns/o"), enc.encode("k8s:enc:aescbc:v1:key1:xx"));
  account(r, records, enc.encode("/registry/events/ns/e"), Uint8Array.of(0x6b, 0x38, 0x73, 0));
  account(r, records, enc.encode("/registry/secrets/ns/m"), enc.encode("junk"));
  expect(r.scanned).toBe(9);
  expect(r.keyIds.get("kid-1")).toEqual({ keyId: "kid-1", provider: "openbao-kms", count: 4, resources: new Map([["secrets", 3], ["configmaps", 1]]), record: { transitVersion: 1, state: "retired" } });
  expect(objectsByVersion(r)).toEqual(new Map([[1, 4], [2, 1]]));
  expect(unknownKeyIdObjects(r)).toBe(1);
  expect(r.other).toEqual(new Map([["aescbc:v1", new Map([["secrets", 1]])]]));
  expect(r.identity).toEqual(new Map([["events", 1]]));
  expect(r.malformed).toEqual(new Map([["secrets", 1]]));
});

test("memory stays bounded: key_ids past the cap are pooled, registry key_ids always tracked", () => {
  const records = new Map([record("mine", 7, "active")]);
  const r = emptyReport("/registry");
  for (let i = 0; i < maxTrackedKeyIds + 50; i++) account(r, records, enc.encode(`/registry/secrets/ns/x${i}`), kms(`stranger-${i}`));
  account(r, records, enc.encode("/registry/secrets/ns/mine"), kms("mine"));
  expect(r.keyIds.size).toBe(maxTrackedKeyIds + 2);
  expect(r.keyIds.get(pooledName)?.count).toBe(50);
  expect(r.keyIds.get("mine")?.record).toEqual({ transitVersion: 7, state: "active" });
});

test("takeInventory pages at one revision and collects garbage every 8 MiB of values", async () => {
  const { takeInventory, collectEveryBytes } = await import("../../src/app/inventory.ts");
  const value = new Uint8Array(1024 * 1024).fill(0x7b); // 1 MiB of "{" (plaintext JSON)
  const pages = 20;
  const fake = {
    async *scan(prefix: Uint8Array) {
      expect(new TextDecoder().decode(prefix)).toBe("/registry/");
      for (let p = 0; p < pages; p++) yield { revision: 42, kvs: [{ key: enc.encode(`/registry/configmaps/ns/c${p}`), value, modRevision: 1 }] };
    },
    get: async () => undefined,
    put: async () => 0,
    close() {},
  };
  let collections = 0;
  const r = await takeInventory(fake, undefined, { prefix: "/registry", pageSize: 1, collect: () => collections++ });
  expect(r.scanned).toBe(pages);
  expect(r.revision).toBe(42);
  expect(r.identity).toEqual(new Map([["configmaps", pages]]));
  expect(collections).toBe(Math.floor((pages * (value.length + 24)) / collectEveryBytes));
});
