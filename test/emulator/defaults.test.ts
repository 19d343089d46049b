// docs/openbao-compat.md §Emulator defaults are OpenBao's defaults: config/keys disable_upsert
// starts false and a POST without the field sets it back to false; sys/internal/ui/mounts on a
// path under no mount is the same 403 as a mount the token cannot use. Runs against a real
// OpenBao with BAO_ADDR, on a fresh transit mount.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openTarget, type BaoTarget } from "../support/bao-target.ts";

let t: BaoTarget;
let mount: string;
beforeAll(async () => {
  t = await openTarget();
  mount = await t.enableTransitMount();
});
afterAll(() => t?.close());

const configKeys = async () => (await t.call("GET", `/v1/${mount}/config/keys`)).json.data;

test("config/keys: disable_upsert is false on a new mount", async () => {
  expect(await configKeys()).toEqual({ disable_upsert: false });
});

test("config/keys POST: sets the value sent, and false when the field is absent", async () => {
  const set = await t.call("POST", `/v1/${mount}/config/keys`, { body: { disable_upsert: true } });
  expect(set.status).toBe(200);
  expect(set.json.data).toEqual({ disable_upsert: true });
  expect(await configKeys()).toEqual({ disable_upsert: true });
  const empty = await t.call("POST", `/v1/${mount}/config/keys`, { body: {} });
  expect(empty.json.data).toEqual({ disable_upsert: false });
  expect(await configKeys()).toEqual({ disable_upsert: false });
});

test("sys/internal/ui/mounts: no mount → 403 preflight (path sanitized with a trailing /)", async () => {
  const r = await t.call("GET", `/v1/sys/internal/ui/mounts/no-mount-${mount}`);
  expect(r.status).toBe(403);
  expect(r.json).toEqual({ errors: [`preflight capability check returned 403, please ensure client's policies grant access to path "no-mount-${mount}/"`] });
});

test("sys/internal/ui/mounts: any capability under the mount is enough; none is the same 403", async () => {
  const under = await t.createToken([await t.writePolicy(`path "${mount}/decrypt/some-key" {\n  capabilities = ["update"]\n}\n`)]);
  const ok = await t.call("GET", `/v1/sys/internal/ui/mounts/${mount}`, { token: under });
  expect(ok.status).toBe(200);
  expect(ok.json.data).toMatchObject({ type: "transit", path: `${mount}/` });
  const elsewhere = await t.createToken([await t.writePolicy(`path "other-${mount}/*" {\n  capabilities = ["read"]\n}\n`)]);
  const no = await t.call("GET", `/v1/sys/internal/ui/mounts/${mount}`, { token: elsewhere });
  expect(no.status).toBe(403);
  expect(no.json).toEqual({ errors: [`preflight capability check returned 403, please ensure client's policies grant access to path "${mount}/"`] });
});
