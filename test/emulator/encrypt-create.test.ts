// docs/openbao-compat.md §Encrypt on a missing key: the existence check makes an encrypt on a
// missing key a `create`. update-only (the provider's policy) → 403; create + disable_upsert →
// 400 "encryption key not found"; create + upsert allowed → the key is made. Runs against a real
// OpenBao with BAO_ADDR, on a fresh transit mount.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { policyStanzas, renderPolicyHcl } from "../../src/init/policy.ts";
import { openTarget, type BaoTarget } from "../support/bao-target.ts";

let t: BaoTarget;
let mount: string;
beforeAll(async () => {
  t = await openTarget();
  mount = await t.enableTransitMount();
});
afterAll(() => t?.close());

const encrypt = (token: string, key: string) => t.call("POST", `/v1/${mount}/encrypt/${key}`, { token, body: { plaintext: "aGk=" } });
const keyExists = async (key: string) => (await t.call("GET", `/v1/${mount}/keys/${key}`)).status === 200;

test("the provider's policy (update only): an encrypt on a missing key is 403, nothing is created", async () => {
  const key = t.newKeyName("missing");
  const token = await t.createToken([await t.writePolicy(renderPolicyHcl(policyStanzas(mount, key), "generated"))]);
  const r = await encrypt(token, key);
  expect(r.status).toBe(403);
  expect(r.json).toEqual({ errors: ["1 error occurred:\n\t* permission denied\n\n"] });
  expect(await keyExists(key)).toBe(false);
  // The same token may read the key: a 404 there is how the provider tells "missing" from "denied".
  expect((await t.call("GET", `/v1/${mount}/keys/${key}`, { token })).status).toBe(404);
});

test("create + update with disable_upsert=true: 400 encryption key not found", async () => {
  const key = t.newKeyName("missing");
  expect((await t.call("POST", `/v1/${mount}/config/keys`, { body: { disable_upsert: true } })).status).toBe(200);
  try {
    const token = await t.createToken([await t.writePolicy(`path "${mount}/encrypt/${key}" {\n  capabilities = ["create", "update"]\n}\n`)]);
    const r = await encrypt(token, key);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["encryption key not found"] });
    expect(await keyExists(key)).toBe(false);
  } finally {
    await t.call("POST", `/v1/${mount}/config/keys`, { body: { disable_upsert: false } });
  }
});

test("create with upsert allowed (the default): the key is created; an existing key needs only update", async () => {
  const key = t.newKeyName("upsert");
  const createOnly = await t.createToken([await t.writePolicy(`path "${mount}/encrypt/${key}" {\n  capabilities = ["create"]\n}\n`)]);
  const r = await encrypt(createOnly, key);
  expect(r.status).toBe(200);
  expect(r.json.data.ciphertext).toStartWith("vault:v1:");
  expect(await keyExists(key)).toBe(true);
  // Now the key exists: the same request is an update, which create alone does not allow.
  expect((await encrypt(createOnly, key)).status).toBe(403);
});
