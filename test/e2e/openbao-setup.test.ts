// docs/openbao-setup.md, followed on the emulator for each credential source, with only what
// `init` generated: the operator writes a values file, runs `init --new-key`, the OpenBao admin
// runs the generated openbao-setup.sh (curl against OpenBao's HTTP API, with a root token as an
// admin would) which creates the Transit mount, key, policy, auth method and role and writes
// config.toml with the mount's uuid; the node gets its credential (an identity JWT signed by
// the cluster's issuer, an OAuth2 client secret, or a secret ID from `openbao-setup.sh
// secret-id`); then `doctor` passes and `serve` answers `probe`.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { buildClaims, generateJwtKeyPair, signJwt } from "../support/jwt.ts";
import { startOAuth2Server, type OAuth2Server } from "../support/oauth2-server.ts";
import { ensureBinary, makeSocketDir, startProvider } from "../helpers/provider.ts";
import { registerSecret } from "../helpers/log-capture.ts";

let emu: Emulator;
let oauth: OAuth2Server | undefined;
const cleanups: Array<() => void> = [];
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) c();
  await oauth?.stop();
  await emu?.stop();
});

/** The cluster's identity issuer (what signs node JWTs, or the OAuth2 provider's access tokens). */
const idp = generateJwtKeyPair("RS256");
const issuer = "https://issuer.example.internal";

/** Runs a command without blocking the event loop (the emulator answers from this process). */
async function run(cmd: string[], env: Record<string, string> = {}) {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } });
  const guard = setTimeout(() => p.kill("SIGKILL"), 30_000);
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(guard);
  return { code, stdout, stderr };
}

interface Node {
  dir: string;
  out: string;
  socketPath: string;
}

/** The operator's values file: this cluster's facts, no transit_mount_id, no lineage (init --new-key). */
function valuesFor(name: string, auth: (dir: string) => string): Node & { values: string } {
  const dir = mkdtempSync(`/tmp/h7-setup-${name}-`);
  const socketDir = makeSocketDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => rmSync(socketDir, { recursive: true, force: true }));
  mkdirSync(join(dir, "state"), { mode: 0o750 });
  const values = `config_version = "v1"

[server]
socket_path = "${join(socketDir, "kms.sock")}"
socket_group = "${process.getegid?.() ?? 0}"
metrics_address = "127.0.0.1:0"
health_address = "127.0.0.1:0"

[openbao]
address = "${emu.url}"
ca_cert_file = "${emu.caFile}"
tls_server_name = "${emu.serverName}"
instance_id = "emulator-setup"

${auth(dir)}
[transit]
mount_path = "kms-${name}"
key_name = "kubernetes"

[transit.key_id_scope]
provider_name = "openbao-kms"
cluster_id = "setup-${name}"

[state]
path = "${join(dir, "state", "key-registry.json")}"

[logging]
level = "info"
`;
  writeFileSync(join(dir, "values.toml"), values);
  return { dir, out: join(dir, "out"), socketPath: join(socketDir, "kms.sock"), values: join(dir, "values.toml") };
}

/** init → openbao-setup.sh (as the admin) → node credential → doctor → serve + probe. */
async function followTheDocs(node: Node & { values: string }, adminEnv: Record<string, string>, provision: (out: string) => void | Promise<void>) {
  const init = await run([ensureBinary(), "init", "--values", node.values, "--out", node.out, "--new-key"]);
  expect(init.code, init.stderr).toBe(0);
  expect(existsSync(join(node.out, "config.toml"))).toBe(false);
  expect(readFileSync(join(node.out, "config.toml.in"), "utf8")).toContain('transit_mount_id = "@TRANSIT_MOUNT_ID@"');

  // The admin's run: only the generated script, an admin token, and the identity facts.
  const setup = await run(["sh", join(node.out, "openbao-setup.sh")], { BAO_ADDR: emu.url, BAO_CACERT: emu.caFile, BAO_TOKEN: emu.rootToken, ...adminEnv });
  expect(setup.code, setup.stderr + setup.stdout).toBe(0);
  expect(setup.stdout + setup.stderr).not.toContain(emu.rootToken);
  const config = join(node.out, "config.toml");
  expect(readFileSync(config, "utf8")).toContain(`transit_mount_id = "${emu.mountUuid(readFileSync(config, "utf8").match(/mount_path = "(kms-[a-z0-9-]+)"/)![1]!)}"`);
  expect(statSync(config).mode & 0o777).toBe(0o640);
  // Idempotent: the admin may run it again.
  expect((await run(["sh", join(node.out, "openbao-setup.sh")], { BAO_ADDR: emu.url, BAO_CACERT: emu.caFile, BAO_TOKEN: emu.rootToken, ...adminEnv })).code).toBe(0);

  await provision(node.out);

  const doctor = await run([ensureBinary(), "doctor", "--config", config, "--encryption-config", join(node.out, "encryption-config-readers.yaml")]);
  expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
  expect(doctor.stdout).not.toContain("[fail]");

  const provider = await startProvider({ configPath: config, socketPath: node.socketPath });
  try {
    const probe = await run([ensureBinary(), "probe", "--config", config]);
    expect(probe.code, probe.stdout).toBe(0);
  } finally {
    expect(await provider.stop()).toBe(0);
  }
}

describe("docs/openbao-setup.md on the emulator, with only init's files", () => {
  test("JWT file: the node's identity JWT from the cluster's issuer", async () => {
    const node = valuesFor("jwt", (dir) => `[auth]\nmethod = "jwt"\n\n[auth.jwt]\nsource = "file"\nmount_path = "auth/kms-jwt"\nrole = "openbao-kms"\njwt_file = "${join(dir, "identity.jwt")}"\n`);
    const pub = join(node.dir, "issuer.pem");
    writeFileSync(pub, idp.publicKeyPem);
    await followTheDocs(node, { JWT_ISSUER: issuer, JWT_PUBKEY_FILE: pub, AUDIENCE: "openbao-kms", SUBJECT: "system:node:cp-1" }, () => {
      // What an identity agent does on the node: write the JWT (0600) and replace it before it expires.
      const jwt = signJwt(idp, buildClaims({ iss: issuer, sub: "system:node:cp-1", aud: "openbao-kms", ttlSeconds: 3600 }));
      registerSecret(jwt);
      writeFileSync(join(node.dir, "identity.jwt"), jwt + "\n", { mode: 0o600 });
    });
  }, 60_000);

  test("OAuth2 client credentials: an access token from the identity provider, on every login", async () => {
    const clientId = "kms-cp";
    const secret = "s3cret-" + crypto.randomUUID();
    registerSecret(secret);
    oauth = await startOAuth2Server({ clientId, secret, mint: () => signJwt(idp, buildClaims({ iss: issuer, sub: clientId, aud: "openbao", ttlSeconds: 600 })) });
    const node = valuesFor(
      "oauth2",
      (dir) => `[auth]\nmethod = "jwt"\n\n[auth.jwt]\nsource = "oauth2"\nmount_path = "auth/kms-oidc"\nrole = "openbao-kms"\nexpected_issuer = "${issuer}"\nexpected_audience = ["openbao"]\n\n[auth.jwt.oauth2]\ntoken_url = "${oauth!.url}"\nclient_id = "${clientId}"\nclient_secret_file = "${join(dir, "client-secret")}"\nauth_method = "client_secret_basic"\nca_cert_file = "${oauth!.caFile}"\n`,
    );
    const pub = join(node.dir, "issuer.pem");
    writeFileSync(pub, idp.publicKeyPem);
    // Issuer and audience come from the config; the admin names the key source and the client's subject.
    await followTheDocs(node, { JWT_PUBKEY_FILE: pub, SUBJECT: clientId }, () => {
      writeFileSync(join(node.dir, "client-secret"), secret, { mode: 0o600 });
    });
    expect(oauth.grants.length).toBeGreaterThan(0);
  }, 60_000);

  test("AppRole: the role gets init's role_id; each node gets its own secret ID from `openbao-setup.sh secret-id`", async () => {
    const node = valuesFor("approle", (dir) => `[auth]\nmethod = "approle"\n\n[auth.approle]\nsecret_id_file = "${join(dir, "secret-id")}"\n`);
    await followTheDocs(node, {}, async (out) => {
      const sid = await run(["sh", join(out, "openbao-setup.sh"), "secret-id"], { BAO_ADDR: emu.url, BAO_CACERT: emu.caFile, BAO_TOKEN: emu.rootToken });
      expect(sid.code, sid.stderr).toBe(0);
      const secretId = sid.stdout.trim();
      expect(secretId).toMatch(/^[0-9a-f-]{36}$/);
      registerSecret(secretId);
      writeFileSync(join(node.dir, "secret-id"), secretId + "\n", { mode: 0o600 });
    });
  }, 60_000);
});
