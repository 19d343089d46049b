// [auth] and [bootstrap]: methods, sources, defaults, and every rule between auth keys.
import { describe, expect, test } from "bun:test";
import { parseConfigText } from "../../src/config/load.ts";
import { failingText, fixtureText, pathsAndMessages } from "./fixture.ts";

const minimal = await fixtureText("minimal.toml");
const jwtBlock = `[auth.jwt]
source = "file"
mount_path = "auth/jwt"
role = "openbao-kms"
jwt_file = "/var/lib/openbao-kms/identity.jwt"
`;
/** minimal.toml with its [auth.jwt] table replaced by `auth` (raw TOML). */
const withAuth = (auth: string) => minimal.replace(jwtBlock, auth);

const oauth2 = `[auth.jwt]
source = "oauth2"
mount_path = "auth/jwt"
role = "openbao-kms"
expected_issuer = "https://issuer.example"
expected_audience = ["openbao"]

[auth.jwt.oauth2]
token_url = "https://issuer.example/token?tenant=a"
client_id = "kms-client"
client_secret_file = "/etc/openbao-kms/client-secret"
auth_method = "client_secret_post"
scopes = ["openbao:login", "a.b"]
audience = "openbao"
resources = ["https://openbao.example:8200", "urn:openbao:kms"]
ca_cert_file = "/etc/openbao-kms/issuer-ca.crt"
`;

const approle = `[auth]
method = "approle"

[auth.approle]
role_id = "5f0c8a3e-role"
secret_id_file = "/var/lib/openbao-kms/secret-id"
`;

describe("auth config", () => {
  test("minimal.toml needs no auth keys beyond the jwt table", () => {
    expect(minimal).toContain(jwtBlock);
    const cfg = parseConfigText(minimal);
    expect(cfg.auth.loginBeforeTokenExpiryMs).toBe(300_000);
  });

  test("oauth2 source: every key read", () => {
    const cfg = parseConfigText(withAuth(oauth2));
    expect(cfg.auth.jwt).toEqual({
      source: "oauth2",
      mountPath: "auth/jwt",
      role: "openbao-kms",
      jwtFile: "",
      minRemainingTtlMs: 120_000,
      clockSkewLeewayMs: 30_000,
      expectedIssuer: "https://issuer.example",
      expectedAudience: ["openbao"],
      expectedSubject: "",
      oauth2: {
        tokenUrl: "https://issuer.example/token?tenant=a",
        clientId: "kms-client",
        clientSecretFile: "/etc/openbao-kms/client-secret",
        authMethod: "client_secret_post",
        scopes: ["openbao:login", "a.b"],
        audience: "openbao",
        resources: ["https://openbao.example:8200", "urn:openbao:kms"],
        caCertFile: "/etc/openbao-kms/issuer-ca.crt",
      },
    });
  });

  test("approle: role_id inline, default mount", () => {
    const cfg = parseConfigText(withAuth(approle));
    expect(cfg.auth.method).toBe("approle");
    expect(cfg.auth.jwt).toBeUndefined();
    expect(cfg.auth.approle).toEqual({ mountPath: "auth/approle", roleId: "5f0c8a3e-role", roleIdFile: "", secretIdFile: "/var/lib/openbao-kms/secret-id" });
  });

  test("approle: role_id_file instead of role_id", () => {
    const cfg = parseConfigText(withAuth(approle.replace('role_id = "5f0c8a3e-role"', 'role_id_file = "/etc/openbao-kms/role-id"\nmount_path = "auth/kms-approle"')));
    expect(cfg.auth.approle).toEqual({ mountPath: "auth/kms-approle", roleId: "", roleIdFile: "/etc/openbao-kms/role-id", secretIdFile: "/var/lib/openbao-kms/secret-id" });
  });

  const bad: Array<[name: string, auth: string, problems: Array<[string, string]>]> = [
    ["method token", `[auth]\nmethod = "token"\n${jwtBlock}`, [["auth.method", "must be one of jwt, approle"]]],
    ["source missing", jwtBlock.replace('source = "file"\n', ""), [["auth.jwt.source", "is required"]]],
    ["source unknown", jwtBlock.replace('"file"', '"kubernetes"'), [["auth.jwt.source", "must be one of file, oauth2"]]],
    ["file source with an oauth2 table", `${jwtBlock}\n[auth.jwt.oauth2]\ntoken_url = "https://i.example/t"\nclient_id = "c"\nclient_secret_file = "/s"\nauth_method = "client_secret_basic"\n`, [["auth.jwt.oauth2", 'must be omitted for source "file"']]],
    ["oauth2 without issuer", oauth2.replace('expected_issuer = "https://issuer.example"\n', ""), [["auth.jwt.expected_issuer", 'is required for source "oauth2"']]],
    ["oauth2 without audience", oauth2.replace('expected_audience = ["openbao"]\n', ""), [["auth.jwt.expected_audience", 'needs at least one entry for source "oauth2"']]],
    ["oauth2 http token_url", oauth2.replace("https://issuer.example/token?tenant=a", "http://issuer.example/token"), [["auth.jwt.oauth2.token_url", "must use https"]]],
    ["oauth2 token_url with user info", oauth2.replace("https://issuer.example/token?tenant=a", "https://u:p@issuer.example/token"), [["auth.jwt.oauth2.token_url", "must not contain user info"]]],
    ["oauth2 token_url with fragment", oauth2.replace("https://issuer.example/token?tenant=a", "https://issuer.example/token#x"), [["auth.jwt.oauth2.token_url", "must not have a fragment"]]],
    ["oauth2 private_key_jwt", oauth2.replace('"client_secret_post"', '"private_key_jwt"'), [["auth.jwt.oauth2.auth_method", "must be one of client_secret_basic, client_secret_post"]]],
    ["oauth2 scope with a space", oauth2.replace('"openbao:login"', '"openbao login"'), [["auth.jwt.oauth2.scopes[0]", 'must be printable ASCII without spaces, "\\" or \'"\'']]],
    ["oauth2 empty scope", oauth2.replace('"a.b"', '""'), [["auth.jwt.oauth2.scopes[1]", "must not be empty"]]],
    ["oauth2 resource with fragment", oauth2.replace('"urn:openbao:kms"', '"https://x.example/#f"'), [["auth.jwt.oauth2.resources[1]", "must not have a fragment"]]],
    ["oauth2 relative resource", oauth2.replace('"urn:openbao:kms"', '"/kms"'), [["auth.jwt.oauth2.resources[1]", "must be an absolute URI"]]],
    ["oauth2 relative secret file", oauth2.replace('"/etc/openbao-kms/client-secret"', '"client-secret"'), [["auth.jwt.oauth2.client_secret_file", "must be an absolute path"]]],
    ["oauth2 unknown key", oauth2.replace('client_id = "kms-client"', 'client_id = "kms-client"\nclient_secret = "inline"'), [["auth.jwt.oauth2.client_secret", "unknown key"]]],
    ["empty audience entry", jwtBlock + 'expected_audience = ["a", ""]\n', [["auth.jwt.expected_audience[1]", "must not be empty"]]],
    ["relative jwt_file", jwtBlock.replace('"/var/lib/openbao-kms/identity.jwt"', '"identity.jwt"'), [["auth.jwt.jwt_file", "must be an absolute path"]]],
    ["min_remaining_ttl 0s", jwtBlock + 'min_remaining_ttl = "0s"\n', [["auth.jwt.min_remaining_ttl", "must be greater than 0s"]]],
    ["bare-number leeway", jwtBlock + "clock_skew_leeway = 30\n", [["auth.jwt.clock_skew_leeway", 'must be a duration string with units, such as "30s"']]],
    ["renewal increment not above refresh window", `[auth]\nlogin_before_token_expiry = "5m"\ntoken_renewal_increment = "5m"\n${jwtBlock}`, [["auth.token_renewal_increment", "must be greater than auth.login_before_token_expiry"]]],
    ["login_before_token_expiry 0s", `[auth]\nlogin_before_token_expiry = "0s"\n${jwtBlock}`, [["auth.login_before_token_expiry", "must be greater than 0s"]]],
    ["login_timeout above 5m", `[auth]\nlogin_timeout = "6m"\n${jwtBlock}`, [["auth.login_timeout", "must not exceed 5m"]]],
    ["approle table with method jwt", `${jwtBlock}\n[auth.approle]\nrole_id = "r"\nsecret_id_file = "/s"\n`, [["auth.approle", 'must be omitted when auth.method is "jwt"']]],
    ["approle without table", `[auth]\nmethod = "approle"\n`, [["auth.approle", 'is required when auth.method is "approle"']]],
    ["approle with a jwt table", `${approle}\n${jwtBlock}`, [["auth.jwt", 'must be omitted when auth.method is "approle"']]],
    ["approle without role id", approle.replace('role_id = "5f0c8a3e-role"\n', ""), [["auth.approle.role_id", "is required (or set role_id_file)"]]],
    ["approle with both role ids", approle.replace('role_id = "5f0c8a3e-role"', 'role_id = "r"\nrole_id_file = "/r"'), [["auth.approle.role_id_file", "must be omitted when role_id is set"]]],
    ["approle without secret_id_file", approle.replace('secret_id_file = "/var/lib/openbao-kms/secret-id"\n', ""), [["auth.approle.secret_id_file", "is required"]]],
    ["approle inline secret_id", approle + 'secret_id = "s"\n', [["auth.approle.secret_id", "unknown key"]]],
  ];
  test.each(bad)("rejects: %s", async (_name, auth, problems) => {
    const err = await failingText(withAuth(auth));
    expect(pathsAndMessages(err)).toEqual(problems.map(([path, message]) => ({ path, message })));
  });
});

describe("bootstrap config", () => {
  test("defaults", () => {
    expect(parseConfigText(minimal).bootstrap).toEqual({ graceTimeoutMs: 60_000, retryIntervalMs: 5_000 });
  });
  test("grace_timeout 0s is one attempt", () => {
    expect(parseConfigText(minimal + '\n[bootstrap]\ngrace_timeout = "0s"\n').bootstrap.graceTimeoutMs).toBe(0);
  });
  test.each([
    ['retry_interval = "0s"', "bootstrap.retry_interval", "must be greater than 0s"],
    ["grace_timeout = 60", "bootstrap.grace_timeout", 'must be a duration string with units, such as "30s"'],
    ['retry_interval = "2h"', "bootstrap.retry_interval", "must not exceed 1h"],
    ['attempts = 3', "bootstrap.attempts", "unknown key"],
  ])("rejects %s", async (line, path, message) => {
    const err = await failingText(minimal + `\n[bootstrap]\n${line}\n`);
    expect(pathsAndMessages(err)).toEqual([{ path, message }]);
  });
});
