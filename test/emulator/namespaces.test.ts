// docs/openbao-compat.md §Namespaces and §Admin endpoints: sys/namespaces, an unknown namespace
// → 404 "namespace not found", and each namespace with its own mounts, keys, policies and
// tokens. Runs against a real OpenBao with BAO_ADDR (namespaces need OpenBao ≥ 2.3).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openTarget, type BaoTarget } from "../support/bao-target.ts";

let t: BaoTarget;
let ns: string;
let h: Record<string, string>;
let mount: string;
let key: string;
beforeAll(async () => {
  t = await openTarget();
  ns = t.newKeyName("ns");
  h = { "X-Vault-Namespace": ns };
  const r = await t.call("PUT", `/v1/sys/namespaces/${ns}`, { body: { custom_metadata: { team: "kms" } } });
  expect(r.status).toBe(200);
  mount = await t.enableTransitMount(h);
  key = t.newKeyName("k");
  expect((await t.call("POST", `/v1/${mount}/keys/${key}`, { body: {}, headers: h })).status).toBe(200);
});
afterAll(async () => {
  await t?.call("DELETE", `/v1/sys/namespaces/${ns}`).catch(() => undefined);
  await t?.close();
});

test("sys/namespaces: the created namespace's shape, read back and listed", async () => {
  const r = await t.call("GET", `/v1/sys/namespaces/${ns}`);
  expect(r.status).toBe(200);
  expect(r.json.data).toMatchObject({ path: `${ns}/`, tainted: false, locked: false, custom_metadata: { team: "kms" } });
  expect(r.json.data.id).toMatch(/^[0-9A-Za-z]{6}$/);
  expect(r.json.data.uuid).toMatch(/^[0-9a-f-]{36}$/);
  const list = await t.call("GET", "/v1/sys/namespaces?list=true");
  expect(list.json.data.keys).toContain(`${ns}/`);
  expect((await t.call("GET", `/v1/sys/namespaces/absent-${ns}`)).status).toBe(404);
  expect((await t.call("PUT", "/v1/sys/namespaces/a/b", { body: {} })).json).toEqual({ errors: ["namespace name cannot contain /"] });
});

test("an unknown namespace → 404 namespace not found, for logical paths and logins alike", async () => {
  const other = { "X-Vault-Namespace": `absent-${ns}` };
  for (const r of [
    await t.call("GET", `/v1/${mount}/keys/${key}`, { headers: other }),
    await t.call("POST", "/v1/auth/jwt/login", { token: null, headers: other, body: { role: "r", jwt: "x" } }),
  ]) {
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ errors: ["namespace not found"] });
  }
});

test("mounts and keys live in their namespace; the path-prefix form reaches them too", async () => {
  expect((await t.call("GET", `/v1/${mount}/keys/${key}`, { headers: h })).status).toBe(200);
  const fromRoot = await t.call("GET", `/v1/${mount}/keys/${key}`);
  expect(fromRoot.status).toBe(404);
  expect(fromRoot.json).toEqual({ errors: [`no handler for route "${mount}/keys/${key}". route entry not found.`] });
  expect((await t.call("GET", `/v1/${ns}/${mount}/keys/${key}`)).status).toBe(200);
  expect(Object.keys((await t.call("GET", "/v1/sys/mounts", { headers: h })).json.data)).toContain(`${mount}/`);
  expect(Object.keys((await t.call("GET", "/v1/sys/mounts")).json.data)).not.toContain(`${mount}/`);
});

test("policies and tokens are per namespace: a namespace token works there and nowhere else", async () => {
  const name = await t.writePolicy(`path "${mount}/encrypt/${key}" {\n  capabilities = ["update"]\n}\n`, h);
  expect((await t.call("GET", `/v1/sys/policies/acl/${name}`, { headers: h })).status).toBe(200);
  expect((await t.call("GET", `/v1/sys/policies/acl/${name}`)).status).toBe(404);
  const listed = (await t.call("GET", "/v1/sys/policies/acl?list=true", { headers: h })).json.data.keys;
  expect(listed).toContain(name);
  expect(listed).not.toContain("root"); // root is listed in the root namespace only
  const token = await t.createToken([name], h);
  expect(token).toMatch(/\.[0-9A-Za-z]{6}$/); // namespace tokens carry the namespace id
  const body = { plaintext: "aGk=" };
  expect((await t.call("POST", `/v1/${mount}/encrypt/${key}`, { token, body, headers: h })).status).toBe(200);
  const atRoot = await t.call("POST", `/v1/${mount}/encrypt/${key}`, { token, body });
  expect(atRoot.status).toBe(403);
  // A root-namespace token with the same policy text (relative to root) has no access inside.
  const rootName = await t.writePolicy(`path "${mount}/encrypt/${key}" {\n  capabilities = ["update"]\n}\n`);
  const rootToken = await t.createToken([rootName]);
  expect((await t.call("POST", `/v1/${mount}/encrypt/${key}`, { token: rootToken, body, headers: h })).status).toBe(403);
});

test("deleting a namespace revokes its tokens", async () => {
  const gone = t.newKeyName("ns-del");
  const gh = { "X-Vault-Namespace": gone };
  expect((await t.call("PUT", `/v1/sys/namespaces/${gone}`, { body: {} })).status).toBe(200);
  expect((await t.call("PUT", "/v1/sys/namespaces/sub", { body: {}, headers: gh })).status).toBe(200);
  const sh = { "X-Vault-Namespace": `${gone}/sub` };
  const tokens = [await t.createToken(["default"], gh), await t.createToken(["default"], sh)];
  expect((await t.call("GET", "/v1/auth/token/lookup-self", { token: tokens[0], headers: gh })).status).toBe(200);
  expect((await t.call("GET", "/v1/auth/token/lookup-self", { token: tokens[1], headers: sh })).status).toBe(200);
  // OpenBao deletes in the background ("in-progress"): wait for each, at most 10 s.
  const deleteAndWait = async (name: string, headers: Record<string, string>) => {
    expect((await t.call("DELETE", `/v1/sys/namespaces/${name}`, { headers })).status).toBeLessThan(300);
    for (let i = 0; i < 100 && (await t.call("GET", `/v1/sys/namespaces/${name}`, { headers })).status !== 404; i++) await Bun.sleep(100);
    expect((await t.call("GET", `/v1/sys/namespaces/${name}`, { headers })).status).toBe(404);
  };
  await deleteAndWait("sub", gh);
  await deleteAndWait(gone, {});
  // A revoked token is refused with the plain form; a live token without rules would get the multierror form.
  for (const token of tokens) {
    const r = await t.call("GET", "/v1/auth/token/lookup-self", { token });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ errors: ["permission denied"] });
  }
});
