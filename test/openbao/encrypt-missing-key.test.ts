// docs/openbao-compat.md §Encrypt on a missing key: with the policy `init` generates (update on
// encrypt, no create) OpenBao answers 403 to an encrypt on a key that does not exist. The Transit
// client tells that apart from a real denial with a key read and reports not_found, without
// logging in again; a real denial (key present, no update on encrypt) still recovers once and
// backs off. The key read is shared by concurrent callers and its answer remembered for
// keyPresenceTtlMs (src/openbao/key-presence.ts), so request counts stay bounded. Against the
// ACL-enforcing emulator, whose JWT role carries exactly init's policy.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { describeStartupFailure } from "../../src/runtime/startup-errors.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { toGrpcFailure } from "../../src/kms/grpc/error-policy.ts";
import { jwtLogin, renewSelf } from "../../src/openbao/auth/methods.ts";
import { createOpenBaoHttp } from "../../src/openbao/http.ts";
import { createTokenManager } from "../../src/openbao/auth/token-source.ts";
import { createTransitClient } from "../../src/openbao/transit-client.ts";
import { keyPresenceTtlMs } from "../../src/openbao/key-presence.ts";
import { policyStanzas, renderPolicyHcl } from "../../src/init/policy.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu?.stop());

/**
 * A Transit client on its own token manager. `clock.ms` is the clock of both the token manager
 * (recovery backoff) and the key-presence memo, so no assertion depends on how fast calls run.
 */
function client(keyName: string, clock = { ms: 1_000_000 }) {
  const http = createOpenBaoHttp({ address: emu.url, caPem: emu.caPem, tlsServerName: emu.serverName, namespace: "", timeoutMs: 2000 });
  const tokens = createTokenManager({
    login: jwtLogin({ http, mountPath: emu.jwtMount, role: emu.jwtRole, jwt: async () => emu.mintJwt() }),
    renew: renewSelf(http), loginBeforeExpiryMs: 10_000, renewalIncrementMs: 30_000, refreshTimeoutMs: 5_000, nowMs: () => clock.ms,
  });
  const transit = createTransitClient({ http, tokens, mountPath: emu.transitMount, keyName, nowMs: () => clock.ms });
  return Object.assign(transit, { tokens });
}
const encryptOnce = (t: ReturnType<typeof client>) =>
  t.encrypt({ plaintext: new Uint8Array([1, 2, 3]), associatedData: new Uint8Array([4]), keyVersion: 1 }, AbortSignal.timeout(5000));
const logins = () => emu.count({ pathPrefix: `${emu.jwtMount}/login` });
const keyReads = (name: string) => emu.count({ method: "GET", pathPrefix: `transit/keys/${name}` });
const initPolicy = (key: string) => emu.setPolicy("kms-plugin", renderPolicyHcl(policyStanzas("transit", key), "test"));

describe("encrypt on a missing key with init's update-only policy", () => {
  test("OpenBao's answer: 403 (the encrypt is a create), not 400", async () => {
    const login = await fetch(`${emu.url}/v1/${emu.jwtMount}/login`, {
      method: "POST", body: JSON.stringify({ role: emu.jwtRole, jwt: emu.mintJwt() }), tls: { ca: emu.caPem },
    });
    const token = ((await login.json()) as { auth: { client_token: string } }).auth.client_token;
    emu.setPolicy("kms-plugin", renderPolicyHcl(policyStanzas("transit", "gone"), "test"));
    const r = await fetch(`${emu.url}/v1/transit/encrypt/gone`, {
      method: "POST", headers: { "X-Vault-Token": token }, body: JSON.stringify({ plaintext: "aGk=" }), tls: { ca: emu.caPem },
    });
    expect(r.status).toBe(403);
    expect(await r.json()).toEqual({ errors: ["1 error occurred:\n\t* permission denied\n\n"] });
    expect(emu.keyInfo("gone")).toBeUndefined();
  });

  test("a missing key: every encrypt is not_found (with the encrypt's 403), one key read per answer lifetime, no re-login", async () => {
    initPolicy("gone");
    const clock = { ms: 1_000_000 };
    const t = client("gone", clock);
    emu.resetCounts();
    for (let i = 0; i < 10; i++) await expect(encryptOnce(t)).rejects.toMatchObject({ kind: "not_found", operation: "transit.encrypt", status: 403 });
    expect(logins()).toBe(1); // the first login only
    expect(emu.count({ pathPrefix: "transit/encrypt/gone" })).toBe(10);
    expect(keyReads("gone")).toBe(1); // the answer is remembered
    // Each time the answer expires, one more read; never one per encrypt.
    for (let round = 1; round <= 3; round++) {
      clock.ms += keyPresenceTtlMs;
      for (let i = 0; i < 5; i++) await expect(encryptOnce(t)).rejects.toMatchObject({ kind: "not_found" });
      expect(keyReads("gone")).toBe(1 + round);
    }
    expect(logins()).toBe(1);
    const failure = await encryptOnce(t).catch((e: unknown) => e);
    expect(toGrpcFailure(failure, "Encrypt")).toMatchObject({ message: "transit key not found", errorClass: "transit_key_missing" });
    const config = parseConfigText(minimalToml("gone"));
    expect(describeStartupFailure(failure, config)).toBe("Transit key transit/keys/gone not found (HTTP 403)");
    expect(emu.keyInfo("gone")).toBeUndefined();
  });

  test("50 concurrent encrypts on a missing key share one key read", async () => {
    initPolicy("gone-many");
    const t = client("gone-many");
    await t.tokens.token();
    emu.resetCounts();
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => encryptOnce(t)));
    expect(results.every((r) => r.status === "rejected" && (r.reason as { kind?: string }).kind === "not_found")).toBe(true);
    expect(keyReads("gone-many")).toBe(1);
    expect(logins()).toBe(0);
  });

  test("a real denial (key exists, policy lacks update on encrypt): 50 concurrent encrypts → at most one key read, one recovery login", async () => {
    emu.createKey("present");
    emu.setPolicy("kms-plugin", renderPolicyHcl(policyStanzas("transit", "present").filter((s) => !s.path.includes("/encrypt/")), "test"));
    const clock = { ms: 1_000_000 };
    const t = client("present", clock);
    await t.tokens.token();
    emu.resetCounts();
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => encryptOnce(t)));
    expect(results.every((r) => r.status === "rejected" && (r.reason as { kind?: string }).kind === "permission_denied")).toBe(true);
    expect(keyReads("present")).toBeLessThanOrEqual(1);
    expect(logins()).toBe(1); // one recovery for all 50, then the backoff
    // Later encrypts inside the recovery backoff (now 10 s: the retry was refused too) read
    // nothing, even once the answer expired.
    clock.ms += keyPresenceTtlMs;
    for (let i = 0; i < 10; i++) await expect(encryptOnce(t)).rejects.toMatchObject({ kind: "permission_denied" });
    expect(keyReads("present")).toBeLessThanOrEqual(1);
    expect(logins()).toBe(1);
    // At the end of the backoff: one read, one recovery, for all callers again.
    clock.ms += keyPresenceTtlMs;
    const later = await Promise.allSettled(Array.from({ length: 20 }, () => encryptOnce(t)));
    expect(later.every((r) => r.status === "rejected" && (r.reason as { kind?: string }).kind === "permission_denied")).toBe(true);
    expect(keyReads("present")).toBeLessThanOrEqual(2);
    expect(logins()).toBe(2);
  });

  test("a revoked token meeting a missing key: one re-login, then not_found (the retry's 403 is explained too)", async () => {
    initPolicy("gone-revoked");
    const t = client("gone-revoked");
    const first = await t.tokens.token();
    emu.revokeToken(first);
    emu.resetCounts();
    await expect(encryptOnce(t)).rejects.toMatchObject({ kind: "not_found", status: 403 });
    expect(logins()).toBe(1); // the recovery for the revoked token
    expect(keyReads("gone-revoked")).toBe(2); // refused with the revoked token, 404 with the new one
    for (let i = 0; i < 5; i++) await expect(encryptOnce(t)).rejects.toMatchObject({ kind: "not_found" });
    expect(logins()).toBe(1);
  });

  test("decrypt on a missing key, and encrypt allowed to create it under disable_upsert, are not_found too (400 encryption key not found)", async () => {
    emu.setPolicy("kms-plugin", `path "transit/encrypt/gone-400" { capabilities = ["create", "update"] }\npath "transit/decrypt/gone-400" { capabilities = ["update"] }\n`);
    emu.setDisableUpsert(true);
    try {
      const t = client("gone-400");
      const enc = await encryptOnce(t).catch((e: unknown) => e);
      expect(enc).toMatchObject({ kind: "not_found", status: 400 });
      const dec = await t.decrypt({ ciphertext: "vault:v1:AAAA", associatedData: new Uint8Array([4]) }, AbortSignal.timeout(5000)).catch((e: unknown) => e);
      expect(dec).toMatchObject({ kind: "not_found", status: 400 });
      for (const [e, op] of [[enc, "Encrypt"], [dec, "Decrypt"]] as const) {
        expect(toGrpcFailure(e, op)).toMatchObject({ message: "transit key not found", errorClass: "transit_key_missing" });
      }
      expect(emu.keyInfo("gone-400")).toBeUndefined();
    } finally {
      emu.setDisableUpsert(false);
    }
  });
});

function minimalToml(key: string): string {
  return `config_version = "v1"
[server]
socket_path = "/run/openbao-kms/kms.sock"
socket_group = "0"
[openbao]
address = "https://openbao.test:8200"
tls_server_name = "openbao.test"
ca_cert_file = "/etc/openbao-kms/ca.pem"
instance_id = "n1"
[auth]
method = "jwt"
[auth.jwt]
source = "file"
mount_path = "auth/jwt"
role = "r"
jwt_file = "/etc/openbao-kms/jwt"
[transit]
mount_path = "transit"
key_name = "${key}"
[transit.key_id_scope]
provider_name = "openbao-kms"
cluster_id = "c1"
transit_mount_id = "0b5f7a53-8f8e-4a0f-9b7e-2c6d2f0a1b3c"
key_lineage_id = "f3a9c1d2e4b5a6978877665544332211"
[state]
path = "/var/lib/openbao-kms/key-registry.json"
`;
}
