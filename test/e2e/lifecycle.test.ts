// End to end on the compiled binary: OpenBao outages, graceful shutdown with calls in flight,
// the binary alone in an empty directory plus `probe`, and startup failures' exit codes.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { configWithOwnState, ensureBinary, startProvider, writeProviderFiles } from "../helpers/provider.ts";
import { PyKmsClient } from "../helpers/py-kms-client.ts";
import { runBinary } from "../helpers/run-binary.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

/** Runs the binary to completion (async: the emulator lives here); output checked for secrets. */
const run = (args: string[], cwd = "/") => runBinary(args, { cwd });

describe("OpenBao outages", () => {
  test.each([
    ["connections dropped", (on: boolean) => emu.dropConnections(on)],
    ["sealed", (on: boolean) => (on ? emu.seal() : emu.unseal())],
  ])("%s → UNAVAILABLE with a fixed message, then recovers", async (_name, fault) => {
    const files = writeProviderFiles(emu);
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    try {
      const enc = await client.encrypt(new Uint8Array(32).fill(1));
      expect(enc.ok).toBe(true);
      fault(true);
      const down = await client.decrypt(enc);
      expect(down).toMatchObject({ ok: false, code: "UNAVAILABLE", details: "transit unavailable" });
      fault(false);
      expect((await client.decrypt(enc)).ok).toBe(true);
    } finally {
      fault(false);
      await client.close();
      await provider.stop();
      files.cleanup();
    }
  });

  test("a hung OpenBao → DEADLINE_EXCEEDED at openbao.timeout", async () => {
    const files = writeProviderFiles(emu, { timeout: "300ms" });
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    try {
      const enc = await client.encrypt(new Uint8Array(32).fill(2));
      emu.hang(true, "/v1/transit/decrypt");
      const t0 = performance.now();
      const r = await client.decrypt(enc);
      const took = performance.now() - t0;
      expect(r).toMatchObject({ ok: false, code: "DEADLINE_EXCEEDED", details: "request timed out" });
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(2000);
    } finally {
      emu.hang(false, "/v1/transit/decrypt");
      await client.close();
      await provider.stop();
      files.cleanup();
    }
  });
});

test("SIGTERM with calls in flight: they complete, the socket is removed, exit 0", async () => {
  const files = writeProviderFiles(emu);
  const provider = await startProvider(files);
  const client = new PyKmsClient(files.socketPath);
  try {
    const enc = await client.encrypt(new Uint8Array(32).fill(3));
    emu.setLatency(700, "/v1/transit/decrypt");
    emu.resetCounts();
    const burst = client.send<{ ok: boolean; results: Array<{ ok: boolean; plaintext?: string }> }>({
      op: "burst",
      n: 6,
      call: { op: "decrypt", ciphertext: enc.ciphertext, key_id: enc.key_id, annotations: enc.annotations },
    });
    // SIGTERM only once all six are in flight at OpenBao (a fixed sleep flaked on a busy machine).
    for (let t0 = performance.now(); emu.count({ pathPrefix: "/v1/transit/decrypt" }) < 6; ) {
      if (performance.now() - t0 > 5000) throw new Error("the burst never reached OpenBao");
      await Bun.sleep(5);
    }
    provider.signal("SIGTERM");
    const results = (await burst).results;
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, true]);
    // Wait for the exit: stop() would send a second SIGTERM if the drain were still closing up.
    expect(await provider.proc.exited).toBe(0);
    expect(await provider.stop()).toBe(0);
    expect(existsSync(files.socketPath)).toBe(false);
    expect(provider.output.some((l) => l.includes('"serve.shutdown"') && l.includes('"drained"'))).toBe(true);
  } finally {
    emu.setLatency(0, "/v1/transit/decrypt");
    await client.close();
    files.cleanup();
  }
});

test("the binary alone in an empty directory serves, ignores a stray .env/bunfig.toml, and probe passes", async () => {
  const dir = mkdtempSync("/tmp/bkp-alone-");
  const files = writeProviderFiles(emu);
  try {
    const alone = join(dir, "bao-kms-provider");
    copyFileSync(ensureBinary(), alone);
    // A compiled Bun binary would autoload these from its cwd unless built not to.
    writeFileSync(join(dir, ".env"), "BAO_KMS_PROVIDER_LOG_LEVEL=nonsense\n");
    writeFileSync(join(dir, "bunfig.toml"), "preload = ['./nope.ts']\n");
    const provider = await startProvider(files, { binary: alone, cwd: dir });
    try {
      const p = Bun.spawn([alone, "probe", "--socket", files.socketPath, "--output", "json"], { cwd: dir, stdout: "pipe" });
      const [stdout, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as { name: string; checks: Array<{ id: string; status: string }> };
      expect(report.name).toBe("probe");
      expect(report.checks.map((c) => c.id)).toEqual(["client.identity", "socket.path", "socket.connect", "kms.status", "kms.key_id", "kms.encrypt", "kms.decrypt"]);
      expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
      expect(report.checks.slice(1).every((c) => c.status === "pass")).toBe(true);
    } finally {
      await provider.stop();
    }
  } finally {
    files.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("probe failures exit 4", () => {
  test("no socket", async () => {
    const r = await run(["probe", "--socket", "/run/openbao-kms/does-not-exist.sock"]);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("[fail] socket.path");
    expect(r.stdout).toContain("[skip] kms.decrypt");
  });
  test("bad flags exit 2", async () => {
    expect((await run(["probe", "--socket", "relative.sock"])).code).toBe(2);
    expect((await run(["probe", "--timeout", "10"])).code).toBe(2);
    expect((await run(["probe", "--output", "yaml"])).code).toBe(2);
    expect((await run(["probe", "--nope"])).code).toBe(2);
  });
});

/** One start-up attempt, no retries (bootstrap.grace_timeout = 0s). */
const noGrace = '[bootstrap]\ngrace_timeout = "0s"\n';

describe("startup failures", () => {
  test("invalid config → exit 3 listing the problem", async () => {
    const dir = mkdtempSync("/tmp/bkp-badcfg-");
    try {
      writeFileSync(join(dir, "c.toml"), 'config_version = "v1"\nbogus = 1\n');
      const r = await run(["serve", "--config", join(dir, "c.toml")]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("bogus");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a JWT the emulator does not trust → exit 5, a clear message, and no secret in the output", async () => {
    const files = writeProviderFiles(emu, { extraToml: noGrace });
    try {
      const foreign = emu.mintForeignJwt();
      writeFileSync(files.jwtFile, foreign + "\n");
      const r = await run(["serve", "--config", files.configPath]);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain("authentication failed (login_rejected): OpenBao refused the login at auth/jwt (HTTP 400)");
      expect(r.stderr + r.stdout).not.toContain(foreign);
      expect(r.stderr + r.stdout).not.toContain(foreign.split(".")[2]!);
      expect(existsSync(files.socketPath)).toBe(false);
    } finally {
      files.cleanup();
    }
  });

  test("a missing Transit key → exit 5 naming the key", async () => {
    const files = writeProviderFiles(emu, { keyName: "no-such-key", extraToml: noGrace });
    try {
      const r = await run(["serve", "--config", files.configPath]);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain("transit/keys/no-such-key not found");
    } finally {
      files.cleanup();
    }
  });

  test("a second instance on the same socket refuses to start and leaves the first serving", async () => {
    const files = writeProviderFiles(emu);
    const provider = await startProvider(files);
    try {
      // its own state directory: the same state would be refused by the registry lock first
      const r = await run(["serve", "--config", configWithOwnState(files)]);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain("in use");
      const client = new PyKmsClient(files.socketPath);
      expect((await client.status()).healthz).toBe("ok");
      await client.close();
    } finally {
      await provider.stop();
      files.cleanup();
    }
  });
});

describe("CLI basics", () => {
  test("version prints build identity", async () => {
    const r = await run(["version", "--output", "json"]);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout) as Record<string, string>;
    expect(v.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(v.commit).toMatch(/^[0-9a-f]{40}$|^unknown$/);
    expect(v.bunVersion).toBe(Bun.version);
  });
  test.each([["serve"], ["probe"], ["version"]])("%s --help exits 0", async (cmd) => {
    const r = await run([cmd, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: bao-kms-provider ${cmd}`);
  });
  test("unknown command exits 2", async () => {
    expect((await run(["frobnicate"])).code).toBe(2);
  });
});
