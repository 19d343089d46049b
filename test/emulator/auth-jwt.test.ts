// Contract: JWT login — the auth object, role and token checks with their exact texts, claim
// validation; emulator-only: the 60 s leeway and expiry on the injected clock, pre-configured role.
// docs/openbao-compat.md §Other behaviours the provider depends on (source files listed there).
import { afterAll, describe, expect, test } from "bun:test";
import { emulatorTest, openTarget, type Json } from "../support/bao-target.ts";
import { generateJwtKeyPair, signJwt } from "../support/jwt.ts";
import { startEmulator } from "../support/emulator/server.ts";

const t = await openTarget();
afterAll(() => t.close());
const jwt = await t.enableJwtMount({ token_ttl: 1800, token_max_ttl: 3600 });
const login = (body: Record<string, unknown>) => t.call("POST", `/v1/${jwt.mount}/login`, { body, token: null });
const now = () => Math.floor(Date.now() / 1000);

describe("successful login", () => {
  test("200, data null, auth object in HTTPAuth field order, lease = role TTL", async () => {
    const r = await login({ role: jwt.role, jwt: jwt.mint() });
    expect(r.status).toBe(200);
    expect(r.json.data).toBeNull();
    expect(r.text).toMatch(/"data":null,"wrap_info":null,"warnings":null,"auth":\{"client_token":"hvs\.[A-Za-z0-9]+","accessor":"[A-Za-z0-9]{24}","policies":/);
    const a = r.json.auth;
    expect(Object.keys(a)).toEqual([
      "client_token", "accessor", "policies", "token_policies", "metadata", "lease_duration", "renewable",
      "entity_id", "token_type", "orphan", "mfa_requirement", "num_uses",
    ]);
    expect(a).toMatchObject({
      policies: ["default", "kms-plugin"], token_policies: ["default", "kms-plugin"], metadata: { role: jwt.role },
      lease_duration: 1800, renewable: true, token_type: "service", orphan: true, mfa_requirement: null, num_uses: 0,
    });
    expect(a.entity_id).toMatch(/^[0-9a-f-]{36}$/);
    const lookup = await t.call("GET", "/v1/auth/token/lookup-self", { token: a.client_token });
    expect(lookup.status).toBe(200);
    expect(lookup.json.data.path).toBe(`${jwt.mount}/login`);
  });

  test("the role name is case-insensitive; the token is not needed (and ignored) for login", async () => {
    const r = await t.call("POST", `/v1/${jwt.mount}/login`, { body: { role: jwt.role.toUpperCase(), jwt: jwt.mint() }, token: "hvs.bogus" });
    expect(r.status).toBe(200);
  });
});

describe("request errors", () => {
  test.each([
    ["no role", { jwt: "x" }, "missing role"],
    ["unknown role (quoted with %q, Go-escaped)", { role: "no<such>", jwt: "x" }, 'role "no<such>" could not be found'],
    ["no jwt", { role: "kms" }, "missing token"],
    ["empty jwt", { role: "kms", jwt: "" }, "missing token"],
  ])("%s → 400", async (_what, body, error) => {
    const r = await login(body);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: [error] });
  });

  test("Go escapes the role name in the error body", async () => {
    const r = await login({ role: "a&b", jwt: "x" });
    expect(r.text).toBe('{"errors":["role \\"a\\u0026b\\" could not be found"]}\n');
  });
});

describe("token validation", () => {
  const validating = (detail: string) => ({ errors: [`error validating token: ${detail}`] });
  const foreign = generateJwtKeyPair("RS256");

  test("signature by an untrusted key", async () => {
    const token = signJwt(foreign, { iss: jwt.issuer, sub: "s", aud: jwt.audience, iat: now(), exp: now() + 60 });
    const r = await login({ role: jwt.role, jwt: token });
    expect(r.status).toBe(400);
    expect(r.json).toEqual(validating("error verifying token signature: no known key successfully validated the token signature"));
  });

  test("not a compact JWS", async () => {
    const r = await login({ role: jwt.role, jwt: "abc.def" });
    expect(r.status).toBe(400);
    expect(r.json.errors[0]).toStartWith("error validating token: error verifying token signature:");
  });

  test.each([
    ["wrong issuer", { iss: "https://evil.test" }, "invalid issuer (iss) claim"],
    ["wrong audience", { aud: "someone-else" }, "invalid audience (aud) claim: audience claim does not match any expected audience"],
    ["expired long ago", { exp: now() - 3600, iat: now() - 7200, nbf: now() - 7200 }, "invalid expiration time (exp) claim: token is expired"],
    ["not yet valid", { nbf: now() + 3600, iat: undefined }, "invalid not before (nbf) claim: token not yet valid"],
    ["issued in the future", { iat: now() + 3600, nbf: now() - 10, exp: now() + 7200 }, "invalid issued at (iat) claim: token issued in the future"],
    ["no time claims", { iat: undefined, nbf: undefined, exp: undefined }, "no issued at (iat), not before (nbf), or expiration time (exp) claims in token"],
  ])("%s", async (_what, overrides, detail) => {
    const r = await login({ role: jwt.role, jwt: jwt.mint(overrides) });
    expect(r.status).toBe(400);
    expect(r.json).toEqual(validating(detail));
  });

  test("aud may be a list; one match is enough", async () => {
    const r = await login({ role: jwt.role, jwt: jwt.mint({ aud: ["other", jwt.audience] }) });
    expect(r.status).toBe(200);
  });
});

describe("role constraints", () => {
  test("audience in the JWT but none bound to the role → 400", async () => {
    const m = await t.enableJwtMount({ bound_audiences: [], bound_subject: "system:serviceaccount:kube-system:kms" });
    const r = await t.call("POST", `/v1/${m.mount}/login`, { body: { role: m.role, jwt: m.mint() }, token: null });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["audience claim found in JWT but no audiences bound to the role"] });
  });

  test("bound subject mismatch → invalid subject", async () => {
    const m = await t.enableJwtMount({ bound_subject: "system:serviceaccount:kube-system:other" });
    const r = await t.call("POST", `/v1/${m.mount}/login`, { body: { role: m.role, jwt: m.mint() }, token: null });
    expect(r.json).toEqual({ errors: ["error validating token: invalid subject (sub) claim"] });
  });
});

describe("emulator specifics", () => {
  emulatorTest("the pre-configured mount accepts mintJwt() and refuses mintForeignJwt()", async () => {
    const e = t.emulator!;
    const ok = await t.call("POST", `/v1/${e.jwtMount}/login`, { body: { role: e.jwtRole, jwt: e.mintJwt() }, token: null });
    expect(ok.status).toBe(200);
    expect(ok.json.auth.lease_duration).toBe(3600);
    const bad = await t.call("POST", `/v1/${e.jwtMount}/login`, { body: { role: e.jwtRole, jwt: e.mintForeignJwt() }, token: null });
    expect(bad.json.errors).toEqual(["error validating token: error verifying token signature: no known key successfully validated the token signature"]);
  });

  emulatorTest("exp is checked on the injected clock with a 60 s leeway", async () => {
    let clock = Date.UTC(2030, 0, 1);
    const e = await startEmulator({ nowMs: () => clock });
    try {
      const token = e.mintJwt({}, { ttlSeconds: 600 });
      const attempt = () =>
        fetch(`${e.url}/v1/${e.jwtMount}/login`, {
          method: "POST", body: JSON.stringify({ role: e.jwtRole, jwt: token }), tls: { ca: e.caPem },
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));
      clock += 660_000; // exp + 60 s: still inside the leeway
      expect((await attempt()).status).toBe(200);
      clock += 1_000;
      const late = await attempt();
      expect(late.status).toBe(400);
      expect(late.body.errors).toEqual(["error validating token: invalid expiration time (exp) claim: token is expired"]);
    } finally {
      await e.stop();
    }
  });
});
