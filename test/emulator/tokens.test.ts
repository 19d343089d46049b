// Contract: auth/token lookup-self, renew-self (increment forms, max-TTL cap warning) and
// revoke-self; emulator-only: TTL countdown, expiry and capping on the injected clock, revocation.
// docs/openbao-compat.md §Other behaviours the provider depends on (source files listed there).
// docs/openbao-compat.md §ACL policies (the lookup-self POST check).
import { afterAll, describe, expect, test } from "bun:test";
import { emulatorTest, openTarget, type Json } from "../support/bao-target.ts";
import { startEmulator } from "../support/emulator/server.ts";
import type { Emulator } from "../support/emulator/types.ts";

const t = await openTarget();
afterAll(() => t.close());
const jwt = await t.enableJwtMount({ token_ttl: 1800, token_max_ttl: 3600 });
async function loginToken(): Promise<string> {
  const r = await t.call("POST", `/v1/${jwt.mount}/login`, { body: { role: jwt.role, jwt: jwt.mint() }, token: null });
  expect(r.status).toBe(200);
  return r.json.auth.client_token;
}
const rfc3339Nano = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

describe("lookup-self", () => {
  test("root token: root policy, no TTL, no expiry", async () => {
    const r = await t.call("GET", "/v1/auth/token/lookup-self");
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ id: t.token, policies: ["root"], path: "auth/token/root", ttl: 0, expire_time: null, type: "service" });
  });

  // docs/openbao-compat.md §ACL: the default policy grants `read` on lookup-self, so GET works
  // and POST (an update) is refused like any other path without the capability.
  test("login token: POST needs update, which the default policy does not grant", async () => {
    const token = await loginToken();
    const r = await t.call("POST", "/v1/auth/token/lookup-self", { token });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ errors: ["1 error occurred:\n\t* permission denied\n\n"] });
  });

  test("login token: documented fields, sorted keys", async () => {
    const token = await loginToken();
    for (const method of ["GET"]) {
      const r = await t.call(method, "/v1/auth/token/lookup-self", { token });
      expect(r.status).toBe(200);
      const d = r.json.data;
      expect(Object.keys(d)).toEqual([...Object.keys(d)].sort());
      expect(d).toMatchObject({
        id: token, creation_ttl: 1800, explicit_max_ttl: 0, meta: { role: jwt.role }, num_uses: 0, orphan: true,
        path: `${jwt.mount}/login`, policies: ["default", "kms-plugin"], renewable: true, type: "service",
      });
      expect(d.ttl).toBeGreaterThan(1790);
      expect(d.ttl).toBeLessThanOrEqual(1800);
      expect(d.expire_time).toMatch(rfc3339Nano);
      expect(d.issue_time).toMatch(rfc3339Nano);
      expect(Math.abs(Date.parse(d.expire_time) - Date.parse(d.issue_time) - 1_800_000)).toBeLessThan(2000);
      expect(Number.isInteger(d.creation_time)).toBe(true);
      expect(d.accessor).toMatch(/^[A-Za-z0-9]{24}$/);
    }
  });

  test("no token → 403 permission denied", async () => {
    const r = await t.call("GET", "/v1/auth/token/lookup-self", { token: null });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ errors: ["permission denied"] });
  });
});

describe("renew-self", () => {
  test("increment as seconds or duration string sets the new lease; same token and accessor", async () => {
    const token = await loginToken();
    const secs = await t.call("POST", "/v1/auth/token/renew-self", { token, body: { increment: 600 } });
    expect(secs.status).toBe(200);
    expect(secs.json.data).toBeNull();
    expect(secs.json.auth).toMatchObject({ client_token: token, lease_duration: 600, renewable: true });
    const str = await t.call("POST", "/v1/auth/token/renew-self", { token, body: { increment: "15m" } });
    expect(str.json.auth.lease_duration).toBe(900);
    const looked = await t.call("GET", "/v1/auth/token/lookup-self", { token });
    expect(looked.json.data.ttl).toBeLessThanOrEqual(900);
    expect(Number.isInteger(looked.json.data.last_renewal_time)).toBe(true);
    expect(looked.json.data.last_renewal).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test("no increment → the role TTL again", async () => {
    const token = await loginToken();
    const r = await t.call("POST", "/v1/auth/token/renew-self", { token });
    expect(r.json.auth.lease_duration).toBe(1800);
  });

  test("an increment past the max TTL is capped, with a warning", async () => {
    const token = await loginToken();
    const r = await t.call("POST", "/v1/auth/token/renew-self", { token, body: { increment: "2h" } });
    expect(r.status).toBe(200);
    expect(r.json.auth.lease_duration).toBeGreaterThan(3590);
    expect(r.json.auth.lease_duration).toBeLessThanOrEqual(3600);
    expect(r.json.warnings).toHaveLength(1);
    expect(r.json.warnings[0]).toMatch(/^TTL of "2h0m0s" exceeded the effective max_ttl of "(59m5\ds|1h0m0s)"; TTL value is capped accordingly$/);
  });

  test("revoke-self → 204, then the token is refused", async () => {
    const token = await loginToken();
    expect((await t.call("POST", "/v1/auth/token/revoke-self", { token })).status).toBe(204);
    const r = await t.call("GET", "/v1/auth/token/lookup-self", { token });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ errors: ["permission denied"] });
  });

  emulatorTest("the root token is not renewable", async () => {
    const r = await t.call("POST", "/v1/auth/token/renew-self");
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["lease is not renewable"] });
  });
});

describe("injected clock (emulator)", () => {
  let clock = Date.UTC(2031, 5, 1);
  let e: Emulator | undefined;
  const call = async (path: string, token: string, body?: unknown) => {
    const r = await fetch(`${e!.url}${path}`, {
      method: body === undefined ? "GET" : "POST", headers: { "X-Vault-Token": token },
      body: body === undefined ? undefined : JSON.stringify(body), tls: { ca: e!.caPem },
    });
    return { status: r.status, json: (await r.json()) as Json };
  };
  const login = async () => {
    const r = await fetch(`${e!.url}/v1/${e!.jwtMount}/login`, {
      method: "POST", body: JSON.stringify({ role: e!.jwtRole, jwt: e!.mintJwt() }), tls: { ca: e!.caPem },
    });
    return ((await r.json()) as { auth: { client_token: string } }).auth.client_token;
  };
  afterAll(() => e?.stop());

  emulatorTest("TTL counts down, renewal is capped by max TTL, expiry → 403", async () => {
    e = await startEmulator({ nowMs: () => clock, jwt: { tokenTtlSeconds: 1800, tokenMaxTtlSeconds: 3600, noDefaultPolicy: false } });
    const token = await login();
    clock += 100_000;
    expect((await call("/v1/auth/token/lookup-self", token)).json.data.ttl).toBe(1700);
    clock += 1_400_000; // issue + 1500 s
    expect((await call("/v1/auth/token/renew-self", token, {})).json.auth.lease_duration).toBe(1800);
    clock += 1_500_000; // issue + 3000 s: only 600 s left before the max TTL
    const renewed = await call("/v1/auth/token/renew-self", token, { increment: 3600 });
    expect(renewed.json.auth.lease_duration).toBe(600);
    expect(renewed.json.warnings).toEqual(['TTL of "1h0m0s" exceeded the effective max_ttl of "10m0s"; TTL value is capped accordingly']);
    clock += 600_000; // exactly at expiry: still valid
    expect((await call("/v1/auth/token/lookup-self", token)).status).toBe(200);
    clock += 1_000;
    const expired = await call(`/v1/${e.transitMount}/keys/${e.keyName}`, token);
    expect(expired.status).toBe(403);
    expect(expired.json).toEqual({ errors: ["permission denied"] });
    expect(e.isTokenValid(token)).toBe(false);
  });

  emulatorTest("revokeToken / revokeAllTokens keep the root token", async () => {
    e ??= await startEmulator({ nowMs: () => clock, jwt: { noDefaultPolicy: false } });
    const a = await login();
    const b = await login();
    e.revokeToken(a);
    expect((await call("/v1/auth/token/lookup-self", a)).status).toBe(403);
    expect((await call("/v1/auth/token/lookup-self", b)).status).toBe(200);
    e.revokeAllTokens();
    expect((await call("/v1/auth/token/lookup-self", b)).status).toBe(403);
    expect((await call("/v1/auth/token/lookup-self", e.rootToken)).status).toBe(200);
  });
});
