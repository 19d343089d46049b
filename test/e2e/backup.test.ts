// `backup` on the compiled binary: a consistent copy while serve runs and saves, SHA-256 sums
// that `sha256sum -c` and `backup --verify` check, refusal of a damaged or foreign backup, and
// the restore steps of docs/backup-and-restore.md bringing up a second node on the same key_id.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { fastProbesToml, startProvider, writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";
import { PyKmsClient } from "../helpers/py-kms-client.ts";
import { runBinary } from "../helpers/run-binary.ts";

const fast = fastProbesToml({ maxStaleness: "2s", activationDelay: "200ms", stableObservations: 1 });

let emu: Emulator;
let base: string;
beforeAll(async () => {
  emu = await startEmulator();
  base = mkdtempSync("/tmp/h7-backup-");
});
afterAll(async () => {
  await emu?.stop();
  rmSync(base, { recursive: true, force: true });
});

const backupTo = (files: ProviderFiles, name: string) => runBinary(["backup", "--config", files.configPath, "--out", join(base, name)]);
const verify = (files: ProviderFiles, name: string) => runBinary(["backup", "--config", files.configPath, "--verify", join(base, name)]);

test("no state yet: exit 4, nothing written", async () => {
  const files = writeProviderFiles(emu, { keyName: "backup-none" });
  try {
    const r = await backupTo(files, "none");
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("no key registry at");
  } finally {
    files.cleanup();
  }
});

test("while serve runs and saves (rotations every ~150 ms), every backup is a consistent pair; restore steps bring up a second node on the same key_id", async () => {
  emu.createKey("backup-live");
  const a = writeProviderFiles(emu, { keyName: "backup-live", extraToml: fast, logLevel: "info" });
  const b = writeProviderFiles(emu, { keyName: "backup-live", extraToml: fast, logLevel: "info" });
  // The second node shares the first one's identity (same config but its own socket and state).
  writeFileSync(b.configPath, readFileSync(a.configPath, "utf8").replace(a.socketPath, b.socketPath).replace(a.statePath, b.statePath));
  const pa = await startProvider(a);
  const ca = new PyKmsClient(a.socketPath);
  let stop = false;
  const rotating = (async () => {
    while (!stop) {
      emu.rotateKey("backup-live");
      await Bun.sleep(150);
    }
  })();
  try {
    const generations: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await backupTo(a, `live-${i}`);
      expect(r.code, r.stderr).toBe(0);
      generations.push(Number(/generation: +(\d+)/.exec(r.stdout)?.[1]));
      const v = await verify(a, `live-${i}`);
      expect(v.code, v.stderr).toBe(0);
      // The operator's own check of the sums.
      const sums = Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS"], { cwd: join(base, `live-${i}`) });
      expect(sums.exitCode).toBe(0);
      await Bun.sleep(60);
    }
    // The registry really moved on during the backups.
    expect(new Set(generations).size).toBeGreaterThan(2);
    stop = true;
    await rotating;

    // Restore (docs/backup-and-restore.md) onto node b, which has no state: verify, install, start.
    const r = await backupTo(a, "restore");
    expect(r.code).toBe(0);
    expect((await verify(b, "restore")).code).toBe(0);
    const dir = join(base, "restore");
    const inst = Bun.spawnSync(["install", "-m", "0640", join(dir, "key-registry.json"), join(dir, "key-registry.json.checkpoint"), join(b.statePath, "..")]);
    expect(inst.exitCode).toBe(0);
    const pb = await startProvider(b);
    const cb = new PyKmsClient(b.socketPath);
    try {
      const enc = await ca.encrypt(new Uint8Array(32).fill(4));
      expect(enc.ok).toBe(true);
      expect((await cb.decrypt(enc)).ok).toBe(true);
    } finally {
      await cb.close();
      await pb.stop();
    }
  } finally {
    stop = true;
    await rotating;
    await ca.close();
    await pa.stop();
    a.cleanup();
    b.cleanup();
  }
}, 60_000);

test("a changed byte fails both sha256sum -c and backup --verify (exit 4); another cluster's config is refused; an existing --out is never overwritten", async () => {
  emu.createKey("backup-tamper");
  const files = writeProviderFiles(emu, { keyName: "backup-tamper" });
  const p = await startProvider(files);
  await p.stop();
  try {
    expect((await backupTo(files, "tamper")).code).toBe(0);
    expect((await backupTo(files, "tamper")).code).toBe(1);
    const dir = join(base, "tamper");
    const other = writeProviderFiles(emu, { keyName: "backup-tamper" });
    writeFileSync(other.configPath, readFileSync(other.configPath, "utf8").replace(/key_lineage_id = "[0-9a-f]+"/, 'key_lineage_id = "fedcba9876543210fedcba9876543210"'));
    const foreign = await verify(other, "tamper");
    other.cleanup();
    expect(foreign.code).toBe(4);
    expect(foreign.stderr).toContain("another key_id scope");
    const state = join(dir, "key-registry.json");
    const text = readFileSync(state, "utf8");
    writeFileSync(state, text.replace(/"generation": ?(\d)/, (_m, d) => `"generation": ${(Number(d) + 1) % 10}`));
    expect(Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS"], { cwd: dir, stdout: "pipe", stderr: "pipe" }).exitCode).not.toBe(0);
    const v = await verify(files, "tamper");
    expect(v.code).toBe(4);
    expect(v.stderr).toContain("key-registry.json: SHA-256 does not match SHA256SUMS");
  } finally {
    files.cleanup();
  }
});
