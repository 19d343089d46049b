// `config import`: the Go provider's YAML config becomes our TOML with the same
// identityFingerprint as an independent computation (test/fixtures/go-config/go_fingerprint.py,
// PyYAML + the Go definition); what we do not support is refused naming the key; an existing
// output file is never overwritten.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/root.ts";
import { identityFingerprint } from "../../src/config/fingerprint.ts";
import { duplicateKeys, importGoConfig } from "../../src/config/import-go.ts";
import { parseConfigText } from "../../src/config/load.ts";

const fixtures = join(import.meta.dir, "..", "fixtures", "go-config");
const goYaml = join(fixtures, "provider.yaml");
const dir = mkdtempSync(join(tmpdir(), "config-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), env: {}, exitNow: () => { throw new Error("exit"); } });
  return { code, out, err };
}

/** The fingerprint the independent Python script computes from a YAML file. */
function pythonFingerprint(path: string): string {
  const p = Bun.spawnSync(["/usr/bin/python3", join(fixtures, "go_fingerprint.py"), path], { stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`go_fingerprint.py failed: ${p.stderr.toString()}`);
  return p.stdout.toString().trim();
}

let n = 0;
function yamlFile(text: string): string {
  const path = join(dir, `in-${++n}.yaml`);
  writeFileSync(path, text);
  return path;
}
const base = readFileSync(goYaml, "utf8");

describe("a Go YAML config imported to TOML", () => {
  test("has the identityFingerprint the independent Python computation gives (namespace, <, >, &, non-ASCII); config show agrees", async () => {
    const expected = pythonFingerprint(goYaml);
    expect(expected).toMatch(/^cfg1\.[A-Za-z0-9_-]{43}$/);
    const out = join(dir, "imported.toml");
    const r = await run(["config", "import", "--from", goYaml, "--out", out]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`identityFingerprint: ${expected}`);
    expect(statSync(out).mode & 0o777).toBe(0o640);
    expect(identityFingerprint(parseConfigText(readFileSync(out, "utf8")))).toBe(expected);
    const show = await run(["config", "show", "--config", out, "--output", "json"]);
    expect(JSON.parse(show.out).identityFingerprint).toBe(expected);
  });

  test("without a namespace (omitempty in the fingerprint) the two computations still agree", async () => {
    const path = yamlFile(base.replace("  namespace: admin/workload-a\n", ""));
    const r = await run(["config", "import", "--from", path]);
    expect(r.code).toBe(0);
    const expected = pythonFingerprint(path);
    expect(expected).not.toBe(pythonFingerprint(goYaml));
    expect(identityFingerprint(parseConfigText(r.out))).toBe(expected);
    expect(r.err).toContain(`identityFingerprint: ${expected}`);
  });

  test("prints every mapping and every dropped key; the TOML keeps each value", async () => {
    const r = await run(["config", "import", "--from", goYaml]);
    expect(r.err).toContain("status.statusMaxStaleness → status.max_staleness = \"2m\"");
    expect(r.err).toContain("transit.keyIdScope.providerName → transit.key_id_scope.provider_name = \"openbao-kms-workload-a\"");
    expect(r.err).toContain("auth.jwt.expectedAudience → auth.jwt.expected_audience = [\"openbao-kms\"]");
    expect(r.err).toContain("logging.logOpenBaoRequestIDs: this provider never logs OpenBao request IDs");
    expect(r.err).toMatch(/^mapped \(42\):/);
    const c = parseConfigText(r.out);
    expect(c.server.maxConcurrentDecrypt).toBe(48);
    expect(c.openbao.timeoutMs).toBe(3000);
    expect(c.transit.keyName).toBe("k8s-ключ");
    expect(c.bootstrap.graceTimeoutMs).toBe(90_000);
    expect(c.auth.method).toBe("jwt");
  });

  test("keys are matched case-insensitively, as Viper does", () => {
    const r = importGoConfig(base.replace("socketPath:", "socketpath:").replace("keyName:", "KEYNAME:"));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.toml).toContain('key_name = "k8s-ключ"');
  });
});

describe("refusals (exit 3, naming the key; nothing written)", () => {
  const refused: Array<[string, string, RegExp]> = [
    ["cert auth", base.replace("  method: jwt\n", "  method: cert\n  cert:\n    mountPath: auth/cert\n    source: pkcs11\n"), /auth\.method: cert \(TLS certificate\) auth is not supported/],
    ["an auth.cert block beside jwt", base.replace("  method: jwt\n", "  method: jwt\n  cert:\n    mountPath: auth/cert\n"), /auth\.cert\.mountPath: cert \(TLS certificate\) auth is not supported/],
    ["debug correlation enabled", base.replace("    enabled: false", "    enabled: true"), /logging\.debugCorrelation\.enabled: debug correlation is not supported/],
    ["an unknown key", base.replace("server:\n", "server:\n  adminAddress: \"\"\n"), /server\.adminAddress: is not a key of the Go provider's config v1alpha1/],
    ["an unknown section", `${base}performance:\n  decryptMicroBatching:\n    enabled: false\n`, /performance: is not a key/],
    ["a duplicate key", base.replace("  timeout: 3s\n", "  timeout: 3s\n  timeout: 4s\n"), /openbao\.timeout: is given twice/],
    ["a duplicate key differing in case", base.replace("  timeout: 3s\n", "  timeout: 3s\n  Timeout: 4s\n"), /openbao\.Timeout: is given twice/],
    ["an unquoted socketMode (a YAML number)", base.replace('socketMode: "0660"', "socketMode: 0660"), /server\.socketMode: must be a string, got a number/],
    ["a bare-number duration", base.replace("timeout: 3s", "timeout: 3"), /openbao\.timeout: must be a duration string with units/],
    ["no configVersion", base.replace("configVersion: v1alpha1\n", ""), /configVersion: is required/],
    ["another configVersion", base.replace("configVersion: v1alpha1", "configVersion: v1alpha2"), /configVersion: must be "v1alpha1"/],
    ["two YAML documents", `${base}---\nconfigVersion: v1alpha1\n`, /must be one YAML mapping/],
    ["not YAML", "server: [unclosed\n", /is not valid YAML/],
    ["a value our loader refuses (probe interval below 100ms)", base.replace("probeInterval: 30s", "probeInterval: 10ms"), /status\.probe_interval \(from status\.probeInterval\): /],
  ];
  for (const [name, text, message] of refused) {
    test(name, async () => {
      const out = join(dir, `refused-${++n}.toml`);
      const r = await run(["config", "import", "--from", yamlFile(text), "--out", out]);
      expect(r.code).toBe(3);
      expect(r.err).toMatch(/cannot be imported:/);
      expect(r.err).toMatch(message);
      expect(() => statSync(out)).toThrow();
    });
  }

  test("a YAML alias (a shared node) is refused", () => {
    const text = base.replace("    expectedAudience:\n      - openbao-kms\n", "    expectedAudience: &aud\n      - openbao-kms\n");
    expect(text).not.toBe(base);
    const withAlias = text.replace("    expectedSubject: system:node:cp-1\n", "    expectedSubject: system:node:cp-1\n    oauth2:\n      scopes: *aud\n");
    const r = importGoConfig(withAlias);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.message)).toContain("YAML anchors and aliases are not supported: write the values out");
  });

  test("a file over 1 MiB is refused before parsing", async () => {
    const r = await run(["config", "import", "--from", yamlFile(`${base}# ${"x".repeat(1024 * 1024)}\n`)]);
    expect(r.code).toBe(3);
    expect(r.err).toContain("larger than 1 MiB");
  });

  test("a huge mapping: at most 2000 keys are looked at and 50 problems reported", () => {
    const big = `configVersion: v1alpha1\n${Array.from({ length: 5000 }, (_, i) => `k${i}: ${i}`).join("\n")}\n`;
    const r = importGoConfig(big);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(51);
      expect(r.problems[0]?.message).toBe("has more than 2000 keys and values");
      expect(r.problems[50]?.message).toBe("… and 1950 more problems");
    }
  });

  test("deep nesting that overflows the parser is refused as invalid YAML, not a crash", () => {
    const r = importGoConfig(`configVersion: v1alpha1\nx: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.message).toMatch(/^is not valid YAML/);
  });

  test("a missing file", async () => {
    const r = await run(["config", "import", "--from", join(dir, "nope.yaml")]);
    expect(r.code).toBe(3);
    expect(r.err).toContain("file not found");
  });
});

describe("output and usage", () => {
  test("an existing --out file is never overwritten (exit 1, content unchanged)", async () => {
    const out = join(dir, "existing.toml");
    writeFileSync(out, "# mine\n");
    const r = await run(["config", "import", "--from", goYaml, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("already exists: refusing to overwrite it");
    expect(readFileSync(out, "utf8")).toBe("# mine\n");
  });

  test("--help exits 0 and names the refusals; no --from is a usage error", async () => {
    const help = await run(["config", "import", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: bao-kms-provider config import --from FILE.yaml");
    expect(help.out).toContain("cert");
    expect((await run(["config", "import"])).code).toBe(2);
    expect((await run(["config", "--help"])).out).toContain("import");
  });

  test("duplicateKeys: nested paths, block scalars and comments", () => {
    expect(duplicateKeys("a:\n  b: 1\n  c: |\n    b: text\n  b: 2\nd: 1\n# d: 2\n")).toEqual(["a.b"]);
    expect(duplicateKeys("a:\n  b: 1\nc:\n  b: 1\n")).toEqual([]);
  });
});
