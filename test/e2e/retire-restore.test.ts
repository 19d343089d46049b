// End to end on the compiled binary: rotation-plan / verify-rotation reports, and
// retire-versions / restore-versions. Retiring makes exactly the retired versions' ciphertext
// fail with NOT_FOUND; restoring brings it back. Plans are read-only; --apply needs the
// reviewed hash and the state lock.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { hashValue } from "../../src/kms/hash.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { fastProbesToml, startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { PyKmsClient, type EncryptReply } from "../helpers/py-kms-client.ts";
import { runBinary } from "../helpers/run-binary.ts";

const fast = fastProbesToml({ maxStaleness: "2s" });

let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider | undefined;
let client: PyKmsClient | undefined;
const byVersion = new Map<number, EncryptReply>();

function keyIdOf(v: number): string {
  const created = emu.keyInfo("kubernetes")?.keys[String(v)];
  if (created === undefined) return "";
  return deriveKeyId(
    { providerName: "openbao-kms", clusterId: "e2e-cluster", openbaoInstanceId: "emulator-1", openbaoNamespace: "", transitMountId: emu.mountUuid("transit"), keyLineageId: "0123456789abcdef0123456789abcdef" },
    v,
    created,
  );
}

async function up() {
  provider = await startProvider(files);
  client = new PyKmsClient(files.socketPath);
  const deadline = performance.now() + 5000;
  while ((await client.status()).healthz !== "ok") {
    if (performance.now() > deadline) throw new Error("provider not healthy");
    await Bun.sleep(20);
  }
}

async function down() {
  await client?.close();
  await provider?.stop();
  client = undefined;
  provider = undefined;
}

const cli = (...args: string[]) => runBinary([...args, "--config", files.configPath]);
const json = (s: string) => JSON.parse(s) as Record<string, any>;

async function decryptCode(v: number): Promise<string> {
  const r = await client!.decrypt(byVersion.get(v)!);
  return r.ok ? "OK" : (r.code as string);
}

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: fast, logLevel: "info" });
  await up();
  for (const v of [1, 2, 3]) {
    if (v > 1) {
      emu.rotateKey("kubernetes");
      const deadline = performance.now() + 10_000;
      while ((await client!.status()).key_id !== keyIdOf(v)) {
        if (performance.now() > deadline) throw new Error(`no promotion to v${v}`);
        await Bun.sleep(25);
      }
    }
    const r = await client!.encrypt(new Uint8Array(24).fill(v));
    expect(r.key_id).toBe(keyIdOf(v));
    byVersion.set(v, r);
  }
}, 40_000);

afterAll(async () => {
  await down();
  await emu?.stop();
  files?.cleanup();
});

describe("reports", () => {
  test("rotation-plan: stable, generation, hashes only, checkpoint current", async () => {
    const r = await cli("rotation-plan", "--output", "json");
    expect(r.code).toBe(0);
    const v = json(r.stdout);
    const state = JSON.parse(readFileSync(files.statePath, "utf8"));
    expect(v).toMatchObject({
      command: "rotation-plan",
      transitMetadataStatus: "ok",
      stateLoaded: true,
      stateGeneration: state.generation,
      stateHash: state.currentHash,
      checkpointStatus: "current",
      rotationState: "stable",
      activeKeyIdHash: hashValue(keyIdOf(3)),
      activeTransitVersion: 3,
      latestTransitVersion: 3,
      pendingTransitVersion: null,
      nextProbe: "no change",
      decryptableVersions: [3, 2, 1],
    });
    expect(r.stdout).not.toContain("obk2.");
  });

  test("verify-rotation: complete → exit 0 with limited confidence and its limitations", async () => {
    const ok = await cli("verify-rotation", "--output", "json");
    expect(ok.code).toBe(0);
    expect(json(ok.stdout)).toMatchObject({ complete: true, confidence: "limited" });
    expect(json(ok.stdout).limitations.length).toBeGreaterThan(0);
  });

  test("text output and usage errors", async () => {
    const t = await cli("rotation-plan");
    expect(t.stdout).toContain("  Rotation:             stable: the active version is Transit's latest\n");
    expect(t.stdout).toMatch(/\n  Active version: +[0-9]+ \(key_id hash [A-Za-z0-9_-]{43}\)\n/);
    // People's words, not a dump of the JSON field names.
    expect(t.stdout).not.toMatch(/\b[a-z]+[A-Z][A-Za-z]*:/);
    expect((await cli("rotation-plan", "--output", "yaml")).code).toBe(2);
    for (const args of [["retire-versions"], ["retire-versions", "--before-version", "1"], ["retire-versions", "--before-version", "x"], ["retire-versions", "--before-version", "3", "--apply"], ["restore-versions"], ["restore-versions", "--versions", "1,a"]]) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    for (const cmd of ["rotation-plan", "verify-rotation", "retire-versions", "restore-versions"]) {
      const h = await runBinary([cmd, "--help"]);
      expect(h.code).toBe(0);
      expect(h.stdout).toContain(`Usage: bao-kms-provider ${cmd}`);
    }
  });
});

describe("retire and restore", () => {
  let planHash = "";

  test("plan (default): lists exactly versions 1 and 2, writes nothing", async () => {
    const before = readFileSync(files.statePath, "utf8");
    const r = await cli("retire-versions", "--before-version", "3", "--output", "json");
    expect(r.code).toBe(0);
    const v = json(r.stdout);
    expect(v).toMatchObject({ operation: "retire", applied: false, beforeVersion: 3, activeKeyIdHash: hashValue(keyIdOf(3)) });
    expect(v.removedVersions).toEqual([
      { transitVersion: 2, keyIdHash: hashValue(keyIdOf(2)), transit: "listed" },
      { transitVersion: 1, keyIdHash: hashValue(keyIdOf(1)), transit: "listed" },
    ]);
    expect(v.nextGeneration).toBe(JSON.parse(before).generation + 1);
    planHash = v.stateHash;
    expect(readFileSync(files.statePath, "utf8")).toBe(before);
    expect(await decryptCode(1)).toBe("OK");
  });

  test("--before-version above the active version is refused (exit 4)", async () => {
    const r = await cli("retire-versions", "--before-version", "4");
    expect(r.code).toBe(4);
  });

  test("--apply without etcd settings is refused (the objects cannot be checked) unless --skip-object-check", async () => {
    const r = await cli("retire-versions", "--before-version", "3", "--output", "json");
    expect(json(r.stdout).objectCheck).toBe("not checked: etcd is not configured ([etcd] endpoints or --etcd-endpoints)");
    await down();
    try {
      const refused = await cli("retire-versions", "--before-version", "3", "--apply", "--expected-state-hash", planHash);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain("cannot check that no object in etcd still uses version(s) 2, 1");
      expect(refused.stderr).toContain("--skip-object-check");
      expect(JSON.parse(readFileSync(files.statePath, "utf8")).currentHash).toBe(planHash);
    } finally {
      await up();
    }
  }, 20_000);

  test("--apply while serve holds the state lock is refused", async () => {
    const r = await cli("retire-versions", "--before-version", "3", "--apply", "--expected-state-hash", planHash, "--skip-object-check");
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("locked");
  });

  test("--apply with a stale hash is refused; with the reviewed hash it applies; exactly v1 and v2 then fail with NOT_FOUND", async () => {
    await down();
    const stale = `krs1.${"A".repeat(43)}`;
    const bad = await cli("retire-versions", "--before-version", "3", "--apply", "--expected-state-hash", stale, "--skip-object-check");
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain("state hash differs from reviewed plan");
    const r = await cli("retire-versions", "--before-version", "3", "--apply", "--expected-state-hash", planHash, "--output", "json", "--skip-object-check");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("WARNING: etcd was NOT checked (--skip-object-check)");
    expect(json(r.stdout).objectCheck).toBe("skipped");
    expect(json(r.stdout)).toMatchObject({ applied: true });
    const state = JSON.parse(readFileSync(files.statePath, "utf8"));
    expect(state.previousHash).toBe(planHash);
    expect(state.snapshots.map((s: { transitVersion: number; state: string }) => [s.transitVersion, s.state])).toEqual([
      [3, "active"],
      [2, "removed"],
      [1, "removed"],
    ]);
    await up();
    expect([await decryptCode(1), await decryptCode(2), await decryptCode(3)]).toEqual(["NOT_FOUND", "NOT_FOUND", "OK"]);
  }, 20_000);

  test("restore-versions --versions 1 brings back exactly version 1", async () => {
    const plan = await cli("restore-versions", "--versions", "1", "--output", "json");
    expect(plan.code).toBe(0);
    const v = json(plan.stdout);
    expect(v).toMatchObject({ operation: "restore", applied: false, restoredVersions: [{ transitVersion: 1, keyIdHash: hashValue(keyIdOf(1)), transit: "listed" }] });
    await down();
    const r = await cli("restore-versions", "--versions", "1", "--apply", "--expected-state-hash", v.stateHash);
    expect(r.code).toBe(0);
    await up();
    expect([await decryptCode(1), await decryptCode(2), await decryptCode(3)]).toEqual(["OK", "NOT_FOUND", "OK"]);
  }, 20_000);

  test("restoring a version that is not removed is refused", async () => {
    const r = await cli("restore-versions", "--versions", "3");
    expect(r.code).toBe(4);
  });

  test("a new Transit version: rotation-plan shows it pending with its count, verify-rotation exits 4", async () => {
    // A provider that will not promote during this test, so "pending" cannot be missed.
    await down();
    writeFileSync(files.configPath, readFileSync(files.configPath, "utf8").replace('activation_delay = "1s"', 'activation_delay = "1h"'), { mode: 0o640 });
    await up();
    emu.rotateKey("kubernetes");
    const deadline = performance.now() + 5000;
    let v: Record<string, any> = {};
    while (performance.now() < deadline) {
      v = json((await cli("rotation-plan", "--output", "json")).stdout);
      if (v.pendingTransitVersion === 4) break;
      await Bun.sleep(20);
    }
    expect(v).toMatchObject({ rotationState: "pending", pendingTransitVersion: 4, pendingKeyIdHash: hashValue(keyIdOf(4)), latestTransitVersion: 4, activeTransitVersion: 3 });
    expect(v.pendingStableObservationCount).toBeGreaterThanOrEqual(1);
    const r = await cli("verify-rotation", "--output", "json");
    expect(r.code).toBe(4);
    expect(json(r.stdout)).toMatchObject({ complete: false, activeTransitVersion: 3, pendingTransitVersion: 4 });
    expect(json(r.stdout).incomplete.join(" ")).toContain("version 4 is pending");
  }, 15_000);
});
