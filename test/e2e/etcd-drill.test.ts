// The etcd lifecycle drill on the compiled binary, against a real etcd with TLS client auth and
// objects written in kube-apiserver's exact format (test/support/k8s-envelope.ts, pinned by KATs):
// 1,000 Secrets under v1; rotate and rewrite half under v2; inventory counts 500 and 500, and
// retiring v1 is refused; rewrite the rest, and retiring v1 goes through; recover of a v2 Secret
// reproduces its manifest byte for byte, and a tampered, moved or foreign value fails alone.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createKmsClient, type KmsClient } from "../../src/kms/grpc/client.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { restoredSnapshot, startEtcd, type TestEtcd } from "../support/etcd.ts";
import { type SealedSeed, storedValue } from "../support/k8s-envelope.ts";
import { secretBytes, type SecretSpec } from "../support/k8s-objects.ts";
import { startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { runBinary } from "../helpers/run-binary.ts";

const provider = "openbao-kms";
const total = 1000;
const enc = new TextEncoder();

let emu: Emulator;
let etcd: TestEtcd;
let files: ProviderFiles;
let running: RunningProvider;
let kms: KmsClient;
const sealed = new Map<number, SealedSeed>();

const keyOf = (i: number) => `/registry/secrets/team-${i % 10}/app-${i}`;
const spec = (i: number): SecretSpec => ({ name: `app-${i}`, namespace: `team-${i % 10}`, labels: { app: `app-${i}` }, type: "Opaque", data: { password: enc.encode(`pw-${i}-${"x".repeat(i % 7)}`) } });
const deadline = () => new Date(Date.now() + 3000);

function keyIdOf(v: number): string {
  const created = emu.keyInfo("kubernetes")?.keys[String(v)];
  return deriveKeyId({ providerName: provider, clusterId: "e2e-cluster", openbaoInstanceId: "emulator-1", openbaoNamespace: "", transitMountId: emu.mountUuid("transit"), keyLineageId: "0123456789abcdef0123456789abcdef" }, v, created as number);
}

/** What kube-apiserver does once per key_id: a fresh seed, sealed by the plugin's Encrypt. */
async function sealSeed(v: number): Promise<void> {
  const seed = randomBytes(32);
  const r = await kms.encrypt(seed, `seed-${v}`, deadline());
  expect(r.keyId).toBe(keyIdOf(v));
  sealed.set(v, { seed, keyId: r.keyId, ciphertext: r.ciphertext, annotations: new Map(Object.entries(r.annotations)) });
}

async function writeSecrets(from: number, to: number, v: number): Promise<void> {
  const s = sealed.get(v) as SealedSeed;
  const batch: Promise<number>[] = [];
  for (let i = from; i < to; i++) {
    const key = enc.encode(keyOf(i));
    batch.push(etcd.kv.put(key, storedValue(provider, s, secretBytes(spec(i)), key)));
    if (batch.length === 50) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
}

const cli = (...args: string[]) => runBinary([...args, "--config", files.configPath], { timeoutMs: 60_000 });
const versions = (inv: { keyIds: Array<{ transitVersion: number | null; objects: number }> }) =>
  Object.fromEntries(inv.keyIds.filter((k) => k.transitVersion !== null).map((k) => [k.transitVersion, k.objects]));

beforeAll(async () => {
  [emu, etcd] = await Promise.all([startEmulator(), startEtcd()]);
  const etcdToml = `
[etcd]
endpoints = ["${etcd.endpoint}"]
ca_file = "${etcd.ca.caFile}"
cert_file = "${etcd.client.certFile}"
key_file = "${etcd.client.keyFile}"
page_size = 128

[status]
probe_interval = "100ms"
deep_probe_interval = "1s"
max_staleness = "2s"

[rotation]
activation_delay = "1s"
require_stable_observation_count = 2
`;
  files = writeProviderFiles(emu, { extraToml: etcdToml });
  running = await startProvider(files);
  kms = createKmsClient(files.socketPath);
  const until = performance.now() + 5000;
  while ((await kms.status(deadline())).healthz !== "ok") {
    if (performance.now() > until) throw new Error("provider not healthy");
    await Bun.sleep(20);
  }
  await sealSeed(1);
  await writeSecrets(0, total, 1);
  emu.rotateKey("kubernetes");
  const promoted = performance.now() + 10_000;
  while ((await kms.status(deadline())).keyId !== keyIdOf(2)) {
    if (performance.now() > promoted) throw new Error("no promotion to v2");
    await Bun.sleep(25);
  }
  await sealSeed(2);
  await writeSecrets(0, total / 2, 2);
}, 60_000);

afterAll(async () => {
  kms?.close();
  await running?.stop();
  await etcd?.stop();
  await emu?.stop();
  files?.cleanup();
});

describe("the drill", () => {
  test("inventory: 500 objects on v1 and 500 on v2, key_ids as hashes", async () => {
    const r = await cli("inventory", "--output", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const inv = JSON.parse(r.stdout);
    expect(inv.objects).toBe(total);
    expect(versions(inv)).toEqual({ 1: 500, 2: 500 });
    expect(inv.unknownKeyIdObjects).toBe(0);
    expect(inv.keyIds.find((k: { transitVersion: number }) => k.transitVersion === 1).resources).toEqual({ secrets: 500 });
    expect(r.stdout).not.toContain(keyIdOf(1));
    const text = await cli("inventory");
    expect(text.stdout).toContain("version 1 (retired");
    expect(text.stdout).toContain(": 500 objects — secrets 500");
  });

  test("retiring v1 is refused while 500 objects still use it, naming the count", async () => {
    const plan = await cli("retire-versions", "--before-version", "2", "--output", "json");
    expect(plan.code).toBe(4);
    expect(JSON.parse(plan.stdout).objectCheck).toBe("500 objects still on version 1");
    expect(plan.stderr).toContain("500 objects still on version 1: rewrite them first");
    const report = await cli("rotation-plan", "--output", "json");
    expect(JSON.parse(report.stdout).objectsByVersion).toEqual({ 1: 500, 2: 500 });
    const verify = await cli("verify-rotation");
    expect(verify.code).toBe(4);
    expect(verify.stdout).toContain("500 objects still on version 1");
  });

  test("after the rest is rewritten, every object is on v2, and retiring v1 goes through", async () => {
    await writeSecrets(total / 2, total, 2);
    const inv = JSON.parse((await cli("inventory", "--output", "json")).stdout);
    expect(versions(inv)).toEqual({ 2: 1000 });
    const plan = await cli("retire-versions", "--before-version", "2", "--output", "json");
    expect(plan.code).toBe(0);
    const v = JSON.parse(plan.stdout);
    expect(v.objectCheck).toBe("no object in etcd uses version(s) 1");
    expect(v.objectsScanned).toBe(total);
    const verify = await cli("verify-rotation", "--output", "json");
    expect(JSON.parse(verify.stdout)).toMatchObject({ complete: true, objectsByVersion: { 2: 1000 } });
    const doctor = await cli("doctor", "--output", "json");
    const check = JSON.parse(doctor.stdout).checks.find((c: { id: string }) => c.id === "etcd.versions_in_use");
    expect(check).toMatchObject({ status: "warn" });
    expect(check.message).toContain("retired version(s) 1 are used by no object: 'bao-kms-provider retire-versions --before-version 2' can retire them");
    // --apply takes the state lock: serve stops on this node first.
    await running.stop();
    const applied = await cli("retire-versions", "--before-version", "2", "--apply", "--expected-state-hash", v.stateHash, "--output", "json");
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ applied: true, objectCheck: "no object in etcd uses version(s) 1" });
    running = await startProvider(files);
  }, 30_000);

  test("recover of a v2 Secret reproduces its manifest byte for byte, 0700 dir and 0600 files", async () => {
    const out = join(mkdtempSync("/tmp/recover-"), "out");
    const r = await cli("recover", "--key", keyOf(7), "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`recover: 1 objects recovered (1 manifests) into ${out}, 0 failed\n`);
    const yaml = readFileSync(join(out, "secrets/team-7/app-7.yaml"), "utf8");
    expect(yaml).toBe(
      [
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        '  name: "app-7"',
        '  namespace: "team-7"',
        "  labels:",
        '    "app": "app-7"',
        'type: "Opaque"',
        "data:",
        `  "password": "${Buffer.from("pw-7-").toString("base64")}"`,
        "",
      ].join("\n"),
    );
    expect(readFileSync(join(out, "secrets/team-7/app-7.pb"))).toEqual(Buffer.from(secretBytes(spec(7))));
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(statSync(join(out, "secrets/team-7/app-7.yaml")).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, "secrets/team-7/app-7.pb")).mode & 0o777).toBe(0o600);
  });

  test("recover refuses an existing --out directory, and prints plaintext only with --stdout", async () => {
    const existing = mkdtempSync("/tmp/recover-");
    const r = await cli("recover", "--key", keyOf(3), "--out", existing);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("already exists");
    expect(readdirSync(existing)).toEqual([]);
    const s = await cli("recover", "--key", keyOf(3), "--stdout");
    expect(s.code).toBe(0);
    expect(s.stdout.startsWith("---\napiVersion: v1\nkind: Secret\n")).toBe(true);
  });
});

test("recover from an etcd snapshot restored into a new data directory (README's disaster-recovery path)", async () => {
  const restored = await restoredSnapshot(etcd);
  try {
    const out = join(mkdtempSync("/tmp/recover-"), "out");
    const r = await cli("recover", "--etcd-endpoints", restored.endpoint, "--under", "/registry/secrets/team-3", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`recover: ${total / 10} objects recovered (${total / 10} manifests) into ${out}, 0 failed\n`);
    expect(readFileSync(join(out, "secrets/team-3/app-13.pb"))).toEqual(Buffer.from(secretBytes(spec(13))));
  } finally {
    await restored.stop();
  }
}, 40_000);

describe("a bad object fails alone, with a clear reason, and writes nothing", () => {
  test("a flipped byte (in the data, or in the envelope), a value moved to another key, a foreign key_id", async () => {
    const good = (await etcd.kv.get(enc.encode(keyOf(1))))?.value as Uint8Array;
    // A byte inside encryptedData (past the prefix, the field tag and its length).
    const flipped = Uint8Array.from(good);
    const at = `k8s:enc:kms:v2:${provider}:`.length + 3 + 50;
    flipped[at] = (flipped[at] as number) ^ 0x01;
    await etcd.kv.put(enc.encode("/registry/secrets/bad/flipped"), flipped);
    // A byte in the envelope's own structure: the last field (encryptedDEKSourceType).
    const broken = Uint8Array.from(good);
    broken[broken.length - 2] = (broken[broken.length - 2] as number) ^ 0x01;
    await etcd.kv.put(enc.encode("/registry/secrets/bad/broken"), broken);
    // The same value, byte for byte, under another key: GCM's additional data no longer matches.
    await etcd.kv.put(enc.encode("/registry/secrets/bad/moved"), good);
    // A well-formed key_id of another cluster's provider (same key, other cluster_id).
    const otherCluster = deriveKeyId({ providerName: provider, clusterId: "other-cluster", openbaoInstanceId: "emulator-1", openbaoNamespace: "", transitMountId: emu.mountUuid("transit"), keyLineageId: "0123456789abcdef0123456789abcdef" }, 2, emu.keyInfo("kubernetes")?.keys["2"] as number);
    const foreign: SealedSeed = { ...(sealed.get(2) as SealedSeed), keyId: otherCluster };
    const malformedId: SealedSeed = { ...(sealed.get(2) as SealedSeed), keyId: "not-a-key-id-of-ours" };
    await etcd.kv.put(enc.encode("/registry/secrets/bad/malformed-id"), storedValue(provider, malformedId, secretBytes(spec(1)), enc.encode("/registry/secrets/bad/malformed-id")));
    await etcd.kv.put(enc.encode("/registry/secrets/bad/foreign"), storedValue(provider, foreign, secretBytes(spec(1)), enc.encode("/registry/secrets/bad/foreign")));
    const ok = enc.encode("/registry/secrets/bad/ok");
    await etcd.kv.put(ok, storedValue(provider, sealed.get(2) as SealedSeed, secretBytes({ ...spec(1), namespace: "bad", name: "ok" }), ok));

    const out = join(mkdtempSync("/tmp/recover-"), "out");
    const r = await cli("recover", "--under", "/registry/secrets/bad", "--out", out);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("recover: /registry/secrets/bad/flipped: AES-GCM authentication failed");
    expect(r.stderr).toMatch(/recover: \/registry\/secrets\/bad\/broken: not a readable value: /);
    expect(r.stderr).toContain("recover: /registry/secrets/bad/moved: AES-GCM authentication failed: the value was altered, or it belongs to another etcd key");
    expect(r.stderr).toContain("recover: /registry/secrets/bad/foreign: the DEK could not be decrypted: its key_id is not in this node's registry (another cluster, or a version removed from the registry)");
    expect(r.stderr).toContain("recover: /registry/secrets/bad/malformed-id: the DEK could not be decrypted: its key_id is not one this provider writes");
    expect(r.stderr).toContain("1 objects recovered (1 manifests)");
    expect(readdirSync(join(out, "secrets/bad")).sort()).toEqual(["ok.pb", "ok.yaml"]);
    expect(existsSync(join(out, "secrets/bad/flipped.yaml"))).toBe(false);
  });
});
