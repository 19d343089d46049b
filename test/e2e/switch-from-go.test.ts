// End to end on the binary, the steps docs/migrating-from-go.md gives: the state a provider
// writes is v1alpha2 bound to `config show`'s identityFingerprint; a v1alpha1 state (ours
// before) is upgraded by the first save after a restart, with one log line; a changed
// transit.key_name with the same state is refused at start-up; `probe --expected-key-id`
// passes with the state's activeKeyId (or its hash) and fails with exit 4 otherwise, printing
// hashes only; /ready carries rotation_state and persistence_degraded.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashValue } from "../../src/kms/hash.ts";
import { computeStateHash } from "../../src/registry/state-hash.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { listenerUrls, startProvider, writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";
import { jsonLines, runBinary } from "../helpers/run-binary.ts";

const fastProbes = `
[status]
probe_interval = "100ms"
deep_probe_interval = "300ms"
max_staleness = "2s"
`;

let emu: Emulator;
let files: ProviderFiles;
beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: fastProbes });
});
afterAll(async () => {
  await emu?.stop();
  files?.cleanup();
});

const fingerprintOf = async (configPath: string) => {
  const r = await runBinary(["config", "show", "--config", configPath, "--output", "json"]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { identityFingerprint: string }).identityFingerprint;
};
const readState = () => JSON.parse(readFileSync(files.statePath, "utf8")) as Record<string, unknown> & { activeKeyId: string; generation: number; currentHash: string };

async function until(cond: () => boolean, timeoutMs: number, what: string) {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

describe("switching implementations", () => {
  test("a fresh state is v1alpha2 with config show's fingerprint; probe --expected-key-id passes with its activeKeyId or its hash, fails (exit 4) otherwise; /ready has the new fields", async () => {
    const provider = await startProvider(files);
    try {
      const state = readState();
      expect(state.schemaVersion).toBe("keyregistry.openbao-kms/v1alpha2");
      expect(state.identityFingerprint).toBe(await fingerprintOf(files.configPath));

      for (const expected of [state.activeKeyId, hashValue(state.activeKeyId)]) {
        const ok = await runBinary(["probe", "--socket", files.socketPath, "--expected-key-id", expected, "--output", "json"]);
        expect(ok.code).toBe(0);
        const checks = (JSON.parse(ok.stdout) as { checks: Array<{ id: string; status: string; message?: string }> }).checks;
        expect(checks.find((c) => c.id === "kms.expected_key_id")).toMatchObject({ status: "pass", message: `H(key_id)=${hashValue(state.activeKeyId)}` });
        expect(ok.stdout).not.toContain(state.activeKeyId);
      }
      const other = `obk2.${hashValue("another key")}`;
      const bad = await runBinary(["probe", "--socket", files.socketPath, "--expected-key-id", other]);
      expect(bad.code).toBe(4);
      expect(bad.stdout).toContain(`Status H(key_id)=${hashValue(state.activeKeyId)}, expected H(key_id)=${hashValue(other)}`);
      expect(bad.stdout).not.toContain(state.activeKeyId);
      expect(bad.stdout).not.toContain(other);
      expect((await runBinary(["probe", "--socket", files.socketPath, "--expected-key-id", "not-a-key-id"])).code).toBe(2);

      const { health } = await listenerUrls(provider);
      const ready = (await (await fetch(`${health}/ready`)).json()) as Record<string, unknown>;
      expect(ready).toMatchObject({ status: "ok", rotation_state: "active", persistence_degraded: false });
      expect(Number.isInteger(ready.cache_age_ms)).toBe(true);
    } finally {
      expect(await provider.stop()).toBe(0);
    }
  });

  test("a v1alpha1 state loads after a restart and the first save upgrades it to v1alpha2, logged once", async () => {
    // Turn the provider's own state back into what our earlier releases wrote (v1alpha1: no
    // fingerprint, hashed without it), with a matching checkpoint.
    const v2 = readState();
    const { identityFingerprint: _f, currentHash: _h, ...rest } = v2;
    const v1 = { ...rest, schemaVersion: "keyregistry.openbao-kms/v1alpha1" } as never as Parameters<typeof computeStateHash>[0];
    const currentHash = computeStateHash(v1);
    const { snapshots, activeKeyId, generation, previousHash } = v1 as { snapshots: unknown; activeKeyId: string; generation: number; previousHash?: string };
    const v1File = { schemaVersion: "keyregistry.openbao-kms/v1alpha1", generation, ...(previousHash ? { previousHash } : {}), currentHash, activeKeyId, snapshots };
    writeFileSync(files.statePath, `${JSON.stringify(v1File, null, 2)}\n`, { mode: 0o640 });
    writeFileSync(`${files.statePath}.checkpoint`, `${JSON.stringify({ schemaVersion: "keyregistry.openbao-kms/checkpoint/v1alpha1", generation, currentHash }, null, 2)}\n`, { mode: 0o640 });

    const provider = await startProvider(files);
    try {
      expect(readState().schemaVersion).toBe("keyregistry.openbao-kms/v1alpha1");
      // A rotation gives the provider something to save (the new version, pending).
      emu.rotateKey("kubernetes");
      await until(() => readState().schemaVersion === "keyregistry.openbao-kms/v1alpha2", 5000, "the upgrade");
      const after = readState();
      expect(after.identityFingerprint).toBe(await fingerprintOf(files.configPath));
      expect(after.generation).toBe(generation + 1);
      expect(after.previousHash).toBe(currentHash);
      await until(() => readState().generation > generation + 1, 8000, "a later save");
      // An independent reader (Python, the Go encoder's rules) accepts the upgraded file as written.
      const verified = Bun.spawnSync(["/usr/bin/python3", join(import.meta.dir, "..", "fixtures", "registry", "verify_state.py"), files.statePath, String(after.identityFingerprint)], { stdout: "pipe" });
      expect(verified.stdout.toString()).toStartWith("ok keyregistry.openbao-kms/v1alpha2 ");
      expect(verified.exitCode).toBe(0);
      const upgrades = jsonLines(provider.output).filter((l) => l.message === "registry.schema_upgraded");
      expect(upgrades).toHaveLength(1);
      expect(upgrades[0]).toMatchObject({ level: "info", outcome: "upgraded", version: "keyregistry.openbao-kms/v1alpha2", reason: "from keyregistry.openbao-kms/v1alpha1", generation: generation + 1 });
    } finally {
      expect(await provider.stop()).toBe(0);
    }
  });

  test("the same state with a changed transit.key_name is refused at start-up, printing both fingerprints", async () => {
    const text = readFileSync(files.configPath, "utf8");
    const moved = text.replace(/^key_name = "([^"]+)"$/m, 'key_name = "$1-renamed"');
    expect(moved).not.toBe(text);
    const movedPath = `${files.dir}/renamed.toml`;
    writeFileSync(movedPath, moved, { mode: 0o640 });
    const r = await runBinary(["serve", "--config", movedPath], { timeoutMs: 15_000 });
    expect(r.code).toBe(5);
    const out = r.stdout + r.stderr;
    expect(out).toContain("transit.mount_path or transit.key_name differs");
    expect(out).toContain(`state identityFingerprint ${readState().identityFingerprint}`);
    expect(out).toContain(`config identityFingerprint ${await fingerprintOf(movedPath)}`);
  });
});
