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
