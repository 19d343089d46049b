// docs/openbao-compat.md §Encrypt on a missing key: with the policy `init` generates (update on
// encrypt, no create) OpenBao answers 403 to an encrypt on a key that does not exist. The Transit
// client tells that apart from a real denial with one key read and reports not_found, without
// logging in again; a real denial (key present, no update on encrypt) still recovers once and
// backs off. Against the ACL-enforcing emulator, whose JWT role carries exactly init's policy.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { describeStartupFailure } from "../../src/cli/startup-errors.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { toGrpcFailure } from "../../src/kms/grpc/error-policy.ts";
import { jwtLogin, renewSelf } from "../../src/openbao/auth/methods.ts";
import { createOpenBaoHttp } from "../../src/openbao/http.ts";
import { createTokenManager } from "../../src/openbao/token-source.ts";
import { createTransitClient } from "../../src/openbao/transit-client.ts";
import { policyStanzas, renderPolicyHcl } from "../../src/init/policy.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu?.stop());

function client(keyName: string) {
  const http = createOpenBaoHttp({ address: emu.url, caPem: emu.caPem, tlsServerName: emu.serverName, namespace: "", timeoutMs: 2000 });
  const tokens = createTokenManager({
    login: jwtLogin({ http, mountPath: emu.jwtMount, role: emu.jwtRole, jwt: async () => emu.mintJwt() }),
    renew: renewSelf(http), loginBeforeExpiryMs: 10_000, renewalIncrementMs: 30_000, refreshTimeoutMs: 5_000,
  });
  return createTransitClient({ http, tokens, mountPath: emu.transitMount, keyName });
}
const encryptOnce = (t: ReturnType<typeof client>) =>
  t.encrypt({ plaintext: new Uint8Array([1, 2, 3]), associatedData: new Uint8Array([4]), keyVersion: 1 }, AbortSignal.timeout(5000));

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

  test("the client reports not_found after one key read, with no re-login, for every call", async () => {
    emu.setPolicy("kms-plugin", renderPolicyHcl(policyStanzas("transit", "gone"), "test"));
    const t = client("gone");
    emu.resetCounts();
    for (let i = 0; i < 10; i++) await expect(encryptOnce(t)).rejects.toMatchObject({ kind: "not_found", operation: "transit.encrypt" });
    expect(emu.count({ pathPrefix: `${emu.jwtMount}/login` })).toBe(1); // the first login only
    expect(emu.count({ pathPrefix: "transit/encrypt/gone" })).toBe(10);
    expect(emu.count({ pathPrefix: "transit/keys/gone" })).toBe(10);
    const failure = await encryptOnce(t).catch((e: unknown) => e);
    expect(toGrpcFailure(failure, "Encrypt")).toMatchObject({ message: "transit key not found", errorClass: "transit_key_missing" });
    const config = parseConfigText(minimalToml("gone"));
    expect(describeStartupFailure(failure, config)).toBe("Transit key transit/keys/gone not found (HTTP 404)");
    expect(emu.keyInfo("gone")).toBeUndefined();
  });

  test("a real denial (key exists, policy lacks update on encrypt) is still permission_denied and backs off", async () => {
    emu.createKey("present");
    emu.setPolicy("kms-plugin", renderPolicyHcl(policyStanzas("transit", "present").filter((s) => !s.path.includes("/encrypt/")), "test"));
    const t = client("present");
    emu.resetCounts();
    for (let i = 0; i < 10; i++) await expect(encryptOnce(t)).rejects.toMatchObject({ kind: "permission_denied" });
    expect(emu.count({ pathPrefix: `${emu.jwtMount}/login` })).toBe(2); // first login + one recovery, then backoff
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
