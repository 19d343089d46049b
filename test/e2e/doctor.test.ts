// doctor and verify-key on the compiled binary against the emulator: a healthy node passes with
// no [fail]; each injected fault flips exactly the check that names it, with a fix in the message.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { policyStanzas, renderPolicyHcl } from "../../src/init/policy.ts";
import { renderEncryptionConfig } from "../../src/init/render.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { makeTestPki } from "../support/tls.ts";
import { startProvider, writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";
import { reportLines, runBinary } from "../helpers/cli.ts";

let emu: Emulator;
let files: ProviderFiles;
let work: string;
let baseToml: string;
let goodPolicy: string;

const doctorIds = [
  "config.load", "config.validate", "socket.group", "jwt.local", "kubernetes.encryption_config", "openbao.tls", "openbao.auth",
  "transit.capabilities", "transit.metadata", "transit.mount_id", "transit.profile", "transit.disable_upsert", "transit.probe",
  "key_id.deterministic", "state.registry", "etcd.versions_in_use", "kms.status_encrypt",
];

/** Writes a config variant (mode 0640) and returns its path. */
function variant(name: string, edit: (toml: string) => string = (t) => t): string {
  const path = join(work, `${name}.toml`);
  const text = edit(baseToml);
  if (text === baseToml && name !== "base") throw new Error(`variant ${name} changed nothing`);
  writeFileSync(path, text, { mode: 0o640 });
  return path;
}

function replace(from: RegExp | string, to: string) {
  return (t: string) => {
    const out = t.replace(from, to);
    if (out === t) throw new Error(`no match for ${from}`);
    return out;
  };
}

async function doctor(configPath: string, extra: string[] = []) {
  const r = await runBinary(["doctor", "--config", configPath, ...extra], { secrets: [emu.rootToken] });
  return { ...r, lines: reportLines(r.stdout) };
}

const failed = (lines: Array<[string, string]>) => lines.filter(([s]) => s === "fail").map(([, id]) => id);

beforeAll(async () => {
  emu = await startEmulator();
  emu.createKey("exportable-key", { exportable: true });
  files = writeProviderFiles(emu, { logLevel: "info" });
  // As installed: the socket group (here the test's own gid) may search the socket directory.
  chmodSync(dirname(files.socketPath), 0o2750);
  work = mkdtempSync("/tmp/bkp-doctor-");
  baseToml = readFileSync(files.configPath, "utf8");
  // The policy init generates, for both keys the tests use.
  goodPolicy = renderPolicyHcl([...policyStanzas("transit", "kubernetes"), ...policyStanzas("transit", "exportable-key").slice(0, 3)], "test");
  emu.setPolicy("kms-plugin", goodPolicy);
});

afterAll(async () => {
  await emu?.stop();
  files?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

function encryptionConfig(edit: (y: string) => string = (y) => y, phase: "readers" | "writers" = "writers"): string {
  const cfg = parseConfigText(baseToml);
  const path = join(work, `ec-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, edit(renderEncryptionConfig(cfg, phase)));
  return path;
}

describe("healthy node", () => {
  test("doctor: every check in order, no [fail], exit 0", async () => {
    const ec = encryptionConfig((y) => y.replace("      - identity: {}\n", ""));
    const r = await doctor(variant("base"), ["--encryption-config", ec]);
    expect(r.stdout.split("\n")[0]).toBe("doctor");
    expect(r.lines.map(([, id]) => id)).toEqual(doctorIds);
    // No provider has run on this node yet: serve would create the registry (a warn, not a fail).
    expect(r.lines.filter(([s]) => s !== "pass")).toEqual([["warn", "state.registry"], ["skip", "etcd.versions_in_use"]]);
    expect(r.stdout).toContain("serve will create generation 1");
    expect(r.code).toBe(0);
  });

  test("after serve created the key registry, every check passes; a config naming another (empty) state path warns again", async () => {
    const p = await startProvider(files);
    await p.stop();
    const ec = encryptionConfig((y) => y.replace("      - identity: {}\n", ""));
    const r = await doctor(variant("base"), ["--encryption-config", ec]);
    // Only the etcd scan is left out (no [etcd] here: test/e2e/etcd-drill.test.ts runs it).
    expect(r.lines.filter(([s]) => s !== "pass")).toEqual([["skip", "etcd.versions_in_use"]]);
    expect(r.stdout).toMatch(/\[pass\] state\.registry: .*generation 1, active version 1/);
    const other = await doctor(variant("other-state", replace(/path = "[^"]*key-registry.json"/, `path = "${work}/key-registry.json"`)));
    expect(other.lines.find(([, id]) => id === "state.registry")?.[0]).toBe("warn");
    rmSync(`${work}/key-registry.json`, { force: true });
  });

  test("identity fallback in the EncryptionConfiguration is a warn, not a fail (exit 0)", async () => {
    for (const phase of ["readers", "writers"] as const) {
      const r = await doctor(variant("base"), ["--encryption-config", encryptionConfig(undefined, phase)]);
      expect(r.lines.find(([, id]) => id === "kubernetes.encryption_config")?.[0]).toBe("warn");
      expect(failed(r.lines)).toEqual([]);
      expect(r.code).toBe(0);
    }
  });

  test("without --encryption-config that check is skip", async () => {
    const r = await doctor(variant("base"));
    expect(r.lines.find(([, id]) => id === "kubernetes.encryption_config")).toEqual(["skip", "kubernetes.encryption_config"]);
    expect(r.code).toBe(0);
  });

  test("--output json: stable shape; ' JSON ' is trimmed and case-folded", async () => {
    const r = await doctor(variant("base"), ["--output", " JSON "]);
    const j = JSON.parse(r.stdout) as { name: string; checks: Array<Record<string, string>> };
    expect(j.name).toBe("doctor");
    expect(j.checks.map((c) => c.id)).toEqual(doctorIds);
    for (const c of j.checks) {
      expect(Object.keys(c).filter((k) => k !== "message")).toEqual(["id", "title", "status"]);
      expect(["pass", "warn", "fail", "skip"]).toContain(c.status as string);
    }
    expect(r.stdout.endsWith("}\n")).toBe(true);
  });

  test("--output yaml is a usage error (exit 2, one line)", async () => {
    const r = await doctor(variant("base"), ["--output", "yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('bao-kms-provider: unsupported output format "yaml": expected text or json');
    expect(r.stdout).toBe("");
  });
});

describe("each fault fails exactly its check", () => {
  test("bad CA → openbao.tls", async () => {
    const other = makeTestPki(mkdtempSync(join(work, "pki-")), { serverName: "openbao.test" });
    chmodSync(other.caFile, 0o644);
    const r = await doctor(variant("bad-ca", replace(/ca_cert_file = ".*"/, `ca_cert_file = "${other.caFile}"`)));
    expect(failed(r.lines)).toEqual(["openbao.tls"]);
    expect(r.stdout).toContain("check openbao.ca_cert_file and openbao.tls_server_name");
    expect(r.lines.find(([, id]) => id === "openbao.auth")?.[0]).toBe("skip");
    expect(r.code).toBe(4);
  });

  test("wrong TLS server name → openbao.tls", async () => {
    const r = await doctor(variant("bad-name", replace(/tls_server_name = ".*"/, 'tls_server_name = "wrong.example"')));
    expect(failed(r.lines)).toEqual(["openbao.tls"]);
    expect(r.code).toBe(4);
  });

  test("expired JWT → jwt.local (login skipped, OpenBao never asked)", async () => {
    const jwtFile = join(work, "expired.jwt");
    const now = Math.floor(Date.now() / 1000);
    writeFileSync(jwtFile, emu.mintJwt({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 }) + "\n", { mode: 0o600 });
    const before = emu.count({ pathPrefix: "/v1/auth/" });
    const r = await doctor(variant("expired-jwt", replace(/jwt_file = ".*"/, `jwt_file = "${jwtFile}"`)));
    expect(failed(r.lines)).toEqual(["jwt.local"]);
    expect(r.stdout).toContain("jwt expired");
    expect(r.lines.find(([, id]) => id === "openbao.auth")?.[0]).toBe("skip");
    expect(emu.count({ pathPrefix: "/v1/auth/" })).toBe(before);
    expect(r.code).toBe(4);
  });

  test("over-privileged token → transit.capabilities", async () => {
    emu.setPolicy("kms-plugin", goodPolicy + '\npath "transit/keys/*" {\n  capabilities = ["create", "read", "update", "delete"]\n}\n');
    try {
      const r = await doctor(variant("base"));
      expect(failed(r.lines)).toEqual(["transit.capabilities"]);
      expect(r.stdout).toContain("token can perform non-hot-path key management");
      expect(r.stdout).toContain("transit/keys/kubernetes/rotate");
      expect(r.code).toBe(4);
    } finally {
      emu.setPolicy("kms-plugin", goodPolicy);
    }
  });

  // docs/openbao-compat.md §ACL policies: the emulator enforces policies like OpenBao, so a
  // policy granting everything passes every probe and only the least-privilege check catches it.
  test("a token allowed everything (path \"*\" with every capability) → transit.capabilities only", async () => {
    emu.setPolicy("kms-plugin", 'path "*" {\n  capabilities = ["create", "read", "update", "patch", "delete", "list", "sudo"]\n}\n');
    try {
      const r = await doctor(variant("base"));
      expect(failed(r.lines)).toEqual(["transit.capabilities"]);
    } finally {
      emu.setPolicy("kms-plugin", goodPolicy);
    }
  });

  // The policy is enforced (docs/openbao-compat.md §ACL policies): without update on decrypt the
  // Transit round trip really fails too, not only the capability report.
  test("missing decrypt capability → transit.capabilities says what is lacking, and the probe fails", async () => {
    emu.setPolicy("kms-plugin", goodPolicy.replace('path "transit/decrypt/kubernetes" {\n  capabilities = ["update"]', 'path "transit/decrypt/kubernetes" {\n  capabilities = ["read"]'));
    try {
      const r = await doctor(variant("base"));
      expect(failed(r.lines)).toEqual(["transit.capabilities", "transit.probe"]);
      expect(r.stdout).toContain("token lacks update on transit/decrypt/kubernetes");
    } finally {
      emu.setPolicy("kms-plugin", goodPolicy);
    }
  });

  test("upsert allowed → transit.disable_upsert", async () => {
    emu.setDisableUpsert(false);
    try {
      const r = await doctor(variant("base"));
      expect(failed(r.lines)).toEqual(["transit.disable_upsert"]);
      expect(r.stdout).toContain("mount allows implicit key creation: run 'bao write transit/config/keys disable_upsert=true'");
      expect(r.code).toBe(4);
    } finally {
      emu.setDisableUpsert(true);
    }
  });

  test("exportable key → transit.profile (the probes after it skip)", async () => {
    const r = await doctor(variant("exportable", replace('key_name = "kubernetes"', 'key_name = "exportable-key"')));
    expect(failed(r.lines)).toEqual(["transit.profile"]);
    expect(r.stdout).toContain("key is exportable");
    for (const id of ["transit.probe", "key_id.deterministic", "kms.status_encrypt"]) expect(r.lines.find(([, x]) => x === id)?.[0]).toBe("skip");
    expect(r.code).toBe(4);
  });

  test("socket directory the socket group cannot search → socket.group warn (exit 0)", async () => {
    chmodSync(dirname(files.socketPath), 0o700);
    try {
      const r = await doctor(variant("base"));
      expect(r.lines.find(([, id]) => id === "socket.group")?.[0]).toBe("warn");
      expect(r.stdout).toContain("kube-apiserver cannot reach the socket: chgrp");
      expect(failed(r.lines)).toEqual([]);
      expect(r.code).toBe(0);
    } finally {
      chmodSync(dirname(files.socketPath), 0o2750);
    }
  });

  test("wrong transit_mount_id → transit.mount_id", async () => {
    const r = await doctor(variant("mount-id", replace(/transit_mount_id = ".*"/, 'transit_mount_id = "00000000-0000-0000-0000-000000000000"')));
    expect(failed(r.lines)).toEqual(["transit.mount_id"]);
  });

  test("EncryptionConfiguration with the wrong name → kubernetes.encryption_config", async () => {
    const ec = encryptionConfig((y) => y.replace('name: "openbao-kms"', 'name: "other-kms"'));
    const r = await doctor(variant("base"), ["--encryption-config", ec]);
    expect(failed(r.lines)).toEqual(["kubernetes.encryption_config"]);
    expect(r.stdout).toContain("kms.name: must match transit.key_id_scope.provider_name");
    expect(r.code).toBe(4);
  });

  test("EncryptionConfiguration with the wrong endpoint → kubernetes.encryption_config", async () => {
    const ec = encryptionConfig((y) => y.replace(/endpoint: ".*"/, 'endpoint: "unix:///run/openbao-kms/other.sock"'));
    const r = await doctor(variant("base"), ["--encryption-config", ec]);
    expect(failed(r.lines)).toEqual(["kubernetes.encryption_config"]);
    expect(r.stdout).toContain("kms.endpoint: must match server.socket_path");
  });

  test("EncryptionConfiguration with kms apiVersion v1 → kubernetes.encryption_config", async () => {
    const ec = encryptionConfig((y) => y.replace("apiVersion: v2", "apiVersion: v1"));
    const r = await doctor(variant("base"), ["--encryption-config", ec]);
    expect(failed(r.lines)).toEqual(["kubernetes.encryption_config"]);
    expect(r.stdout).toContain("kms.apiVersion: must be v2");
  });

  test("invalid config: report printed, config.validate fail, the rest skip, exit 3", async () => {
    const r = await doctor(variant("invalid", replace('socket_mode = "0660"', 'socket_mode = "0666"')));
    expect(failed(r.lines)).toEqual(["config.validate"]);
    expect(r.lines.find(([, id]) => id === "openbao.auth")?.[0]).toBe("skip");
    expect(r.lines.filter(([s]) => s === "pass").map(([, id]) => id)).toEqual(["config.load"]);
    expect(r.code).toBe(3);
  });

  test("config file readable by the world → config.validate (filesystem check), exit 3", async () => {
    const path = variant("world-readable", replace(`timeout = "2s"`, `timeout = "3s"`));
    chmodSync(path, 0o644);
    const r = await doctor(path);
    expect(failed(r.lines)).toEqual(["config.validate"]);
    expect(r.stdout).toContain("file permissions unsafe: mode must not include 0037");
    expect(r.code).toBe(3);
  });

  test("unreadable config → config.load fail, exit 3", async () => {
    const r = await doctor(join(work, "missing.toml"));
    expect(failed(r.lines)).toEqual(["config.load"]);
    expect(r.code).toBe(3);
  });
});

describe("verify-key", () => {
  const ids = [
    "config.load", "config.validate", "jwt.local", "openbao.tls", "openbao.auth", "transit.capabilities", "transit.metadata",
    "transit.mount_id", "transit.profile", "transit.disable_upsert", "transit.version_restrictions", "key_id.deterministic",
  ];

  test("healthy: its checks pass and no encrypt or decrypt reaches OpenBao", async () => {
    const enc = emu.count({ pathPrefix: "/v1/transit/encrypt/" });
    const dec = emu.count({ pathPrefix: "/v1/transit/decrypt/" });
    const r = await runBinary(["verify-key", "--config", variant("base")]);
    const lines = reportLines(r.stdout);
    expect(r.stdout.split("\n")[0]).toBe("verify-key");
    expect(lines.map(([, id]) => id)).toEqual(ids);
    expect(lines.filter(([s]) => s !== "pass")).toEqual([]);
    expect(r.code).toBe(0);
    expect(emu.count({ pathPrefix: "/v1/transit/encrypt/" })).toBe(enc);
    expect(emu.count({ pathPrefix: "/v1/transit/decrypt/" })).toBe(dec);
  });

  test("upsert allowed → transit.disable_upsert, exit 4", async () => {
    emu.setDisableUpsert(false);
    try {
      const r = await runBinary(["verify-key", "--config", variant("base")]);
      expect(failed(reportLines(r.stdout))).toEqual(["transit.disable_upsert"]);
      expect(r.code).toBe(4);
    } finally {
      emu.setDisableUpsert(true);
    }
  });

  test("min_decryption_version above 1 → version_restrictions warn", async () => {
    emu.createKey("rotated-key");
    emu.rotateKey("rotated-key");
    emu.configureKey("rotated-key", { minDecryptionVersion: 2 });
    emu.setPolicy("kms-plugin", goodPolicy + "\n" + renderPolicyHcl(policyStanzas("transit", "rotated-key").slice(0, 3), "rotated"));
    try {
      const r = await runBinary(["verify-key", "--config", variant("rotated", replace('key_name = "kubernetes"', 'key_name = "rotated-key"'))]);
      const lines = reportLines(r.stdout);
      expect(lines.find(([, id]) => id === "transit.version_restrictions")?.[0]).toBe("warn");
      expect(failed(lines)).toEqual([]);
      expect(r.code).toBe(0);
    } finally {
      emu.setPolicy("kms-plugin", goodPolicy);
    }
  });
});

describe("other auth methods", () => {
  test("AppRole: approle.local replaces jwt.local, the login works, no [fail]", async () => {
    const secretIdFile = join(work, "secret-id");
    writeFileSync(secretIdFile, emu.issueSecretId() + "\n", { mode: 0o600 });
    const path = variant(
      "approle",
      replace(/\[auth\][\s\S]*?(?=\n\[(?!auth))/, `[auth]\nmethod = "approle"\n\n[auth.approle]\nmount_path = "${emu.approle.mount}"\nrole_id = "${emu.approle.roleId}"\nsecret_id_file = "${secretIdFile}"\n`),
    );
    const r = await doctor(path);
    const ids = r.lines.map(([, id]) => id);
    expect(ids).toContain("approle.local");
    expect(ids).not.toContain("jwt.local");
    expect(failed(r.lines)).toEqual([]);
    expect(r.lines.find(([, id]) => id === "openbao.auth")?.[0]).toBe("pass");
    expect(r.code).toBe(0);
  });

  test("AppRole: a world-readable secret_id_file → config.validate names it, OpenBao never asked", async () => {
    const secretIdFile = join(work, "secret-id-open");
    writeFileSync(secretIdFile, emu.issueSecretId() + "\n", { mode: 0o644 });
    chmodSync(secretIdFile, 0o644);
    const path = variant(
      "approle-open",
      replace(/\[auth\][\s\S]*?(?=\n\[(?!auth))/, `[auth]\nmethod = "approle"\n\n[auth.approle]\nmount_path = "${emu.approle.mount}"\nrole_id = "${emu.approle.roleId}"\nsecret_id_file = "${secretIdFile}"\n`),
    );
    const before = emu.count({ pathPrefix: "/v1/auth/" });
    const r = await doctor(path);
    expect(failed(r.lines)).toEqual(["config.validate"]);
    expect(r.stdout).toContain("auth.approle.secret_id_file");
    expect(r.lines.find(([, id]) => id === "openbao.auth")?.[0]).toBe("skip");
    expect(emu.count({ pathPrefix: "/v1/auth/" })).toBe(before);
    expect(r.code).not.toBe(0);
  });
});

describe("key registry", () => {
  test("min_encryption_version above the registry's active version → state.registry fails and names it", async () => {
    emu.createKey("blocked-key");
    emu.setPolicy("kms-plugin", goodPolicy + "\n" + renderPolicyHcl(policyStanzas("transit", "blocked-key"), "blocked"));
    const stateDir = join(work, "blocked-state");
    mkdirSync(stateDir, { mode: 0o750 });
    const path = variant(
      "blocked",
      (t) => replace('key_name = "kubernetes"', 'key_name = "blocked-key"')(replace(/path = "[^"]*key-registry.json"/, `path = "${stateDir}/key-registry.json"`)(t)),
    );
    try {
      // A node that ran with version 1 active, then the key was rotated and version 1 closed for encryption.
      const p = await startProvider({ configPath: path, socketPath: files.socketPath });
      expect(await p.stop()).toBe(0);
      emu.rotateKey("blocked-key");
      emu.configureKey("blocked-key", { minEncryptionVersion: 2 });
      const r = await doctor(path);
      const line = r.stdout.split("\n").find((l) => l.includes("state.registry"));
      expect(line).toStartWith("[fail] state.registry");
      expect(line).toContain("min_encryption_version 2 is above the registry's active version 1");
      expect(r.code).toBe(4);
    } finally {
      emu.setPolicy("kms-plugin", goodPolicy);
    }
  });
});
