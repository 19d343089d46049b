// init on the compiled binary: the files, their modes, O_EXCL refusal, flag and value rules, and
// that the output works unchanged: config.toml passes `config check`, the EncryptionConfigurations
// and the policy pass `doctor` against the emulator.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";
import { reportLines, runBinary } from "../helpers/cli.ts";

let emu: Emulator;
let files: ProviderFiles;
let work: string;
let valuesWithoutLineage: string;
let valuesWithLineage: string;
const digest = "registry.example/bao-kms-provider@sha256:" + "ab".repeat(32);

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { logLevel: "info" });
  work = mkdtempSync("/tmp/bkp-init-");
  const base = readFileSync(files.configPath, "utf8");
  valuesWithLineage = join(work, "values-lineage.toml");
  writeFileSync(valuesWithLineage, base);
  valuesWithoutLineage = join(work, "values.toml");
  writeFileSync(valuesWithoutLineage, base.replace(/key_lineage_id = .*\n/, ""));
});

afterAll(async () => {
  await emu?.stop();
  files?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, "0");
const outDir = (name: string) => join(work, name);

describe("systemd model with --new-key", () => {
  let out: string;
  let stdout: string;

  beforeAll(async () => {
    out = outDir("systemd");
    const r = await runBinary(["init", "--values", valuesWithoutLineage, "--out", out, "--new-key"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    stdout = r.stdout;
  });

  test("writes the listed files with their modes; the directory is created 0750", () => {
    expect(readdirSync(out).sort()).toEqual([
      "config.toml", "encryption-config-readers.yaml", "encryption-config.yaml", "installation.json", "openbao-policy.hcl", "openbao-setup.sh",
    ]);
    expect(mode(out)).toBe("0750");
    expect(mode(join(out, "config.toml"))).toBe("0640");
    expect(mode(join(out, "openbao-setup.sh"))).toBe("0750");
    for (const f of ["encryption-config-readers.yaml", "encryption-config.yaml", "openbao-policy.hcl", "installation.json"]) expect(mode(join(out, f))).toBe("0644");
  });

  test("stdout: file list, fingerprint, generated lineage id, next steps", () => {
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`Wrote 6 files to ${out}:`);
    expect(stdout).toMatch(/\nidentityFingerprint: cfg1\.[A-Za-z0-9_-]{43}\n/);
    const lineage = /keyLineageId: ([0-9a-f]{32}) \(generated; record it with your values file\)/.exec(stdout)?.[1];
    expect(lineage).toBeDefined();
    expect(readFileSync(join(out, "config.toml"), "utf8")).toContain(`key_lineage_id = "${lineage}"`);
    expect(lines.at(-1)).toStartWith("Next: the OpenBao admin reviews and runs openbao-setup.sh");
  });

  test("config.toml passes `config check` unchanged, with the same fingerprint init printed", async () => {
    const r = await runBinary(["config", "check", "--config", join(out, "config.toml")]);
    expect(r.code).toBe(0);
    const fp = /identityFingerprint: (cfg1\.\S+)/.exec(stdout)?.[1];
    expect(r.stdout).toContain(`identityFingerprint: ${fp}`);
  });

  test("EncryptionConfigurations: writers kms first, readers identity first; endpoint and timeout", () => {
    const w = Bun.YAML.parse(readFileSync(join(out, "encryption-config.yaml"), "utf8")) as any;
    const rd = Bun.YAML.parse(readFileSync(join(out, "encryption-config-readers.yaml"), "utf8")) as any;
    expect(w.kind).toBe("EncryptionConfiguration");
    expect(w.resources[0].resources).toEqual(["secrets"]);
    expect(Object.keys(w.resources[0].providers[0])).toEqual(["kms"]);
    expect(w.resources[0].providers[1]).toEqual({ identity: {} });
    expect(rd.resources[0].providers[0]).toEqual({ identity: {} });
    expect(rd.resources[0].providers[1].kms).toEqual({ apiVersion: "v2", name: "openbao-kms", endpoint: `unix://${files.socketPath}`, timeout: "3s" });
  });

  test("policy: the six stanzas in order; the setup script is syntactically valid sh with the safe key settings", () => {
    const hcl = readFileSync(join(out, "openbao-policy.hcl"), "utf8");
    expect([...hcl.matchAll(/path "([^"]+)"/g)].map((m) => m[1])).toEqual([
      "transit/keys/kubernetes", "transit/encrypt/kubernetes", "transit/decrypt/kubernetes", "transit/config/keys", "sys/capabilities-self", "auth/token/renew-self",
    ]);
    const sh = join(out, "openbao-setup.sh");
    const check = Bun.spawnSync(["sh", "-n", sh]);
    expect(check.exitCode).toBe(0);
    const text = readFileSync(sh, "utf8");
    for (const s of ['{"disable_upsert":true}', '"type":"aes256-gcm96"', '"exportable":false', '"allow_plaintext_backup":false', '{"deletion_allowed":false}', "sys/policies/acl/$POLICY", '\\"role_type\\":\\"jwt\\"']) expect(text).toContain(s);
  });

  test("installation.json: fingerprint, lineage, file hashes; no secrets", () => {
    const rec = JSON.parse(readFileSync(join(out, "installation.json"), "utf8"));
    expect(rec.model).toBe("systemd");
    expect(rec.keyLineageIdGenerated).toBe(true);
    expect(stdout).toContain(`identityFingerprint: ${rec.identityFingerprint}`);
    for (const f of rec.files) expect(createHash("sha256").update(readFileSync(join(out, f.name))).digest("hex")).toBe(f.sha256);
    const text = readFileSync(join(out, "installation.json"), "utf8");
    expect(text).not.toContain(readFileSync(files.jwtFile, "utf8").trim());
    expect(rec.remainingActions.length).toBeGreaterThan(3);
  });

  test("the generated policy and EncryptionConfigurations pass doctor against OpenBao (emulator)", async () => {
    emu.setPolicy("kms-plugin", readFileSync(join(out, "openbao-policy.hcl"), "utf8"));
    // The config init wrote carries a new lineage id; doctor checks the node that uses it.
    for (const ec of ["encryption-config-readers.yaml", "encryption-config.yaml"]) {
      const r = await runBinary(["doctor", "--config", join(out, "config.toml"), "--encryption-config", join(out, ec)]);
      const lines = reportLines(r.stdout);
      expect(lines.filter(([s]) => s === "fail")).toEqual([]);
      expect(lines.find(([, id]) => id === "kubernetes.encryption_config")?.[0]).toBe("warn");
      expect(lines.find(([, id]) => id === "transit.capabilities")?.[0]).toBe("pass");
      expect(r.code).toBe(0);
    }
  });

  test("a second run into the same (now non-empty) directory is refused, exit 1, nothing changed", async () => {
    const before = readFileSync(join(out, "config.toml"), "utf8");
    const r = await runBinary(["init", "--values", valuesWithoutLineage, "--out", out, "--new-key"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not empty; init never overwrites generated files");
    expect(readFileSync(join(out, "config.toml"), "utf8")).toBe(before);
  });
});

describe("static-pod model", () => {
  test("writes the manifest; socket_group is the --socket-gid; image pinned", async () => {
    const out = outDir("static");
    const r = await runBinary(["init", "--values", valuesWithLineage, "--out", out, "--model", "static-pod", "--image", digest, "--socket-gid", "4242"]);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toContain("bao-kms-provider.yaml");
    const pod = Bun.YAML.parse(readFileSync(join(out, "bao-kms-provider.yaml"), "utf8")) as any;
    expect(pod.kind).toBe("Pod");
    expect(pod.spec.securityContext.supplementalGroups).toEqual([4242]);
    expect(pod.spec.securityContext.runAsUser).toBe(65532);
    expect(pod.spec.containers[0].image).toBe(digest);
    expect(readFileSync(join(out, "config.toml"), "utf8")).toContain('socket_group = "4242"');
    expect(r.stdout).not.toContain("keyLineageId:");
  });
});

describe("defaults filled from the reference", () => {
  const strip = () => {
    const path = join(work, `values-bare-${Math.random().toString(36).slice(2)}.toml`);
    writeFileSync(path, readFileSync(valuesWithLineage, "utf8").replace(/^(ca_cert_file|jwt_file|socket_group) = .*\n/gm, ""));
    return path;
  };

  test("systemd: CA, JWT file and socket group defaults", async () => {
    const out = outDir("defaults-systemd");
    const r = await runBinary(["init", "--values", strip(), "--out", out]);
    expect(r.code).toBe(0);
    const text = readFileSync(join(out, "config.toml"), "utf8");
    expect(text).toContain('ca_cert_file = "/etc/openbao-kms/tls/ca.crt"');
    expect(text).toContain('jwt_file = "/var/lib/openbao-kms/identity.jwt"');
    expect(text).toContain('socket_group = "openbao-kms-socket"');
  });

  test("static pod: the JWT gets its own mounted directory; mounts match the config's paths", async () => {
    const out = outDir("defaults-static");
    const r = await runBinary(["init", "--values", strip(), "--out", out, "--model", "static-pod", "--image", digest, "--socket-gid", "77"]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "config.toml"), "utf8")).toContain('jwt_file = "/var/lib/openbao-kms/credentials/identity.jwt"');
    const pod = Bun.YAML.parse(readFileSync(join(out, "bao-kms-provider.yaml"), "utf8")) as any;
    const volumes = Object.fromEntries(pod.spec.volumes.map((v: any) => [v.name, v.hostPath]));
    expect(volumes).toEqual({
      config: { path: "/etc/openbao-kms/config.toml", type: "File" },
      run: { path: files.socketPath.slice(0, files.socketPath.lastIndexOf("/")), type: "Directory" },
      state: { path: files.statePath.slice(0, files.statePath.lastIndexOf("/")), type: "Directory" },
      tls: { path: "/etc/openbao-kms/tls", type: "Directory" },
      credentials: { path: "/var/lib/openbao-kms/credentials", type: "Directory" },
    });
    const mounts = pod.spec.containers[0].volumeMounts;
    expect(mounts.map((m: any) => [m.name, m.mountPath, m.readOnly])).toEqual(
      // Only the socket directory and the key registry are writable.
      pod.spec.volumes.map((v: any) => [v.name, v.hostPath.path, v.name !== "run" && v.name !== "state"]),
    );
    expect(pod.spec.containers[0].args).toEqual(["--config=/etc/openbao-kms/config.toml"]);
  });
});

describe("refusals", () => {
  test.each([
    [["--model", "static-pod", "--socket-gid", "4242"], "--image is required with --model static-pod"],
    [["--model", "static-pod", "--image", digest], "--socket-gid is required with --model static-pod"],
    [["--model", "static-pod", "--image", "registry.example/x:latest", "--socket-gid", "4242"], "--image must be pinned by digest"],
    [["--model", "static-pod", "--image", `localhost/bao-kms-provider@sha256:${"0".repeat(64)}`, "--socket-gid", "4242"], "all-zero placeholder digest"],
    [["--image", digest], "--image is only for --model static-pod"],
    [["--model", "vm"], "--model must be systemd or static-pod"],
    [["--policy-name", "root"], "--policy-name must be"],
  ])("usage error %p → exit 2", async (extra, message) => {
    const out = outDir(`usage-${Math.random().toString(36).slice(2)}`);
    const r = await runBinary(["init", "--values", valuesWithLineage, "--out", out, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  test("missing --values/--out → exit 2", async () => {
    const r = await runBinary(["init"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--values is required; --out is required");
  });

  test("lineage id in the values file plus --new-key → exit 3 (conflict)", async () => {
    const r = await runBinary(["init", "--values", valuesWithLineage, "--out", outDir("conflict"), "--new-key"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("drop one of them");
    expect(existsSync(outDir("conflict"))).toBe(false);
  });

  test("neither a lineage id nor --new-key → exit 3", async () => {
    const r = await runBinary(["init", "--values", valuesWithoutLineage, "--out", outDir("nolineage")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("key_lineage_id is required (or pass --new-key");
  });

  test("invalid values (unknown key) → exit 3 naming the key", async () => {
    const bad = join(work, "bad-values.toml");
    writeFileSync(bad, readFileSync(valuesWithLineage, "utf8").replace("[server]\n", "[server]\nadmin_address = \"x\"\n"));
    const r = await runBinary(["init", "--values", bad, "--out", outDir("badvalues")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("server.admin_address: unknown key");
  });

  test("an existing non-empty --out is refused even on the first run (exit 1)", async () => {
    const out = outDir("occupied");
    mkdirSync(out);
    writeFileSync(join(out, "config.toml"), "keep me");
    const r = await runBinary(["init", "--values", valuesWithLineage, "--out", out]);
    expect(r.code).toBe(1);
    expect(readFileSync(join(out, "config.toml"), "utf8")).toBe("keep me");
  });

  test("a values file name cannot inject lines into the generated config's header comment", async () => {
    const odd = join(work, "values\nbogus = 1\n.toml");
    writeFileSync(odd, readFileSync(valuesWithLineage, "utf8"));
    const out = outDir("oddname");
    const r = await runBinary(["init", "--values", odd, "--out", out]);
    expect(r.code).toBe(0);
    const text = readFileSync(join(out, "config.toml"), "utf8");
    expect(text.split("\n")[0]).toMatch(/^# Generated by bao-kms-provider init \S+ from values\?bogus = 1\?\.toml\.$/);
    expect(text).not.toMatch(/^bogus/m);
  });

  test("an existing empty --out is used", async () => {
    const out = outDir("empty");
    mkdirSync(out);
    const r = await runBinary(["init", "--values", valuesWithLineage, "--out", out]);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toHaveLength(6);
  });
});
