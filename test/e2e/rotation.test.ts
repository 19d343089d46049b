// End to end on the compiled binary: a rotation drill. The emulator's key is rotated while an
// independent gRPC client (python3-grpcio) encrypts, decrypts and polls Status in a loop. The
// key_id changes exactly once, after the stable observations and the activation delay; every
// ciphertext ever returned still decrypts; Status never calls OpenBao; a second node with its
// own state converges on the same key_id; a second provider on the same state refuses.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { PyKmsClient, type EncryptReply } from "../helpers/py-kms-client.ts";
import { runBinary } from "../helpers/run-binary.ts";

const delayMs = 2000;
const fast = `
[status]
probe_interval = "150ms"
deep_probe_interval = "1s"
max_staleness = "2s"

[rotation]
activation_delay = "${delayMs / 1000}s"
require_stable_observation_count = 3
`;

let emu: Emulator;
let a: ProviderFiles;
let providerA: RunningProvider;
let clientA: PyKmsClient;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

interface Sent {
  readonly plaintext: Uint8Array;
  readonly reply: EncryptReply;
}
const everything: Sent[] = [];

function scopeFor(e: Emulator) {
  return {
    providerName: "openbao-kms",
    clusterId: "e2e-cluster",
    openbaoInstanceId: "emulator-1",
    openbaoNamespace: "",
    transitMountId: e.mountUuid("transit"),
    keyLineageId: "0123456789abcdef0123456789abcdef",
  };
}
/** key_id of version v of the emulator's key ("" while that version does not exist). */
function keyIdOf(v: number): string {
  const created = emu.keyInfo("kubernetes")?.keys[String(v)];
  return created === undefined ? "" : deriveKeyId(scopeFor(emu), v, created);
}

beforeAll(async () => {
  emu = await startEmulator();
  a = writeProviderFiles(emu, { extraToml: fast, logLevel: "info" });
  providerA = await startProvider(a);
  clientA = new PyKmsClient(a.socketPath);
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await clientA?.close();
  await providerA?.stop();
  await emu?.stop();
  a?.cleanup();
});

async function until(cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = performance.now() + timeoutMs;
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

describe("rotation drill", () => {
  test("bootstrap: an unrotated key starts generation 1 on disk with version 1 active", async () => {
    const state = JSON.parse(readFileSync(a.statePath, "utf8"));
    expect(state).toMatchObject({ schemaVersion: "keyregistry.openbao-kms/v1alpha2", generation: 1, activeKeyId: keyIdOf(1) });
    expect(Object.keys(state).slice(0, 2)).toEqual(["schemaVersion", "identityFingerprint"]);
    expect(state.identityFingerprint).toMatch(/^cfg1\.[A-Za-z0-9_-]{43}$/);
    expect(state.previousHash).toBeUndefined();
    expect(existsSync(`${a.statePath}.checkpoint`)).toBe(true);
    expect((await clientA.status()).key_id).toBe(keyIdOf(1));
  });

  test("rotate under load: the key_id changes exactly once, after the delay; every ciphertext decrypts before, during and after", async () => {
    const statusIds: Array<{ at: number; keyId: string; healthz: string }> = [];
    const encryptIds: Array<{ at: number; keyId: string }> = [];
    let rotatedAt = 0;
    const t0 = performance.now();
    let promotedSeenAt = 0;
    for (let i = 0; ; i++) {
      const now = performance.now();
      if (rotatedAt === 0 && now - t0 > 600) {
        emu.rotateKey("kubernetes");
        rotatedAt = performance.now();
      }
      const st = await clientA.status();
      statusIds.push({ at: performance.now(), keyId: st.key_id, healthz: st.healthz });
      const plaintext = crypto.getRandomValues(new Uint8Array(48));
      const reply = await clientA.encrypt(plaintext);
      if (reply.ok) {
        everything.push({ plaintext, reply });
        encryptIds.push({ at: performance.now(), keyId: reply.key_id });
        // Healthy Status and Encrypt agree (the one exception would be a promotion in between).
        if (st.healthz === "ok" && st.key_id !== reply.key_id) expect(reply.key_id).toBe(keyIdOf(2));
      } else {
        // Only right after a promotion, until the deep probe of the new version passes.
        expect(reply.code).toBe("FAILED_PRECONDITION");
      }
      // Every ciphertext so far decrypts, checked continuously on a sample plus the newest.
      const sample = [everything.at(-1), everything[Math.floor(Math.random() * everything.length)]];
      for (const s of sample) {
        if (s === undefined) continue;
        const back = await clientA.decrypt(s.reply);
        expect(back.ok).toBe(true);
        expect(Buffer.from(back.plaintext as string, "base64").equals(Buffer.from(s.plaintext))).toBe(true);
      }
      if (promotedSeenAt === 0 && st.healthz === "ok" && st.key_id === keyIdOf(2)) promotedSeenAt = performance.now();
      if (promotedSeenAt !== 0 && performance.now() - promotedSeenAt > 800) break;
      if (performance.now() - t0 > 20_000) throw new Error("no promotion within 20 s");
      await Bun.sleep(20);
    }
    const healthy = statusIds.filter((s) => s.healthz === "ok").map((s) => s.keyId);
    const changes = healthy.filter((k, i) => i > 0 && k !== healthy[i - 1]);
    expect(changes).toEqual([keyIdOf(2)]);
    expect(new Set(encryptIds.map((e) => e.keyId))).toEqual(new Set([keyIdOf(1), keyIdOf(2)]));
    const firstNew = encryptIds.findIndex((e) => e.keyId === keyIdOf(2));
    expect(encryptIds.slice(firstNew).every((e) => e.keyId === keyIdOf(2))).toBe(true);
    // 3 observations 150 ms apart plus 2 s, with whole-second timestamps on disk: at least ~1.3 s.
    expect(promotedSeenAt - rotatedAt).toBeGreaterThan(delayMs - 1000 + 300);
    // Everything ever returned still decrypts, old version included.
    for (const s of everything) {
      const back = await clientA.decrypt(s.reply);
      expect(back.ok).toBe(true);
      expect(Buffer.from(back.plaintext as string, "base64").equals(Buffer.from(s.plaintext))).toBe(true);
    }
    const promoted = providerA.output.filter((l) => l.includes('"key.promoted"'));
    expect(promoted.length).toBe(2); // bootstrap + the one promotion
    expect(promoted.join("\n")).not.toContain("obk2.");
    const state = JSON.parse(readFileSync(a.statePath, "utf8"));
    expect(state.activeKeyId).toBe(keyIdOf(2));
    expect(state.snapshots.map((r: { transitVersion: number; state: string }) => [r.transitVersion, r.state])).toEqual([
      [2, "active"],
      [1, "retired"],
    ]);
  }, 30_000);
});

describe("multi-node and operations", () => {
  let b: ProviderFiles;
  let providerB: RunningProvider;
  let clientB: PyKmsClient;

  test("a rotated key with no state: serve refuses at once (grace_timeout 60s) and says what to restore", async () => {
    const files = writeProviderFiles(emu, { extraToml: `${fast}\n[bootstrap]\ngrace_timeout = "60s"\nretry_interval = "200ms"\n` });
    cleanups.push(() => files.cleanup());
    const t0 = performance.now();
    const r = await runBinary(["serve", "--config", files.configPath], { timeoutMs: 10_000 });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("latest_version 2");
    expect(r.stderr).toContain(`restore ${files.statePath} and ${files.statePath}.checkpoint`);
    expect(existsSync(files.statePath)).toBe(false);
    expect(existsSync(files.socketPath)).toBe(false);
  }, 15_000);

  test("a second node restored from the first node's files converges on the same key_id after the next rotation", async () => {
    b = writeProviderFiles(emu, { extraToml: fast, logLevel: "info" });
    // docs/backup-and-restore.md: `backup` on the running first node, `backup --verify` and
    // `install` on the second.
    const backupDir = join(b.dir, "from-a");
    expect((await runBinary(["backup", "--config", a.configPath, "--out", backupDir])).code).toBe(0);
    expect((await runBinary(["backup", "--config", b.configPath, "--verify", backupDir])).code).toBe(0);
    const installed = Bun.spawnSync(["install", "-m", "0640", join(backupDir, "key-registry.json"), join(backupDir, "key-registry.json.checkpoint"), dirname(b.statePath)]);
    expect(installed.exitCode).toBe(0);
    providerB = await startProvider(b);
    clientB = new PyKmsClient(b.socketPath);
    cleanups.push(() => b.cleanup(), () => providerB.stop(), () => clientB.close());
    expect((await clientB.status()).key_id).toBe(keyIdOf(2));
    emu.rotateKey("kubernetes");
    // Before either promotes, B can already decrypt A's... and after, both agree.
    await until(async () => (await clientA.status()).key_id === keyIdOf(3) && (await clientB.status()).key_id === keyIdOf(3), 15_000, "both nodes on v3");
    const fromA = await clientA.encrypt(new Uint8Array(16).fill(7));
    const fromB = await clientB.encrypt(new Uint8Array(16).fill(8));
    expect(fromA.key_id).toBe(fromB.key_id);
    expect((await clientB.decrypt(fromA)).ok).toBe(true);
    expect((await clientA.decrypt(fromB)).ok).toBe(true);
    for (const s of everything) expect((await clientB.decrypt(s.reply)).ok).toBe(true);
  }, 30_000);

  test("a node that has not promoted yet decrypts a peer's newer ciphertext through discovery (pending, never promoted)", async () => {
    // C probes once a minute (so only discovery can tell it about v4 during this test) and
    // would wait an hour before promoting anything.
    await providerB.stop();
    await clientB.close();
    const slow = fast
      .replace(`activation_delay = "${delayMs / 1000}s"`, 'activation_delay = "1h"')
      .replace('probe_interval = "150ms"', 'probe_interval = "1m"')
      .replace('max_staleness = "2s"', 'max_staleness = "2m"');
    expect(slow).toContain('probe_interval = "1m"');
    const c = writeProviderFiles(emu, { extraToml: slow, logLevel: "info" });
    const fromB = join(c.dir, "from-b");
    expect((await runBinary(["backup", "--config", b.configPath, "--out", fromB])).code).toBe(0);
    expect(Bun.spawnSync(["install", "-m", "0640", join(fromB, "key-registry.json"), join(fromB, "key-registry.json.checkpoint"), dirname(c.statePath)]).exitCode).toBe(0);
    const providerC = await startProvider(c);
    const clientC = new PyKmsClient(c.socketPath);
    cleanups.push(() => c.cleanup(), () => providerC.stop(), () => clientC.close());
    emu.rotateKey("kubernetes");
    await until(async () => (await clientA.status()).key_id === keyIdOf(4), 15_000, "A on v4");
    const newer = await clientA.encrypt(new Uint8Array(16).fill(4));
    expect(newer.key_id).toBe(keyIdOf(4));
    const back = await clientC.decrypt(newer);
    expect(back.ok).toBe(true);
    expect((await clientC.status()).key_id).toBe(keyIdOf(3));
    const state = JSON.parse(readFileSync(c.statePath, "utf8"));
    const v4 = state.snapshots.find((r: { transitVersion: number }) => r.transitVersion === 4);
    expect(v4?.state).toBe("pending");
    // Recorded by discovery, not by a metadata probe: no observation was counted.
    expect(v4?.stableObservationCount).toBeUndefined();
    expect(v4?.observedAtUnix).toBeGreaterThan(0);
  }, 30_000);

  test("two nodes that each bootstrapped their own empty state observe the same rotation and converge", async () => {
    const own = await startEmulator();
    const n1 = writeProviderFiles(own, { extraToml: fast, logLevel: "info" });
    const n2 = writeProviderFiles(own, { extraToml: fast, logLevel: "info" });
    const p1 = await startProvider(n1);
    const p2 = await startProvider(n2);
    const c1 = new PyKmsClient(n1.socketPath);
    const c2 = new PyKmsClient(n2.socketPath);
    cleanups.push(() => own.stop(), () => n1.cleanup(), () => n2.cleanup(), () => p1.stop(), () => p2.stop(), () => c1.close(), () => c2.close());
    const id = (v: number) => deriveKeyId({ ...scopeFor(own) }, v, own.keyInfo("kubernetes")!.keys[String(v)]!);
    expect([(await c1.status()).key_id, (await c2.status()).key_id]).toEqual([id(1), id(1)]);
    const before = await c1.encrypt(new Uint8Array(16).fill(1));
    own.rotateKey("kubernetes");
    await until(async () => (await c1.status()).key_id === id(2) && (await c2.status()).key_id === id(2), 15_000, "both nodes on v2");
    const from1 = await c1.encrypt(new Uint8Array(16).fill(2));
    const from2 = await c2.encrypt(new Uint8Array(16).fill(3));
    expect([from1.key_id, from2.key_id]).toEqual([id(2), id(2)]);
    for (const [c, r] of [[c2, from1], [c1, from2], [c2, before]] as const) expect((await c.decrypt(r)).ok).toBe(true);
    // Same identities on both disks: the registries agree record for record.
    const ids = (f: ProviderFiles) => JSON.parse(readFileSync(f.statePath, "utf8")).snapshots.map((r: { kubernetesKeyId: string; state: string }) => [r.kubernetesKeyId, r.state]);
    expect(ids(n1)).toEqual(ids(n2));
  }, 30_000);

  test("Status is served from the cache with 0 OpenBao requests", async () => {
    // Its own emulator, so the other providers' probes are not counted.
    const own = await startEmulator();
    const quiet = writeProviderFiles(own, { extraToml: '[status]\nprobe_interval = "1m"\nmax_staleness = "2m"\n' });
    const p = await startProvider(quiet);
    const client = new PyKmsClient(quiet.socketPath);
    cleanups.push(() => own.stop(), () => quiet.cleanup(), () => p.stop(), () => client.close());
    await until(async () => (await client.status()).healthz === "ok", 5000, "healthy");
    own.resetCounts();
    for (let i = 0; i < 200; i++) expect((await client.status()).healthz).toBe("ok");
    expect(own.count()).toBe(0);
    // ...while Encrypt does call Transit, so the counter works.
    expect((await client.encrypt(new Uint8Array(8).fill(1))).ok).toBe(true);
    expect(own.count({ pathPrefix: "/v1/transit/encrypt/" })).toBe(1);
  });

  test("a second provider on the same state refuses to start and leaves the first one serving", async () => {
    const twin = writeProviderFiles(emu, { extraToml: fast, statePath: a.statePath });
    cleanups.push(() => twin.cleanup());
    const r = await runBinary(["serve", "--config", twin.configPath], { timeoutMs: 10_000 });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("locked");
    expect(existsSync(twin.socketPath)).toBe(false);
    expect((await clientA.status()).healthz).toBe("ok");
  }, 15_000);
});
