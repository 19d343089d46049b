// The etcd client against a real etcd: paging at one fixed revision, prefix bounds, TLS client
// auth, and clear errors.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { createEtcdClient, EtcdError, prefixRangeEnd } from "../../src/etcd/client.ts";
import { issueCert, makeCa } from "../support/tls.ts";
import { startEtcd, type TestEtcd } from "../support/etcd.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
let etcd: TestEtcd;

beforeAll(async () => {
  etcd = await startEtcd();
  for (let i = 0; i < 25; i++) await etcd.kv.put(enc.encode(`/registry/secrets/ns/s${String(i).padStart(2, "0")}`), enc.encode(`v${i}`));
  await etcd.kv.put(enc.encode("/registry/secretsX"), enc.encode("outside the prefix"));
  await etcd.kv.put(enc.encode("/registry/configmaps/ns/c"), enc.encode("cm"));
}, 30_000);
afterAll(async () => etcd?.stop());

test("prefixRangeEnd increments the last byte below 0xff", () => {
  expect([...prefixRangeEnd(Uint8Array.from([0x61, 0x62]))]).toEqual([0x61, 0x63]);
  expect([...prefixRangeEnd(Uint8Array.from([0x61, 0xff]))]).toEqual([0x62]);
  expect([...prefixRangeEnd(Uint8Array.from([0xff]))]).toEqual([0]);
});

test("scan pages through a prefix in key order at the first page's revision", async () => {
  const pages: string[][] = [];
  const revisions = new Set<number>();
  let wroteDuringScan = false;
  for await (const page of etcd.kv.scan(enc.encode("/registry/secrets/"), { pageSize: 10 })) {
    pages.push(page.kvs.map((kv) => dec.decode(kv.key)));
    revisions.add(page.revision);
    if (!wroteDuringScan) {
      // A write after the first page is not seen by the rest of the scan.
      await etcd.kv.put(enc.encode("/registry/secrets/ns/s99-late"), enc.encode("late"));
      wroteDuringScan = true;
    }
  }
  expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
  expect(pages.flat()).toEqual(Array.from({ length: 25 }, (_, i) => `/registry/secrets/ns/s${String(i).padStart(2, "0")}`));
  expect(revisions.size).toBe(1);
});

test("a client without a certificate is refused, and names the endpoint", async () => {
  const c = createEtcdClient({ endpoints: [etcd.endpoint], caPem: etcd.ca.caPem, requestTimeoutMs: 2000 });
  try {
    const err = await c.get(enc.encode("/x")).catch((e) => e);
    expect(err).toBeInstanceOf(EtcdError);
    expect(err.message).toContain(etcd.endpoint);
    expect(["tls", "unavailable", "permission"]).toContain(err.kind);
  } finally {
    c.close();
  }
});

test("a certificate from another CA is refused", async () => {
  const other = makeCa(etcd.dir, "other-ca");
  const cert = issueCert(other, etcd.dir, { name: "other-client", commonName: "x", usage: "client" });
  const c = createEtcdClient({ endpoints: [etcd.endpoint], caPem: etcd.ca.caPem, certPem: cert.certPem, keyPem: cert.keyPem, requestTimeoutMs: 2000 });
  try {
    const err = await c.get(enc.encode("/x")).catch((e) => e);
    expect(err).toBeInstanceOf(EtcdError);
  } finally {
    c.close();
  }
});

test("an unreachable first endpoint hands over to the next", async () => {
  const c = createEtcdClient({ endpoints: ["https://127.0.0.1:1", etcd.endpoint], caPem: etcd.ca.caPem, certPem: etcd.client.certPem, keyPem: etcd.client.keyPem, requestTimeoutMs: 2000 });
  try {
    const kv = await c.get(enc.encode("/registry/configmaps/ns/c"));
    expect(dec.decode(kv?.value)).toBe("cm");
  } finally {
    c.close();
  }
});

test("a page too large for the response bound is fetched in smaller pages", async () => {
  const big = new Uint8Array(300 * 1024).fill(0x41);
  for (let i = 0; i < 6; i++) await etcd.kv.put(enc.encode(`/big/${i}`), big);
  const c = createEtcdClient({ endpoints: [etcd.endpoint], caPem: etcd.ca.caPem, certPem: etcd.client.certPem, keyPem: etcd.client.keyPem, requestTimeoutMs: 5000, maxResponseBytes: 1024 * 1024 });
  try {
    let n = 0;
    for await (const page of c.scan(enc.encode("/big/"), { pageSize: 6 })) {
      expect(page.kvs.length).toBeLessThanOrEqual(3);
      n += page.kvs.length;
    }
    expect(n).toBe(6);
  } finally {
    c.close();
  }
});

test("an IP endpoint is checked against the certificate's IP addresses", async () => {
  const noIp = await startEtcd({ ipSan: false });
  try {
    const err = await noIp.kv.get(enc.encode("/x")).catch((e) => e);
    expect(err).toBeInstanceOf(EtcdError);
    expect(err.kind).toBe("tls");
    expect(err.message).toMatch(/IP|altnames|127\.0\.0\.1/);
  } finally {
    await noIp.stop();
  }
}, 30_000);
