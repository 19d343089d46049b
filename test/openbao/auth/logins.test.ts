// Logins against the emulator and the test OAuth2 server over real HTTPS: JWT file (rotation
// picked up), AppRole (secret ID file re-read, used-up secret ID), OAuth2 client credentials
// (both client auth methods, form fields, every refusal), renewal, and recovery of a revoked
// token through the Transit client. Error texts never carry a credential.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AuthError } from "../../../src/openbao/auth/errors.ts";
import { appRoleLogin, jwtFileSupplier, jwtLogin, renewSelf } from "../../../src/openbao/auth/methods.ts";
import { oauth2JwtSupplier, type OAuth2Options } from "../../../src/openbao/auth/oauth2.ts";
import { createOpenBaoHttp } from "../../../src/openbao/http.ts";
import { createTokenManager, type AuthEvent, type LoginFn } from "../../../src/openbao/auth/token-source.ts";
import { createTransitClient } from "../../../src/openbao/transit-client.ts";
import { startEmulator, type Emulator } from "../../support/emulator/server.ts";
import { startOAuth2Server, type OAuth2Server } from "../../support/oauth2-server.ts";

let emu: Emulator;
let issuer: OAuth2Server;
let dir: string;
const clientSecret = "client-secret-0123456789-abcdef";

beforeAll(async () => {
  emu = await startEmulator({ jwt: { tokenTtlSeconds: 30, tokenMaxTtlSeconds: 60 }, approle: { tokenTtlSeconds: 30 } });
  issuer = await startOAuth2Server({ clientId: "kms-client", secret: clientSecret, mint: () => emu.mintJwt() });
  dir = mkdtempSync("/tmp/bkp-logins-");
});
afterAll(async () => {
  await emu.stop();
  await issuer.stop();
  rmSync(dir, { recursive: true, force: true });
});

const http = () => createOpenBaoHttp({ address: emu.url, caPem: emu.caPem, tlsServerName: emu.serverName, namespace: "", timeoutMs: 2000 });
const checks = { leewayMs: 30_000, minRemainingTtlMs: 120_000, issuer: "", audience: [] as string[], subject: "" };
const signal = () => AbortSignal.timeout(5000);

function write(name: string, content: string): string {
  const p = join(dir, name);
  const tmp = `${p}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, p); // atomic replace, as an operator or agent would do
  return p;
}

async function failure(p: Promise<unknown>): Promise<AuthError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AuthError);
  return e as AuthError;
}

function manager(login: LoginFn, events: AuthEvent[] = []) {
  return createTokenManager({ login, renew: renewSelf(http()), loginBeforeExpiryMs: 10_000, renewalIncrementMs: 30_000, refreshTimeoutMs: 5_000, onEvent: (e) => events.push(e) });
}

describe("JWT file", () => {
  test("logs in; a rotated file is used at the next login; a foreign JWT is refused with a clean message", async () => {
    const jwtFile = write("identity.jwt", emu.mintJwt({ sub: "first" }) + "\n");
    const login = jwtLogin({ http: http(), mountPath: emu.jwtMount, role: emu.jwtRole, jwt: jwtFileSupplier(jwtFile, checks) });
    const a = await login(signal());
    expect(a.leaseSeconds).toBe(30);
    write("identity.jwt", emu.mintJwt({ sub: "second" }) + "\n");
    const b = await login(signal());
    expect(b.token).not.toBe(a.token);
    const foreign = emu.mintForeignJwt();
    write("identity.jwt", foreign);
    const e = await failure(login(signal()));
    expect(e.authClass).toBe("login_rejected");
    expect(e.status).toBe(400);
    expect(e.message).not.toContain(foreign.split(".")[2]!);
  });

  test("an expired JWT in the file never reaches OpenBao", async () => {
    const jwtFile = write("expired.jwt", emu.mintJwt({ exp: Math.floor(Date.now() / 1000) - 3600 }));
    const before = emu.count({ pathPrefix: emu.jwtMount });
    const e = await failure(jwtLogin({ http: http(), mountPath: emu.jwtMount, role: emu.jwtRole, jwt: jwtFileSupplier(jwtFile, checks) })(signal()));
    expect(e.authClass).toBe("jwt_expired");
    expect(e.message).toContain(jwtFile);
    expect(emu.count({ pathPrefix: emu.jwtMount })).toBe(before);
  });
});

describe("AppRole", () => {
  test("role_id inline or from a file; the secret ID file is re-read at every login; a used-up secret ID gets a clear error", async () => {
    const sid1 = emu.issueSecretId({ numUses: 1 });
    const secretIdFile = write("secret-id", sid1 + "\n");
    const roleIdFile = write("role-id", emu.approle.roleId);
    const login = appRoleLogin({ http: http(), mountPath: emu.approle.mount, roleId: "", roleIdFile, secretIdFile });
    expect((await login(signal())).leaseSeconds).toBe(30);
    const e = await failure(login(signal())); // one use only
    expect(e.authClass).toBe("secret_id_rejected");
    expect(e.message).toContain(`used up or expired; write a fresh secret ID to ${secretIdFile}`);
    expect(e.message).not.toContain(sid1);
    write("secret-id", emu.issueSecretId() + "\n");
    expect((await login(signal())).leaseSeconds).toBe(30);
    const inline = appRoleLogin({ http: http(), mountPath: emu.approle.mount, roleId: emu.approle.roleId, roleIdFile: "", secretIdFile });
    expect((await inline(signal())).renewable).toBe(true);
  });
});

describe("OAuth2 client credentials", () => {
  const base = (over: Partial<OAuth2Options> = {}): OAuth2Options => ({
    tokenUrl: issuer.url,
    clientId: "kms-client",
    clientSecretFile: write("client-secret", clientSecret + "\n"),
    authMethod: "client_secret_basic",
    scopes: ["openbao:login", "kms"],
    audience: "openbao",
    resources: ["https://openbao.test:8200", "urn:kms"],
    caPem: issuer.caPem,
    checks: { ...checks, issuer: emu.jwtIssuer, audience: [emu.jwtAudience] },
    ...over,
  });

  test("client_secret_basic: form fields, headers, then the JWT login works", async () => {
    issuer.faults = {};
    const n = issuer.grants.length;
    const login = jwtLogin({ http: http(), mountPath: emu.jwtMount, role: emu.jwtRole, jwt: oauth2JwtSupplier(base()) });
    expect((await login(signal())).leaseSeconds).toBe(30);
    const g = issuer.grants[n]!;
    expect(g).toMatchObject({ auth: "basic", clientId: "kms-client", secretOk: true, accept: "application/json", contentType: "application/x-www-form-urlencoded" });
    expect(g.form).toEqual({ grant_type: ["client_credentials"], scope: ["openbao:login kms"], audience: ["openbao"], resource: ["https://openbao.test:8200", "urn:kms"] });
  });

  test("client_secret_post; a rotated secret file is used at the next grant", async () => {
    issuer.faults = {};
    const opts = base({ authMethod: "client_secret_post", scopes: [], audience: "", resources: [] });
    const supplier = oauth2JwtSupplier(opts);
    await supplier(signal());
    expect(issuer.grants.at(-1)).toMatchObject({ auth: "post", secretOk: true, form: { grant_type: ["client_credentials"], client_id: ["kms-client"], client_secret: [clientSecret] } });
    issuer.secret = "rotated-secret-9876543210";
    const e = await failure(supplier(signal()));
    expect(e.authClass).toBe("oauth2_rejected");
    expect(e.message).not.toContain(clientSecret);
    write("client-secret", "rotated-secret-9876543210\n");
    await supplier(signal());
    expect(issuer.grants.at(-1)!.secretOk).toBe(true);
    issuer.secret = clientSecret;
  });

  test.each<[string, Record<string, unknown>, string, string]>([
    ["a non-200 reply", { status: 500 }, "oauth2_rejected", "HTTP 500"],
    ["a redirect (not followed)", { redirectTo: "https://elsewhere.test/token" }, "oauth2_rejected", "redirects are not followed"],
    ["a text/html reply", { contentType: "text/html" }, "oauth2_response_invalid", "is not application/json"],
    ["token_type mac", { tokenType: "mac" }, "oauth2_response_invalid", "token_type other than Bearer"],
    ["expires_in 60 with min_remaining_ttl 2m", { expiresIn: 60 }, "jwt_near_expiry", "expires within auth.jwt.min_remaining_ttl"],
    ["expires_in -1", { expiresIn: -1 }, "oauth2_response_invalid", "expires_in"],
    ["a body above 1 MiB", { oversize: true }, "oauth2_response_invalid", "larger than"],
    ["an access token that is not a JWT", { accessToken: "opaque-token-value-123456" }, "jwt_malformed", "three dot-separated parts"],
  ])("refuses %s", async (_n, faults, cls, text) => {
    issuer.faults = faults;
    try {
      const e = await failure(oauth2JwtSupplier(base())(signal()));
      expect(e.authClass).toBe(cls as AuthError["authClass"]);
      expect(e.message).toContain(text);
      expect(e.message).not.toContain(clientSecret);
    } finally {
      issuer.faults = {};
    }
  });

  test("the grant is sent with redirect: manual; a redirect back to the working endpoint is still refused", async () => {
    const modes: Array<RequestInit["redirect"]> = [];
    const spy = (async (input: string, init?: RequestInit) => {
      modes.push(init?.redirect);
      return fetch(input, init);
    }) as unknown as typeof fetch;
    issuer.faults = { redirectTo: issuer.url };
    const before = issuer.grants.length;
    try {
      const e = await failure(oauth2JwtSupplier(base({ fetch: spy }))(signal()));
      expect([e.authClass, e.message.includes("redirects are not followed")]).toEqual(["oauth2_rejected", true]);
      expect(modes).toEqual(["manual"]);
      expect(issuer.grants.length - before).toBe(1); // the one grant we sent; no second request
    } finally {
      issuer.faults = {};
    }
  });

  test("a token endpoint signed by an unknown CA fails as a TLS failure", async () => {
    const e = await failure(oauth2JwtSupplier(base({ caPem: emu.caPem }))(signal()));
    expect(e.authClass).toBe("oauth2_request_failed");
    expect(e.kind).toBe("tls_failed");
  });

  test("a missing or group-writable secret file is a credential failure", async () => {
    const e = await failure(oauth2JwtSupplier(base({ clientSecretFile: join(dir, "nope") }))(signal()));
    expect(e.authClass).toBe("oauth2_credential_unavailable");
  });
});

describe("renewal and recovery against the emulator", () => {
  test("renew-self against the emulator keeps the same token and grants a new lease", async () => {
    const jwtFile = write("renew.jwt", emu.mintJwt());
    const events: AuthEvent[] = [];
    const tm = manager(jwtLogin({ http: http(), mountPath: emu.jwtMount, role: emu.jwtRole, jwt: jwtFileSupplier(jwtFile, checks) }), events);
    const first = await tm.token();
    // One renewal by hand (the refresh-window logic itself is tested in token-manager.test.ts).
    const r = await renewSelf(http())(first, 30, signal());
    expect(r.token).toBe(first);
    expect(r.leaseSeconds).toBeGreaterThan(25);
    expect(events.map((e) => [e.kind, e.outcome])).toEqual([["login", "ok"]]);
  });

  test("a token revoked at OpenBao → one re-login and one retry, invisible to the caller", async () => {
    const jwtFile = write("recover.jwt", emu.mintJwt());
    const h = http();
    const tm = manager(jwtLogin({ http: h, mountPath: emu.jwtMount, role: emu.jwtRole, jwt: jwtFileSupplier(jwtFile, checks) }));
    const transit = createTransitClient({ http: h, tokens: tm, mountPath: emu.transitMount, keyName: emu.keyName });
    await transit.readKey();
    const token = await tm.token();
    emu.revokeToken(token);
    emu.resetCounts();
    const meta = await transit.readKey();
    expect(meta.latestVersion).toBeGreaterThanOrEqual(1);
    expect(emu.count({ pathPrefix: `${emu.jwtMount}/login` })).toBe(1);
    expect(emu.count({ pathPrefix: `${emu.transitMount}/keys` })).toBe(2);
    expect(await tm.token()).not.toBe(token);
  });

  test("a hard denial (policy) backs off: 20 calls, one re-login", async () => {
    const jwtFile = write("deny.jwt", emu.mintJwt());
    const h = http();
    const tm = manager(jwtLogin({ http: h, mountPath: emu.jwtMount, role: emu.jwtRole, jwt: jwtFileSupplier(jwtFile, checks) }));
    const transit = createTransitClient({ http: h, tokens: tm, mountPath: emu.transitMount, keyName: emu.keyName });
    await transit.readKey();
    emu.deny(`${emu.transitMount}/keys`);
    emu.resetCounts();
    try {
      for (let i = 0; i < 20; i++) await expect(transit.readKey()).rejects.toMatchObject({ kind: "permission_denied" });
      expect(emu.count({ pathPrefix: `${emu.jwtMount}/login` })).toBe(1);
      expect(emu.count({ pathPrefix: `${emu.transitMount}/keys` })).toBe(21);
    } finally {
      emu.allow(`${emu.transitMount}/keys`);
    }
  });
});
