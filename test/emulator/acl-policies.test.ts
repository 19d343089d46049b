// docs/openbao-compat.md §ACL policies and §Admin endpoints: policies written through
// sys/policies/acl (and sys/policy), tokens from auth/token/create, and every request checked
// against them the way OpenBao does. Contract tests run against a real OpenBao with BAO_ADDR;
// the matcher unit tests below them are emulator-only.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Acl, parsePolicyHcl, PolicyParseError, PolicyStore } from "../support/emulator/acl.ts";
import { emulatorTest, openTarget, type BaoTarget } from "../support/bao-target.ts";

const denied = { errors: ["1 error occurred:\n\t* permission denied\n\n"] };
let t: BaoTarget;
let mount: string;
let k1: string;
let k2: string;
beforeAll(async () => {
  t = await openTarget();
  mount = await t.enableTransitMount();
  k1 = t.newKeyName("acl");
  k2 = t.newKeyName("acl");
  for (const k of [k1, k2]) expect((await t.call("POST", `/v1/${mount}/keys/${k}`, { body: {} })).status).toBe(200);
});
afterAll(() => t?.close());

// The tests' tokens also hold `default`, which grants update on sys/capabilities-self.
const mkToken = (...policies: string[]) => t.createToken(["default", ...policies]);
const caps = async (token: string, paths: string[]) => {
  const r = await t.call("POST", "/v1/sys/capabilities-self", { token, body: { paths } });
  expect(r.status).toBe(200);
  return r.json;
};

describe("admin endpoints (§Admin endpoints)", () => {
  test("sys/policies/acl: write 204, read back the text, list, delete; root is immutable, default undeletable", async () => {
    const hcl = `path "${mount}/keys/${k1}" {\n  capabilities = ["read"]\n}\n`;
    const name = await t.writePolicy(hcl);
    const r = await t.call("GET", `/v1/sys/policies/acl/${name}`);
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ name, policy: hcl });
    expect((await t.call("GET", "/v1/sys/policies/acl?list=true")).json.data.keys).toEqual(expect.arrayContaining([name, "default", "root"]));
    const legacy = await t.call("GET", `/v1/sys/policy/${name}`);
    expect(legacy.json.data.rules).toBe(hcl);
    expect(legacy.json.rules).toBe(hcl); // sys/policy answers are copied to the top level
    expect((await t.call("PUT", "/v1/sys/policies/acl/root", { body: { policy: hcl } })).json).toEqual({ errors: ['cannot update "root" policy'] });
    expect((await t.call("DELETE", "/v1/sys/policies/acl/default")).json).toEqual({ errors: ["cannot delete default policy"] });
    expect((await t.call("PUT", `/v1/sys/policies/acl/${name}`, { body: { policy: "" } })).json).toEqual({ errors: ["'policy' parameter not supplied or empty"] });
  });

  test("refusals: parse errors carry policy.go's prefix and come before the immutable-name check (400 each)", async () => {
    const put = (name: string, policy: string) => t.call("PUT", `/v1/sys/policies/acl/${name}`, { body: { policy } });
    const bad = await put(`bad-${t.newKeyName()}`, 'path "x" {\n  capabilities = ["fly"]\n}\n');
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ errors: ['failed to parse policy: path "x": invalid capability "fly"'] });
    expect((await put(`bad-${t.newKeyName()}`, 'path "a/+*" {\n  capabilities = ["read"]\n}\n')).json).toEqual({
      errors: [`failed to parse policy: path "a/+*": invalid use of wildcards ('+*' is forbidden)`],
    });
    expect((await put("root", 'path "x" {\n  capabilities = ["fly"]\n}\n')).json).toEqual({ errors: ['failed to parse policy: path "x": invalid capability "fly"'] });
    const ok = 'path "x" {\n  capabilities = ["read"]\n}\n';
    expect((await put("response-wrapping", ok)).json).toEqual({ errors: ['cannot update "response-wrapping" policy'] });
    expect((await t.call("DELETE", "/v1/sys/policies/acl/response-wrapping")).json).toEqual({ errors: ['cannot delete "response-wrapping" policy'] });
    expect((await t.call("DELETE", "/v1/sys/policies/acl/root")).json).toEqual({ errors: ['cannot delete "root" policy'] });
  });

  test("auth/token/create: exactly the policies asked for; a non-root parent may only give a subset", async () => {
    const name = await t.writePolicy(`path "auth/token/create" {\n  capabilities = ["update"]\n}\n`);
    const r = await t.call("POST", "/v1/auth/token/create", { body: { policies: [name], no_default_policy: true, ttl: "10m" } });
    expect(r.status).toBe(200);
    expect(r.json.auth.policies).toEqual([name]);
    expect(r.json.auth.renewable).toBe(true);
    const child = await t.call("POST", "/v1/auth/token/create", { token: r.json.auth.client_token, body: { policies: ["other"] } });
    expect(child.status).toBe(400);
    expect(child.json).toEqual({ errors: ["child policies must be subset of parent"] });
  });
});

describe("auth/token/create policies (token_store.go resolveTokenPolicies)", () => {
  const create = (body: Record<string, unknown>, token?: string) =>
    t.call("POST", "/v1/auth/token/create", { body: { ttl: "10m", ...body }, ...(token === undefined ? {} : { token }) });
  const policiesOf = async (body: Record<string, unknown>, token?: string) => {
    const r = await create(body, token);
    expect(r.status).toBe(200);
    return r.json.auth.policies as string[];
  };

  test("no_default_policy removes default even when it is listed; without it a root parent adds default", async () => {
    const name = await t.writePolicy(`path "sys/tools/hash" {\n  capabilities = ["update"]\n}\n`);
    expect(await policiesOf({ policies: ["default", name], no_default_policy: true })).toEqual([name]);
    expect(await policiesOf({ policies: [name] })).toEqual(["default", name].sort());
    expect(await policiesOf({ policies: [name], no_default_policy: true })).toEqual([name]);
  });

  test("the test helper's tokens hold default exactly when asked for", async () => {
    const name = await t.writePolicy(`path "sys/tools/hash" {\n  capabilities = ["update"]\n}\n`);
    const withDefault = await t.createToken(["default", name]);
    expect((await t.call("GET", "/v1/auth/token/lookup-self", { token: withDefault })).json.data.policies).toEqual(["default", name].sort());
    const without = await t.createToken([name]);
    expect((await t.call("GET", "/v1/auth/token/lookup-self", { token: without })).status).toBe(403); // lookup-self is in default
  });

  test("a non-root parent: subset only, default included; default added when the parent has it", async () => {
    const creator = await t.writePolicy(`path "auth/token/create" {\n  capabilities = ["update"]\n}\n`);
    const extra = await t.writePolicy(`path "sys/tools/hash" {\n  capabilities = ["update"]\n}\n`);
    const noDefaultParent = (await create({ policies: [creator], no_default_policy: true })).json.auth.client_token as string;
    expect((await create({ policies: ["default"] }, noDefaultParent)).json).toEqual({ errors: ["child policies must be subset of parent"] });
    expect((await create({ policies: [creator, extra] }, noDefaultParent)).json).toEqual({ errors: ["child policies must be subset of parent"] });
    expect(await policiesOf({ policies: [creator] }, noDefaultParent)).toEqual([creator]);
    const defaultParent = (await create({ policies: [creator, extra] })).json.auth.client_token as string;
    expect(await policiesOf({ policies: [extra] }, defaultParent)).toEqual(["default", extra].sort());
    expect(await policiesOf({ policies: [extra], no_default_policy: true }, defaultParent)).toEqual([extra]);
    expect(await policiesOf({}, defaultParent)).toEqual(["default", creator, extra].sort()); // inherits
  });

  test("sudo on auth/token/create counts like root for the subset rule, but never makes root tokens", async () => {
    const sudoer = await t.writePolicy(`path "auth/token/create" {\n  capabilities = ["update", "sudo"]\n}\n`);
    const other = await t.writePolicy(`path "sys/tools/hash" {\n  capabilities = ["update"]\n}\n`);
    const parent = (await create({ policies: [sudoer], no_default_policy: true })).json.auth.client_token as string;
    expect(await policiesOf({ policies: [other] }, parent)).toEqual(["default", other].sort());
    expect((await create({ policies: ["root"] }, parent)).json).toEqual({ errors: ["root tokens may not be created without parent token being root"] });
    expect((await create({ policies: ["response-wrapping"] }, parent)).json).toEqual({ errors: ['cannot assign policy "response-wrapping"'] });
  });
});

describe("enforcement (§ACL policies)", () => {
  test("a token without a matching rule gets the multierror 403; a bad token the plain one", async () => {
    const token = await mkToken(await t.writePolicy(`path "${mount}/keys/${k1}" {\n  capabilities = ["read"]\n}\n`));
    expect((await t.call("GET", `/v1/${mount}/keys/${k1}`, { token })).status).toBe(200);
    const r = await t.call("GET", `/v1/${mount}/keys/${k2}`, { token });
    expect(r.status).toBe(403);
    expect(r.json).toEqual(denied);
    expect((await t.call("POST", `/v1/${mount}/keys/${k1}/rotate`, { token })).json).toEqual(denied);
    expect((await t.call("GET", `/v1/${mount}/keys/${k1}`, { token: "hvs.not-a-token" })).json).toEqual({ errors: ["permission denied"] });
    expect((await t.call("GET", `/v1/${mount}/keys/${k1}`, { token: null })).json).toEqual({ errors: ["permission denied"] });
  });

  test("an undefined policy grants nothing", async () => {
    const token = await mkToken(`never-written-${t.newKeyName()}`);
    expect((await t.call("GET", `/v1/${mount}/keys/${k1}`, { token })).json).toEqual(denied);
    expect((await caps(token, [`${mount}/keys/${k1}`])).capabilities).toEqual(["deny"]);
  });

  test("exact beats *; deny wins on its path only", async () => {
    const name = await t.writePolicy(`path "${mount}/keys/*" {\n  capabilities = ["read"]\n}\npath "${mount}/keys/${k2}" {\n  capabilities = ["deny"]\n}\n`);
    const token = await mkToken(name);
    expect((await t.call("GET", `/v1/${mount}/keys/${k1}`, { token })).status).toBe(200);
    expect((await t.call("GET", `/v1/${mount}/keys/${k2}`, { token })).json).toEqual(denied);
    expect(await caps(token, [`${mount}/keys/${k1}`, `${mount}/keys/${k2}`])).toMatchObject({ [`${mount}/keys/${k1}`]: ["read"], [`${mount}/keys/${k2}`]: ["deny"] });
  });

  test("+ matches one segment", async () => {
    const token = await mkToken(await t.writePolicy(`path "${mount}/+/${k1}" {\n  capabilities = ["update"]\n}\n`));
    expect((await t.call("POST", `/v1/${mount}/encrypt/${k1}`, { token, body: { plaintext: "aGk=" } })).status).toBe(200);
    expect((await caps(token, [`${mount}/keys/${k1}/rotate`])).capabilities).toEqual(["deny"]);
    expect((await caps(token, [`${mount}/decrypt/${k1}`])).capabilities).toEqual(["update"]);
  });

  test("policies merge per path: same path → union; a broader rule adds nothing to an exact one", async () => {
    const read = await t.writePolicy(`path "${mount}/keys/${k1}" {\n  capabilities = ["read"]\n}\n`);
    const update = await t.writePolicy(`path "${mount}/keys/${k1}" {\n  capabilities = ["update"]\n}\n`);
    const listAll = await t.writePolicy(`path "${mount}/keys/*" {\n  capabilities = ["list", "read"]\n}\n`);
    const denyAll = await t.writePolicy(`path "${mount}/keys/${k1}" {\n  capabilities = ["deny"]\n}\n`);
    expect((await caps(await mkToken(read, update), [`${mount}/keys/${k1}`])).capabilities).toEqual(["read", "update"]);
    expect((await caps(await mkToken(update, listAll), [`${mount}/keys/${k1}`])).capabilities).toEqual(["update"]);
    const token = await mkToken(update, listAll);
    expect((await t.call("GET", `/v1/${mount}/keys/${k1}`, { token })).json).toEqual(denied); // no read from keys/*
    expect((await caps(await mkToken(read, update, denyAll), [`${mount}/keys/${k1}`])).capabilities).toEqual(["deny"]);
  });

  test("capabilities-self: sorted, top level and data, root for the root token", async () => {
    const token = await mkToken(await t.writePolicy(`path "${mount}/keys/${k1}" {\n  capabilities = ["update", "read", "create"]\n}\n`));
    const r = await caps(token, [`${mount}/keys/${k1}`]);
    expect(r.capabilities).toEqual(["create", "read", "update"]);
    expect(r.data[`${mount}/keys/${k1}`]).toEqual(["create", "read", "update"]);
    expect((await caps(t.token, [`${mount}/keys/${k1}`])).capabilities).toEqual(["root"]);
  });

  test("a path with no mount: 403 for a token without a rule, 404 for one with a rule", async () => {
    const token = await mkToken(await t.writePolicy(`path "nomount-${mount}/*" {\n  capabilities = ["read"]\n}\n`));
    expect((await t.call("GET", `/v1/other-${mount}/x`, { token })).json).toEqual(denied);
    const r = await t.call("GET", `/v1/nomount-${mount}/x`, { token });
    expect(r.status).toBe(404);
  });
});

describe("matcher (emulator acl.ts, OpenBao acl.go rules)", () => {

  test("hasMountAccess (logical_system.go, bare-mount check): a + rule reaches a mount only with at least its segments", () => {
    const access = (path: string, mount: string, caps = ["read"]) => new Acl([[{ path, capabilities: caps }]]).hasMountAccess(mount);
    expect(access("+", "transit/")).toBe(true);
    expect(access("+", "team/transit/")).toBe(false); // fewer segments than the mount
    expect(access("+/transit", "team/transit/")).toBe(true);
    expect(access("+/transit/keys/*", "team/transit/")).toBe(true);
    expect(access("+/other/keys", "team/transit/")).toBe(false);
    expect(access("+/tran*", "team/transit/")).toBe(true); // a final * prefix segment
    expect(access("x/+", "transit/")).toBe(false);
    expect(access("+/keys", "transit/", ["deny"])).toBe(false);
    expect(access("transit/keys/k", "transit/")).toBe(true); // exact rule under the mount
    expect(access("other/keys/k", "transit/")).toBe(false);
  });
  emulatorTest("priority: exact, then later first wildcard, non-prefix over prefix, fewer +, longer", () => {
    const acl = new Acl([
      parsePolicyHcl(`
path "a/*" { capabilities = ["read"] }
path "a/b/*" { capabilities = ["list"] }
path "a/+/c" { capabilities = ["update"] }
path "a/b/+" { capabilities = ["delete"] }
path "a/b/c" { capabilities = ["create"] }
path "x/+/+/z" { capabilities = ["read"] }
path "x/y/+/z" { capabilities = ["update"] }
path "p/+/q*" { capabilities = ["scan"] }
`),
    ]);
    expect(acl.capabilities("a/b/c")).toEqual(["create"]);
    expect(acl.capabilities("a/b/d")).toEqual(["delete"]); // a/b/+ (first + at 4) beats a/b/* (glob at 4, prefix)
    expect(acl.capabilities("a/q/c")).toEqual(["update"]); // a/+/c beats a/* (first glob at 2 vs wildcard at 2: non-prefix wins)
    expect(acl.capabilities("a/b/c/d")).toEqual(["list"]);
    expect(acl.capabilities("x/y/w/z")).toEqual(["update"]); // the later first "+" wins
    expect(acl.capabilities("p/any/query/more")).toEqual(["scan"]);
    expect(acl.capabilities("q")).toEqual(["deny"]);
    expect(acl.allows("a/b/c", "create")).toBe(true);
    expect(acl.allows("a/b/c", "update")).toBe(false);
    expect(acl.allows("a/b/c", "header")).toBe(false);
  });

  emulatorTest("parsing: old policy syntax, deny alone, leading slash, refusals", () => {
    expect(parsePolicyHcl('path "/s/x" { policy = "write" }')).toEqual([{ path: "s/x", capabilities: ["create", "read", "update", "delete", "list"] }]);
    expect(parsePolicyHcl('path "s" { capabilities = ["read", "deny"] }')).toEqual([{ path: "s", capabilities: ["deny"] }]);
    expect(() => parsePolicyHcl('path "x" { capabilities = ["fly"] }')).toThrow(PolicyParseError);
    expect(() => new PolicyStore().set("p", 'path "a/+*" { capabilities = ["read"] }')).toThrow("failed to parse policy: path \"a/+*\": invalid use of wildcards ('+*' is forbidden)");
    expect(() => new PolicyStore().delete("Default")).toThrow("cannot delete default policy");
    const ns = new PolicyStore("team-a/");
    ns.set("p", 'path "transit/*" { capabilities = ["read"] }');
    expect(ns.capabilities(["p"], "team-a/transit/keys/k")).toEqual(["read"]);
    expect(ns.capabilities(["p"], "transit/keys/k")).toEqual(["deny"]);
  });
});
