// End to end on the compiled binary with 5 s OpenBao tokens (15 s max TTL): Encrypt/Decrypt
// keep working across renewals, max-TTL re-logins, revoked tokens and a swapped JWT file (a
// soak: zero failed RPCs); AppRole and OAuth2 serve; bootstrap failures exit 5 naming the
// cause without a secret. Every credential is registered with the log-capture leak check.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { registerSecret } from "../helpers/log-capture.ts";
import { ensureBinary, startProvider, writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";
import { PyKmsClient } from "../helpers/py-kms-client.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startOAuth2Server, type OAuth2Server } from "../support/oauth2-server.ts";

/** Soak length; the issue asks for 2 minutes (BKP_SOAK_SECONDS=120), the default run is shorter. */
const soakSeconds = Number(process.env.BKP_SOAK_SECONDS ?? "40");

let emu: Emulator;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({
    jwt: { tokenTtlSeconds: 5, tokenMaxTtlSeconds: 15 },
    approle: { tokenTtlSeconds: 5, tokenMaxTtlSeconds: 15 },
  });
  dir = mkdtempSync("/tmp/bkp-e2e-auth-");
});
afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const shortTokens = `login_before_token_expiry = "2s"
token_renewal_increment = "5s"`;

function jwtAuth(jwtFile: string, extra = ""): string {
  return `[auth]
method = "jwt"
${shortTokens}

[auth.jwt]
source = "file"
mount_path = "${emu.jwtMount}"
role = "${emu.jwtRole}"
jwt_file = "${jwtFile}"
${extra}
`;
}

/** Atomically replaces `path` with `content` (write beside, then rename), as an agent would. */
function replaceFile(path: string, content: string): void {
  const tmp = `${path}.new`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}

async function roundTrips(client: PyKmsClient, n: number): Promise<number> {
  let failed = 0;
  for (let i = 0; i < n; i++) {
    const pt = crypto.getRandomValues(new Uint8Array(32));
    const enc = await client.encrypt(pt);
    if (!enc.ok) {
      failed++;
      continue;
    }
    const dec = await client.decrypt(enc);
    if (!dec.ok || dec.plaintext !== Buffer.from(pt).toString("base64")) failed++;
  }
  return failed;
}

test(
  `soak (${soakSeconds}s, 5 s tokens): renewals, max-TTL re-logins, revoked tokens and a swapped JWT file, zero failed RPCs`,
  async () => {
    const nowS = Math.floor(Date.now() / 1000);
    // The first JWT stops being usable half-way; from then on every login needs the swapped file.
    const firstJwt = emu.mintJwt({ exp: nowS + Math.floor(soakSeconds / 2) });
    registerSecret(firstJwt);
    const files = writeProviderFiles(emu, { auth: (f) => jwtAuth(f, 'min_remaining_ttl = "1s"\nclock_skew_leeway = "0s"') });
    replaceFile(files.jwtFile, firstJwt + "\n");
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    emu.resetCounts();
    const t0 = performance.now();
    const events: string[] = [];
    let calls = 0;
    let failed = 0;
    let swapped = false;
    let revokes = 0;
    try {
      while (performance.now() - t0 < soakSeconds * 1000) {
        const elapsed = (performance.now() - t0) / 1000;
        if (!swapped && elapsed > soakSeconds / 4) {
          const second = emu.mintJwt();
          registerSecret(second);
          replaceFile(files.jwtFile, second + "\n");
          swapped = true;
          events.push(`swap@${elapsed.toFixed(1)}`);
        }
        // Revocations late enough that a max-TTL re-login (every ~13 s) happens before the first.
        if (revokes < 2 && elapsed > soakSeconds * [0.55, 0.85][revokes]!) {
          emu.revokeAllTokens();
          revokes++;
          events.push(`revoke@${elapsed.toFixed(1)}`);
        }
        failed += await roundTrips(client, 1);
        calls += 2;
        const st = await client.status();
        calls++;
        if (!st.ok || st.healthz !== "ok") failed++;
        await Bun.sleep(50);
      }
      const logins = emu.count({ pathPrefix: `${emu.jwtMount}/login` });
      const renewals = emu.count({ pathPrefix: "auth/token/renew-self" });
      const denied = emu.requests.filter((r) => r.path.startsWith("/v1/transit/") && r.status === 403).length;
      console.log(`soak: ${calls} RPCs, ${failed} failed, ${logins} logins, ${renewals} renewals, ${denied} Transit 403s, ${events.join(" ")}`);
      expect(failed).toBe(0);
      expect(revokes).toBe(2);
      expect(denied).toBeGreaterThanOrEqual(1); // the revocations were really seen …
      expect(renewals).toBeGreaterThanOrEqual(soakSeconds / 5); // … renewals happened …
      expect(logins).toBeGreaterThanOrEqual(Math.floor(soakSeconds / 15)); // … and so did max-TTL re-logins
      const log = provider.output.join("\n");
      expect(log).toContain('"message":"auth.renewal"');
      expect(log).toContain('"reason":"recovery"');
      // A login that was not a recovery: the renewal hit the max TTL (lease too short) and a login followed.
      expect(provider.output.some((l) => l.includes('"message":"auth.login"') && l.includes('"reason":"refresh"') && l.includes('"status":"ok"'))).toBe(true);
      expect(provider.output.some((l) => l.includes('"message":"auth.renewal"') && l.includes('"error_class":"lease_too_short"'))).toBe(true);
    } finally {
      await client.close();
      expect(await provider.stop()).toBe(0);
      files.cleanup();
    }
  },
  soakSeconds * 1000 + 60_000,
);

test("AppRole: serve logs in with role_id and the secret ID file, and recovers from a revoked token", async () => {
  const secretId = emu.issueSecretId();
  registerSecret(secretId);
  const secretIdFile = join(dir, "secret-id");
  replaceFile(secretIdFile, secretId + "\n");
  const files = writeProviderFiles(emu, {
    auth: () => `[auth]
method = "approle"
${shortTokens}

[auth.approle]
mount_path = "${emu.approle.mount}"
role_id = "${emu.approle.roleId}"
secret_id_file = "${secretIdFile}"
`,
  });
  const provider = await startProvider(files);
  const client = new PyKmsClient(files.socketPath);
  try {
    expect(await roundTrips(client, 3)).toBe(0);
    const before = emu.count({ pathPrefix: `${emu.approle.mount}/login` });
    // A fresh secret ID in the file, the old one gone: the next login must read the file again.
    replaceFile(secretIdFile, emu.issueSecretId() + "\n");
    emu.revokeAllTokens();
    expect(await roundTrips(client, 3)).toBe(0);
    expect(emu.count({ pathPrefix: `${emu.approle.mount}/login` })).toBeGreaterThan(before);
    expect(provider.output.join("\n")).toContain('"operation":"approle_login"');
  } finally {
    await client.close();
    expect(await provider.stop()).toBe(0);
    files.cleanup();
  }
});

describe("OAuth2 client credentials", () => {
  let issuer: OAuth2Server;
  const clientSecret = "e2e-client-secret-0123456789abcdef";
  beforeAll(async () => {
    registerSecret(clientSecret);
    issuer = await startOAuth2Server({
      clientId: "kms-client",
      secret: clientSecret,
      mint: () => {
        const t = emu.mintJwt();
        registerSecret(t);
        return t;
      },
    });
  });
  afterAll(() => issuer?.stop());

  test("serve takes an access token per login (client_secret_basic), checks it, and serves", async () => {
    const secretFile = join(dir, "client-secret");
    replaceFile(secretFile, clientSecret + "\n");
    const files = writeProviderFiles(emu, {
      auth: () => `[auth]
method = "jwt"
${shortTokens}

[auth.jwt]
source = "oauth2"
mount_path = "${emu.jwtMount}"
role = "${emu.jwtRole}"
expected_issuer = "${emu.jwtIssuer}"
expected_audience = ["${emu.jwtAudience}"]

[auth.jwt.oauth2]
token_url = "${issuer.url}"
client_id = "kms-client"
client_secret_file = "${secretFile}"
auth_method = "client_secret_basic"
scopes = ["openbao:login"]
ca_cert_file = "${issuer.caFile}"
`,
    });
    const grants = issuer.grants.length;
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    try {
      expect(await roundTrips(client, 3)).toBe(0);
      emu.revokeAllTokens();
      expect(await roundTrips(client, 3)).toBe(0);
      const mine = issuer.grants.slice(grants);
      expect(mine.length).toBeGreaterThanOrEqual(2); // start-up, then the recovery login
      expect(mine.every((g) => g.auth === "basic" && g.secretOk && g.form.scope?.[0] === "openbao:login")).toBe(true);
    } finally {
      await client.close();
      expect(await provider.stop()).toBe(0);
      files.cleanup();
    }
  });
});

describe("bootstrap failures: exit 5, the cause named, no secret", () => {
  async function serveFails(files: ProviderFiles, secrets: string[]) {
    const p = Bun.spawn([ensureBinary(), "serve", "--config", files.configPath], { stdout: "pipe", stderr: "pipe" });
    const t0 = performance.now();
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    const all = stdout + stderr;
    for (const s of secrets) expect(all).not.toContain(s);
    expect(all).not.toMatch(/hvs\.[A-Za-z0-9]{20}/);
    expect(code).toBe(5);
    return { stderr, ms: performance.now() - t0 };
  }

  test("an expired JWT: retried every retry_interval until grace_timeout, then exit 5 naming jwt_expired", async () => {
    const expired = emu.mintJwt({ exp: Math.floor(Date.now() / 1000) - 600 });
    registerSecret(expired);
    const files = writeProviderFiles(emu, { extraToml: '[bootstrap]\ngrace_timeout = "2s"\nretry_interval = "500ms"\n' });
    replaceFile(files.jwtFile, expired + "\n");
    try {
      const logins = emu.count({ pathPrefix: `${emu.jwtMount}/login` });
      const r = await serveFails(files, [expired, expired.split(".")[2]!]);
      expect(r.stderr).toContain("start-up did not succeed within 2s");
      expect(r.stderr).toContain(`authentication failed (jwt_expired): JWT file ${files.jwtFile}: the JWT has expired`);
      expect(r.stderr.match(/"serve.bootstrap"/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
      expect(r.ms).toBeGreaterThan(1900);
      expect(emu.count({ pathPrefix: `${emu.jwtMount}/login` })).toBe(logins); // never sent to OpenBao
    } finally {
      files.cleanup();
    }
  });

  const noGrace = '[bootstrap]\ngrace_timeout = "0s"\n';

  test("a wrong role → login_rejected", async () => {
    const files = writeProviderFiles(emu, { extraToml: noGrace, auth: (f) => jwtAuth(f).replace(`role = "${emu.jwtRole}"`, 'role = "no-such-role"') });
    try {
      const r = await serveFails(files, []);
      expect(r.stderr).toContain("authentication failed (login_rejected): OpenBao refused the login at auth/jwt (HTTP 400)");
    } finally {
      files.cleanup();
    }
  });

  test("a used-up secret ID → secret_id_rejected, naming the file", async () => {
    const used = emu.issueSecretId({ numUses: 1 });
    registerSecret(used);
    await fetch(`${emu.url}/v1/${emu.approle.mount}/login`, { method: "POST", body: JSON.stringify({ role_id: emu.approle.roleId, secret_id: used }), tls: { ca: emu.caPem, serverName: emu.serverName } } as RequestInit);
    const secretIdFile = join(dir, "used-secret-id");
    replaceFile(secretIdFile, used);
    const files = writeProviderFiles(emu, {
      extraToml: noGrace,
      auth: () => `[auth]\nmethod = "approle"\n\n[auth.approle]\nrole_id = "${emu.approle.roleId}"\nsecret_id_file = "${secretIdFile}"\n`,
    });
    try {
      const r = await serveFails(files, [used]);
      expect(r.stderr).toContain(`authentication failed (secret_id_rejected)`);
      expect(r.stderr).toContain(`used up or expired; write a fresh secret ID to ${secretIdFile}`);
    } finally {
      files.cleanup();
    }
  });

  test("a TLS name mismatch → the TLS message", async () => {
    const files = writeProviderFiles(emu, { extraToml: noGrace, tlsServerName: "wrong-name.test" });
    try {
      const r = await serveFails(files, []);
      expect(r.stderr).toContain("TLS to OpenBao at");
      expect(r.stderr).toContain("does not carry the name wrong-name.test; set openbao.tls_server_name");
    } finally {
      files.cleanup();
    }
  });

  test("a group-writable JWT file → named, never read", async () => {
    const files = writeProviderFiles(emu, { extraToml: noGrace });
    try {
      Bun.spawnSync(["chmod", "0660", files.jwtFile]);
      const r = await serveFails(files, []);
      expect(r.stderr).toContain(`JWT file ${files.jwtFile} has mode 0660`);
    } finally {
      files.cleanup();
    }
  });
});
