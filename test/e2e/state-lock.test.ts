// The state lock in the compiled binary (flock through bun:ffi must work there too): a second
// `serve` on the same state path refuses to start with the "locked" message while the first
// keeps serving, and a lock held by a plain Bun process (the same flock) also stops the binary.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { canConnect, makeSocketDir, startProvider, writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";
import { runBinary } from "../helpers/run-binary.ts";

let emu: Emulator;
let files: ProviderFiles;

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { logLevel: "warn" });
});

afterAll(async () => {
  await emu?.stop();
  files?.cleanup();
});

/** A second config: same state path, its own socket. */
function secondConfig(): { configPath: string; socketPath: string } {
  const socketPath = join(makeSocketDir(), "kms.sock");
  const text = readFileSync(files.configPath, "utf8").replace(files.socketPath, socketPath);
  const configPath = join(files.dir, "second.toml");
  writeFileSync(configPath, text, { mode: 0o640 });
  return { configPath, socketPath };
}

const lockedMessage = "state is locked by another process (key-registry.json.lock in";

test("a second serve on the same state refuses to start; the first keeps serving", async () => {
  const first = await startProvider(files);
  try {
    const second = secondConfig();
    const run = await runBinary(["serve", "--config", second.configPath], { timeoutMs: 15_000 });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(lockedMessage);
    expect(await canConnect(second.socketPath)).toBe(false);
    expect(await canConnect(files.socketPath)).toBe(true);
  } finally {
    expect(await first.stop()).toBe(0);
  }
}, 30_000);

test("serve refuses while a Bun process holds the lock, and starts once it is released", async () => {
  const holder = Bun.spawn([process.execPath, join(import.meta.dir, "..", "registry", "children", "hold-lock.ts"), files.statePath], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const reader = holder.stdout.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toBe("held\n");
  const run = await runBinary(["serve", "--config", files.configPath], { timeoutMs: 15_000 });
  expect(run.code).not.toBe(0);
  expect(run.stdout + run.stderr).toContain(lockedMessage);
  holder.kill("SIGKILL");
  await holder.exited;
  const p = await startProvider(files);
  expect(await p.stop()).toBe(0);
}, 30_000);
