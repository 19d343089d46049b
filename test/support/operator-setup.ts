// What an OpenBao operator runs to host the provider in a namespace, over HTTP with an admin
// token (the same steps as init's setup script, inside X-Vault-Namespace): the namespace, a
// transit mount with disable_upsert, the key, init's policy, and a JWT auth method trusting the
// emulator's issuer with a role that carries only that policy. docs/openbao-compat.md §Namespaces.
import { policyStanzas, renderPolicyHcl } from "../../src/init/policy.ts";
import type { Emulator } from "./emulator/types.ts";

export async function setUpNamespace(emu: Emulator, namespace: string, o: { mount?: string; key?: string } = {}): Promise<void> {
  const mount = o.mount ?? emu.transitMount;
  const key = o.key ?? emu.keyName;
  const call = async (method: string, path: string, body: unknown, ns: string | null = namespace) => {
    const r = await fetch(`${emu.url}/v1/${path}`, {
      method, body: JSON.stringify(body), tls: { ca: emu.caPem },
      headers: { "X-Vault-Token": emu.rootToken, ...(ns === null ? {} : { "X-Vault-Namespace": ns }) },
    });
    if (r.status >= 300) throw new Error(`${method} ${path} (namespace ${ns ?? "root"}) → ${r.status} ${await r.text()}`);
  };
  await call("PUT", `sys/namespaces/${namespace}`, {}, null);
  await call("POST", `sys/mounts/${mount}`, { type: "transit" });
  await call("POST", `${mount}/config/keys`, { disable_upsert: true });
  await call("POST", `${mount}/keys/${key}`, { type: "aes256-gcm96" });
  await call("PUT", "sys/policies/acl/kms-plugin", { policy: renderPolicyHcl(policyStanzas(mount, key), "namespace setup") });
  const jwtPath = emu.jwtMount.replace(/^auth\//, "");
  await call("POST", `sys/auth/${jwtPath}`, { type: "jwt" });
  await call("POST", `${emu.jwtMount}/config`, { jwt_validation_pubkeys: [emu.jwtPublicKeyPem], bound_issuer: emu.jwtIssuer });
  await call("POST", `${emu.jwtMount}/role/${emu.jwtRole}`, {
    role_type: "jwt", user_claim: "sub", bound_audiences: [emu.jwtAudience], token_policies: ["kms-plugin"],
    token_no_default_policy: true, token_ttl: 3600, token_max_ttl: 86400,
  });
}
