// Emulator ACL policies as sys/capabilities-self reports them: exact beats glob, longest glob
// prefix wins, "+" is one segment, policies merge, deny wins, no match is deny; an undefined
// policy keeps the old all-capabilities answer; the root token stays "root".
import { afterAll, beforeAll, expect, test } from "bun:test";
import { parsePolicyHcl, PolicyStore } from "../support/emulator/acl.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";

test("policy matching rules", () => {
  const store = new PolicyStore();
  store.set("a", `
# comment
path "transit/keys/*" { capabilities = ["read", "list"] }
path "transit/keys/k" {
  capabilities = ["read"]
}
path "transit/+/k2" { capabilities = ["update"] }
path "secret/*" { capabilities = ["deny"] }
`);
  store.set("b", 'path "transit/keys/k" { capabilities = ["update"] }\npath "secret/x" { capabilities = ["read"] }');
  expect(store.capabilities(["a"], "transit/keys/k")).toEqual(["read"]);
  expect(store.capabilities(["a"], "transit/keys/other")).toEqual(["list", "read"]);
  expect(store.capabilities(["a", "b"], "transit/keys/k")).toEqual(["read", "update"]);
  expect(store.capabilities(["a"], "transit/encrypt/k2")).toEqual(["update"]);
  expect(store.capabilities(["a"], "transit/encrypt/sub/k2")).toEqual(["deny"]);
  expect(store.capabilities(["a", "b"], "secret/x")).toEqual(["deny"]);
  expect(store.capabilities(["a"], "sys/mounts")).toEqual(["deny"]);
  expect(store.capabilities(["undefined-policy"], "transit/keys/k")).toBeUndefined();
  expect(() => parsePolicyHcl('path "x" { capabilities = ["fly"] }')).toThrow();
  expect(() => parsePolicyHcl('path "x" { policy = "write" }')).toThrow();
});

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

async function caps(token: string, paths: string[]) {
  const r = await fetch(`${emu.url}/v1/sys/capabilities-self`, {
    method: "POST",
    headers: { "X-Vault-Token": token, "Content-Type": "application/json" },
    body: JSON.stringify({ paths }),
    tls: { ca: emu.caPem },
  } as RequestInit);
  return (await r.json()) as Record<string, unknown>;
}

async function login(): Promise<string> {
  const r = await fetch(`${emu.url}/v1/${emu.jwtMount}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ role: emu.jwtRole, jwt: emu.mintJwt() }),
    tls: { ca: emu.caPem },
  } as RequestInit);
  return ((await r.json()) as { auth: { client_token: string } }).auth.client_token;
}

test("capabilities-self over HTTP follows the token's policies (top-level and data)", async () => {
  const token = await login();
  expect((await caps(token, ["transit/keys/kubernetes"])).capabilities).toEqual(["create", "delete", "list", "read", "update"]);
  emu.setPolicy("kms-plugin", 'path "transit/keys/kubernetes" { capabilities = ["read"] }\npath "transit/encrypt/kubernetes" { capabilities = ["update"] }');
  const two = await caps(token, ["transit/keys/kubernetes", "transit/keys/kubernetes/rotate"]);
  expect(two["transit/keys/kubernetes"]).toEqual(["read"]);
  expect(two["transit/keys/kubernetes/rotate"]).toEqual(["deny"]);
  expect((two.data as Record<string, unknown>)["transit/keys/kubernetes"]).toEqual(["read"]);
  expect((await caps(emu.rootToken, ["transit/keys/kubernetes"])).capabilities).toEqual(["root"]);
  emu.deny("/v1/transit/keys/kubernetes");
  expect((await caps(token, ["transit/keys/kubernetes"])).capabilities).toEqual(["deny"]);
  emu.clearFaults();
  emu.deletePolicy("kms-plugin");
});
