// Small operator papercuts, on the compiled binary: `probe --config` takes the socket from the
// config; `install systemd --root DIR` creates a missing DIR and prints each owner once.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startProvider, writeProviderFiles } from "../helpers/provider.ts";
import { runBinary } from "../helpers/run-binary.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

test("probe --config: the socket comes from server.socket_path; --socket with --config is a usage error; a bad config exits 3", async () => {
  const files = writeProviderFiles(emu);
  const provider = await startProvider(files);
  try {
    const r = await runBinary(["probe", "--config", files.configPath, "--output", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).checks.map((c: { status: string }) => c.status)).not.toContain("fail");
    expect((await runBinary(["probe", "--config", files.configPath, "--socket", files.socketPath])).code).toBe(2);
    expect((await runBinary(["probe", "--config", join(files.dir, "missing.toml")])).code).toBe(3);
  } finally {
    await provider.stop();
    files.cleanup();
  }
});

test("install systemd --root DIR: DIR (and its parents) created when missing; an owner that could not be set is printed once, as not set", async () => {
  const base = mkdtempSync("/tmp/h7-install-");
  const root = join(base, "new", "image");
  try {
    const r = await runBinary(["install", "systemd", "--root", root]);
    expect(r.code).toBe(0);
    expect(statSync(root).isDirectory()).toBe(true);
    expect(existsSync(join(root, "usr/lib/systemd/system/bao-kms-provider.service"))).toBe(true);
    // The image has no /etc/passwd with our users: owners are not set, and said so once per path.
    expect(r.stdout).toContain("Owners not set");
    const stateRows = r.stdout.split("\n").filter((l) => l.includes("/var/lib/openbao-kms/state"));
    expect(stateRows).toHaveLength(2);
    expect(stateRows[0]).toMatch(/created +\/var\/lib\/openbao-kms\/state \(0750, owner not set\)/);
    expect(stateRows[1]).toBe("  openbao-kms:openbao-kms /var/lib/openbao-kms/state");
    // A path that exists and is not a directory is still refused.
    const file = join(base, "file");
    await Bun.write(file, "x");
    const bad = await runBinary(["install", "systemd", "--root", file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("is not a directory");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
