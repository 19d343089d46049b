// config check/show/schema, benchmark and the help/usage contract, on the compiled binary.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { identityFingerprint } from "../../src/config/fingerprint.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startProvider, writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";
import { runBinary } from "../helpers/cli.ts";
import { fixturePath } from "../config/fixture.ts";

let emu: Emulator;
let files: ProviderFiles;
let work: string;

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { logLevel: "info" });
  work = mkdtempSync("/tmp/bkp-cli-");
});

afterAll(async () => {
  await emu?.stop();
  files?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("config check", () => {
  test("valid: exit 0, fingerprint equal to the library's", async () => {
    const r = await runBinary(["config", "check", "--config", files.configPath]);
    expect(r.code).toBe(0);
    const fp = identityFingerprint(parseConfigText(readFileSync(files.configPath, "utf8")));
    expect(r.stdout).toBe(`config ok: ${files.configPath}\nidentityFingerprint: ${fp}\n`);
  });

  test("every problem is listed, exit 3", async () => {
    const r = await runBinary(["config", "check", "--config", fixturePath("bad-many-problems.toml")]);
    expect(r.code).toBe(3);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toStartWith("config invalid (");
    expect(lines.length).toBeGreaterThan(3);
  });

  test("filesystem checks: world-readable config, group-writable CA, missing socket dir — all at once", async () => {
    const ca = join(work, "ca.pem");
    writeFileSync(ca, readFileSync(emu.caFile));
    chmodSync(ca, 0o664);
    const path = join(work, "fs.toml");
    const text = readFileSync(files.configPath, "utf8")
      .replace(/ca_cert_file = ".*"/, `ca_cert_file = "${ca}"`)
      .replace(/socket_path = ".*"/, 'socket_path = "/run/openbao-kms/no-such-dir/kms.sock"');
    writeFileSync(path, text, { mode: 0o644 });
    chmodSync(path, 0o644);
    const r = await runBinary(["config", "check", "--config", path, "--output", "json"]);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout) as { valid: boolean; problems: Array<{ path: string; message: string }> };
    expect(j.valid).toBe(false);
    expect(j.problems).toEqual([
      { path: "", message: "config file permissions unsafe: mode must not include 0037 (has 0644)" },
      { path: "openbao.ca_cert_file", message: "file permissions unsafe: mode must not include 0022 (has 0664)" },
      { path: "server.socket_path", message: "parent directory /run/openbao-kms/no-such-dir must exist" },
    ]);
  });

  test("a symlinked JWT file is refused", async () => {
    const link = join(work, "jwt-link");
    const { symlinkSync } = await import("node:fs");
    symlinkSync(files.jwtFile, link);
    const path = join(work, "symlink.toml");
    writeFileSync(path, readFileSync(files.configPath, "utf8").replace(/jwt_file = ".*"/, `jwt_file = "${link}"`), { mode: 0o640 });
    const r = await runBinary(["config", "check", "--config", path]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("auth.jwt.jwt_file: must not be a symlink");
  });
});

test("serve runs the same filesystem checks: a world-readable config exits 3 before any OpenBao call", async () => {
  const path = join(work, "serve-644.toml");
  writeFileSync(path, readFileSync(files.configPath, "utf8"));
  chmodSync(path, 0o644);
  const before = emu.count();
  const r = await runBinary(["serve", "--config", path]);
  expect(r.code).toBe(3);
  expect(r.stderr).toContain("config file permissions unsafe: mode must not include 0037");
  expect(emu.count()).toBe(before);
});

describe("config show", () => {
  test("effective config as dotted keys, defaults filled, then the fingerprint", async () => {
    const r = await runBinary(["config", "show", "--config", files.configPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('openbao.timeout = "2s"\n');
    expect(r.stdout).toContain('server.socket_mode = "0660"\n');
    expect(r.stdout).toContain('status.max_staleness = "2m"\n');
    expect(r.stdout).toMatch(/\nidentityFingerprint: cfg1\.[A-Za-z0-9_-]{43}\n$/);
    expect(r.stdout).not.toContain(readFileSync(files.jwtFile, "utf8").trim());
  });

  test("env override is shown (BAO_KMS_PROVIDER_LOG_LEVEL), JSON form", async () => {
    const r = await runBinary(["config", "show", "--config", files.configPath, "--output", "json"], { env: { BAO_KMS_PROVIDER_LOG_LEVEL: "warn" } });
    const j = JSON.parse(r.stdout) as { config: Record<string, unknown>; identityFingerprint: string };
    expect(j.config["logging.level"]).toBe("warn");
    expect(j.identityFingerprint).toStartWith("cfg1.");
  });

  test("unreadable config → exit 3", async () => {
    const r = await runBinary(["config", "show", "--config", join(work, "nope.toml")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("file not found");
  });
});

test("config schema prints JSON Schema draft-07", async () => {
  const r = await runBinary(["config", "schema"]);
  expect(r.code).toBe(0);
  const s = JSON.parse(r.stdout);
  expect(s.$schema).toBe("http://json-schema.org/draft-07/schema#");
  expect(s.properties.config_version).toEqual({ const: "v1" });
});

describe("benchmark", () => {
  test("Transit only: the documented lines, numbers ordered min ≤ p50 ≤ p99 ≤ max", async () => {
    const enc = emu.count({ pathPrefix: "/v1/transit/encrypt/" });
    const dec = emu.count({ pathPrefix: "/v1/transit/decrypt/" });
    const r = await runBinary(["benchmark", "--config", files.configPath, "--iterations", "5"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.slice(0, 2)).toEqual(["benchmark", "iterations: 5"]);
    const keys = lines.slice(2).map((l) => l.split(":")[0]);
    expect(keys).toEqual(["encrypt", "decrypt"].flatMap((op) => ["min", "p50", "p99", "max"].map((s) => `transit_${op}_ms_${s}`)));
    for (const op of ["encrypt", "decrypt"]) {
      const v = ["min", "p50", "p99", "max"].map((s) => Number(lines.find((l) => l.startsWith(`transit_${op}_ms_${s}:`))!.split(": ")[1]));
      expect(v.every((x) => x > 0)).toBe(true);
      expect([...v].sort((a, b) => a - b)).toEqual(v);
    }
    expect(emu.count({ pathPrefix: "/v1/transit/encrypt/" }) - enc).toBe(5);
    expect(emu.count({ pathPrefix: "/v1/transit/decrypt/" }) - dec).toBe(5);
  });

  test("with --socket: KMS Status/Encrypt/Decrypt against a running provider (JSON)", async () => {
    const provider = await startProvider(files);
    try {
      const r = await runBinary(["benchmark", "--config", files.configPath, "--iterations", "3", "--socket", files.socketPath, "--output", "json"]);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as { name: string; iterations: number; unit: string; results: Record<string, Record<string, number>> };
      expect(j.name).toBe("benchmark");
      expect(j.iterations).toBe(3);
      expect(j.unit).toBe("ms");
      expect(Object.keys(j.results)).toEqual(["transit_encrypt", "transit_decrypt", "kms_status", "kms_encrypt", "kms_decrypt"]);
      for (const s of Object.values(j.results)) expect(Object.keys(s)).toEqual(["min", "p50", "p99", "max"]);
    } finally {
      await provider.stop();
    }
  });

  test("a socket nobody listens on → exit 4", async () => {
    const r = await runBinary(["benchmark", "--config", files.configPath, "--iterations", "1", "--socket", "/run/openbao-kms/none.sock"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("KMS call on /run/openbao-kms/none.sock failed");
  });

  test("login refused → exit 4 with a one-line reason", async () => {
    emu.deny("/v1/auth/jwt/login");
    try {
      const r = await runBinary(["benchmark", "--config", files.configPath, "--iterations", "1"]);
      expect(r.code).toBe(4);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      emu.allow("/v1/auth/jwt/login");
    }
  });

  test.each([
    [["--iterations", "0"], "iterations must be positive"],
    [["--iterations", "-3"], "iterations must be positive"],
    [["--iterations", "x"], "--iterations must be a whole number"],
    [["--socket", "relative.sock"], "--socket must be an absolute path"],
  ])("%p → exit 2", async (args, message) => {
    const r = await runBinary(["benchmark", "--config", files.configPath, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`bao-kms-provider: ${message}`);
  });
});

describe("policy openbao", () => {
  test("6 stanzas in the reference order; 5 with --include-token-renewal=false", async () => {
    const r = await runBinary(["policy", "openbao", "--config", files.configPath]);
    expect(r.code).toBe(0);
    const paths = [...r.stdout.matchAll(/path "([^"]+)" \{\n  capabilities = \[([^\]]*)\]/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(paths).toEqual([
      'transit/keys/kubernetes "read"', 'transit/encrypt/kubernetes "update"', 'transit/decrypt/kubernetes "update"',
      'transit/config/keys "read"', 'sys/capabilities-self "update"', 'auth/token/renew-self "update"',
    ]);
    const short = await runBinary(["policy", "openbao", "--config", files.configPath, "--include-token-renewal=false"]);
    expect(short.stdout.match(/^path /gm)).toHaveLength(5);
    expect(short.stdout).not.toContain("renew-self");
  });

  test("the printed policy is what doctor accepts (emulator ACL)", async () => {
    const r = await runBinary(["policy", "openbao", "--config", files.configPath]);
    emu.setPolicy("kms-plugin", r.stdout);
    try {
      const d = await runBinary(["doctor", "--config", files.configPath]);
      expect(d.stdout).toContain("[pass] transit.capabilities:");
    } finally {
      emu.deletePolicy("kms-plugin");
    }
  });

  test("bare `policy` prints help (exit 0); unknown subcommand and bad flag value exit 2", async () => {
    expect((await runBinary(["policy"])).code).toBe(0);
    const bad = await runBinary(["policy", "vault"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('bao-kms-provider: unknown policy subcommand "vault" (expected openbao)\n');
    expect((await runBinary(["policy", "openbao", "--include-token-renewal=maybe"])).code).toBe(2);
  });
});

describe("help and usage", () => {
  const helpCases: string[][] = [["doctor"], ["verify-key"], ["init"], ["benchmark"], ["config"], ["config", "check"], ["config", "show"], ["config", "schema"], ["config", "import"], ["policy", "openbao"]];
  test.each(helpCases.map((c) => [c.join(" ")]))("%s --help: exit 0 with a Usage line", async (joined) => {
    const cmd = joined.split(" ");
    const r = await runBinary([...cmd, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith(cmd[0] === "config" && cmd.length === 1 ? "Usage: bao-kms-provider config <check|show|schema|import>" : `Usage: bao-kms-provider ${cmd.join(" ")}`);
  });

  test("help config check = config check --help; the root help lists the new commands", async () => {
    const a = await runBinary(["help", "config", "check"]);
    const b = await runBinary(["config", "check", "--help"]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const root = await runBinary(["--help"]);
    for (const c of ["doctor", "verify-key", "config", "init", "benchmark", "policy"]) expect(root.stdout).toContain(`\n  ${c} `);
  });

  test.each([
    [["config", "nosuch"], 'unknown config subcommand "nosuch" (expected check, show, schema or import)'],
    [["config", "check", "extra"], 'unexpected argument "extra"'],
    [["doctor", "--nosuch"], "unknown flag --nosuch"],
    [["verify-key", "--output", "yaml"], 'unsupported output format "yaml": expected text or json'],
    [["config", "check", "--output", "xml"], 'unsupported output format "xml": expected text or json'],
    [["doctor", "--encryption-config"], "--encryption-config needs a value"],
    [["help", "config", "nosuch"], 'unknown help topic "config nosuch"'],
  ])("%p → exit 2 with one line", async (args, message) => {
    const r = await runBinary(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`bao-kms-provider: ${message}\n`);
  });
});
