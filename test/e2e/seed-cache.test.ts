// The opt-in seed cache, on the compiled binary, through a total OpenBao outage (every node of a
// 3-node emulator cluster killed): a fresh gRPC client (a restarted kube-apiserver) decrypting
// 20 distinct seeds gets every one seen before the outage from a provider with the cache on,
// and UNAVAILABLE from one with it off. A seed of a version Transit archived before the outage
// is never served. Also: what a full cache (both default bounds reached) costs in RSS.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { status as Code } from "@grpc/grpc-js";
import { createKmsClient, type KmsClient } from "../../src/kms/grpc/client.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { type EmulatorCluster, startCluster } from "../support/emulator/cluster.ts";
import { fastProbesToml, listenerUrls, startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";

const fast = fastProbesToml();
const cacheOn = `\n[cache]\ndecrypt_seed_ttl = "10m"\n`;

interface Sealed { ciphertext: Uint8Array; keyId: string; annotations: Record<string, Uint8Array>; plaintext: Uint8Array }
interface Node { files: ProviderFiles; provider: RunningProvider; kms: KmsClient }

let cluster: EmulatorCluster;
let on: Node;
let off: Node;

const deadline = () => new Date(Date.now() + 3_000);
async function node(extra: string): Promise<Node> {
  const files = writeProviderFiles(cluster.active, { addresses: cluster.nodes.map((n) => n.url), extraToml: fast + extra, logLevel: "info" });
  const provider = await startProvider(files, { timeoutMs: 20_000 });
  return { files, provider, kms: createKmsClient(files.socketPath) };
}
async function seal(n: Node, size = 32): Promise<Sealed> {
  const plaintext = new Uint8Array(randomBytes(size));
  const r = await n.kms.encrypt(plaintext, "uid", deadline());
  return { ciphertext: r.ciphertext, keyId: r.keyId, annotations: { ...r.annotations }, plaintext };
}
async function open(kms: KmsClient, s: Sealed): Promise<Uint8Array | number> {
  try {
    return (await kms.decrypt({ ciphertext: s.ciphertext, keyId: s.keyId, annotations: s.annotations, uid: "uid" }, deadline())).plaintext;
  } catch (e) {
    return (e as { code: number }).code;
  }
}
function keyIdOf(v: number): string {
  const a = cluster.active;
  return deriveKeyId(
    { providerName: "openbao-kms", clusterId: "e2e-cluster", openbaoInstanceId: "emulator-1", openbaoNamespace: "", transitMountId: a.mountUuid("transit"), keyLineageId: "0123456789abcdef0123456789abcdef" },
    v,
    a.keyInfo("kubernetes")!.keys[String(v)]!,
  );
}
async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}
async function metric(n: Node, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${(await listenerUrls(n.provider)).metrics}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
}
const rssMb = (n: Node) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(require("node:fs").readFileSync(`/proc/${n.provider.proc.pid}/status`, "utf8"));
  return Number(m![1]) / 1024;
};

beforeAll(async () => {
  cluster = await startCluster({ standbys: 2 });
  on = await node(cacheOn);
  off = await node("");
}, 60_000);

afterAll(async () => {
  for (const n of [on, off]) {
    n?.kms.close();
    await n?.provider.stop();
    n?.files.cleanup();
  }
  await cluster?.stop();
});

test("total outage: every seed seen before it is served with the cache on, UNAVAILABLE with it off; an archived version's never", async () => {
  const a = cluster.active;
  // Five seeds under v1, then v2 becomes active and v1 is archived (min_decryption_version 2).
  const v1 = await Promise.all(Array.from({ length: 5 }, () => seal(on)));
  for (const s of v1) expect(await open(on.kms, s)).toEqual(s.plaintext);
  a.rotateKey("kubernetes");
  await until("v2 active on both", async () => (await on.kms.status(deadline())).keyId === keyIdOf(2) && (await off.kms.status(deadline())).keyId === keyIdOf(2));
  a.configureKey("kubernetes", { minDecryptionVersion: 2 });
  await until("the archive seen by a metadata probe", async () => (await metric(on, "openbao_kms_key_versions_archived")) === 1);

  // 20 distinct seeds under v2: the cache-on provider made 10 of them (filled from Encrypt) and
  // decrypted the other 10 (filled from Decrypt); the cache-off one saw all 20 too.
  const made = await Promise.all(Array.from({ length: 10 }, () => seal(on)));
  const elsewhere = await Promise.all(Array.from({ length: 10 }, () => seal(off)));
  for (const s of elsewhere) expect(await open(on.kms, s)).toEqual(s.plaintext);
  const seeds = [...made, ...elsewhere];
  for (const s of seeds) expect(await open(off.kms, s)).toEqual(s.plaintext);
  expect(await metric(on, "openbao_kms_seed_cache_entries")).toBe(20);

  for (const n of cluster.nodes) await cluster.kill(n);

  // A restarted apiserver: new connections, nothing cached on its side.
  const fresh = createKmsClient(on.files.socketPath);
  const freshOff = createKmsClient(off.files.socketPath);
  try {
    const t0 = performance.now();
    const got = await Promise.all(seeds.map((s) => open(fresh, s)));
    const ms = performance.now() - t0;
    expect(got).toEqual(seeds.map((s) => s.plaintext));
    const without = await Promise.all(seeds.map((s) => open(freshOff, s)));
    expect(without).toEqual(seeds.map(() => Code.UNAVAILABLE));
    // v1 was archived before the outage: its entries went with it, so nothing is served for it.
    const archived = await Promise.all(v1.map((s) => open(fresh, s)));
    expect(archived).toEqual(v1.map(() => Code.UNAVAILABLE));
    expect(await metric(on, "openbao_kms_seed_cache_served_during_outage_total")).toBe(20);
    expect(await metric(on, "openbao_kms_seed_cache_outage_misses_total")).toBe(5);
    console.log(`seed cache: 20/20 seeds served during a total outage in ${ms.toFixed(0)} ms (cache off: 20 UNAVAILABLE); 5 archived-version seeds not served`);
  } finally {
    fresh.close();
    freshOff.close();
  }
  // Nothing of the seeds reached a log line (the redaction check also scans every line at the end).
  const hex = Buffer.from(seeds[0]!.plaintext).toString("base64");
  expect(on.provider.output.some((l) => l.includes(hex))).toBe(false);
}, 90_000);

test("RSS with the cache full at its default entry bound (1024 seeds of 700 bytes, near the protocol's largest)", async () => {
  // A fresh cluster: the first test killed every node.
  for (const n of [on, off]) {
    n.kms.close();
    await n.provider.stop();
    n.files.cleanup();
  }
  await cluster.stop();
  cluster = await startCluster({ standbys: 2 });
  on = await node(cacheOn);
  off = await node("");
  // A KMS v2 ciphertext stays under 1 KiB, so a plaintext is at most 731 bytes (src/kms/limits.ts):
  // 1024 seeds of 700 bytes hold 700 KiB, below the 1 MiB byte bound. (kube-apiserver's are 32 bytes.)
  for (const n of [on, off]) {
    for (let i = 0; i < 1104; i += 16) await Promise.all(Array.from({ length: 16 }, () => seal(n, 700)));
  }
  expect(await metric(on, "openbao_kms_seed_cache_entries")).toBe(1024);
  expect(await metric(on, "openbao_kms_seed_cache_bytes")).toBe(1024 * 700);
  await Bun.sleep(1_500); // serve's idle collection runs after 1 s without calls
  const withCache = rssMb(on);
  const without = rssMb(off);
  console.log(`seed cache: RSS with the cache full ${withCache.toFixed(1)} MB, same workload with it off ${without.toFixed(1)} MB`);
  expect(withCache - without).toBeLessThan(16);
}, 120_000);
