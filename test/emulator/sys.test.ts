// Contract: sys/health (body, HEAD, code overrides, bad params, namespace refusal),
// sys/seal-status, sys/leader, sys/mounts (top-level data copy, uuid, accessor) and ui mounts.
import { afterAll, describe, expect, test } from "bun:test";
import { emulatorTest, openTarget } from "../support/bao-target.ts";

const t = await openTarget();
afterAll(() => t.close());

describe("sys/health", () => {
  test("active node: 200 with the struct fields in order, no token needed", async () => {
    const r = await t.call("GET", "/v1/sys/health", { token: null });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.text.endsWith("}\n")).toBe(true);
    expect(Object.keys(r.json).slice(0, 7)).toEqual([
      "initialized", "sealed", "standby", "replication_performance_mode", "replication_dr_mode", "server_time_utc", "version",
    ]);
    expect(r.json).toMatchObject({ initialized: true, sealed: false, standby: false });
    expect(Math.abs(r.json.server_time_utc - Date.now() / 1000)).toBeLessThan(60);
    expect(r.json).not.toHaveProperty("performance_standby");
  });

  test("HEAD: status only", async () => {
    const r = await t.call("HEAD", "/v1/sys/health", { token: null });
    expect(r.status).toBe(200);
    expect(r.text).toBe("");
  });

  test("activecode overrides the status; standbyok is accepted", async () => {
    expect((await t.call("GET", "/v1/sys/health?activecode=299&standbyok=true", { token: null })).status).toBe(299);
  });

  test.each(["activecode=abc", "standbyok=maybe", "sealedcode=", "uninitcode=1.5"])("bad parameter %s → 400 with empty errors", async (q) => {
    const r = await t.call("GET", `/v1/sys/health?${q}`, { token: null });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: [] });
  });

  test("perfstandbyok and friends do not exist (ignored)", async () => {
    expect((await t.call("GET", "/v1/sys/health?perfstandbyok=true&perfstandbycode=473", { token: null })).status).toBe(200);
  });

  test("X-Vault-Namespace → 400 operation unavailable in namespaces", async () => {
    const r = await t.call("GET", "/v1/sys/health", { token: null, headers: { "X-Vault-Namespace": "team-a" } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["operation unavailable in namespaces"] });
    expect(r.headers.get("x-vault-namespace")).toBe("team-a");
    // The generic handler refuses it before the method is looked at.
    expect((await t.call("POST", "/v1/sys/health", { token: null, body: {}, headers: { "X-Vault-Namespace": "team-a" } })).status).toBe(400);
  });

  test("other methods → 405 with empty errors", async () => {
    const r = await t.call("POST", "/v1/sys/health", { token: null, body: {} });
    expect(r.status).toBe(405);
    expect(r.json).toEqual({ errors: [] });
  });
});

describe("sys/seal-status and sys/leader", () => {
  test("seal-status: unauthenticated 200 with the documented fields", async () => {
    const r = await t.call("GET", "/v1/sys/seal-status", { token: null });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ initialized: true, sealed: false, progress: 0, migration: false, recovery_seal: false });
    expect(typeof r.json.version).toBe("string");
    expect(typeof r.json.type).toBe("string");
  });

  emulatorTest("leader: non-HA answer", async () => {
    const r = await t.call("GET", "/v1/sys/leader", { token: null });
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"ha_enabled":false}\n');
  });
});

describe("sys/mounts", () => {
  test("list: each data entry is also copied to the top level", async () => {
    const r = await t.call("GET", "/v1/sys/mounts");
    expect(r.status).toBe(200);
    const m = r.json.data[`${t.transitMount}/`];
    expect(m.type).toBe("transit");
    expect(m.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(m.accessor).toMatch(/^transit_[0-9a-f]{8}$/);
    expect(r.json[`${t.transitMount}/`]).toEqual(m);
    expect(r.json.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.config).toMatchObject({ default_lease_ttl: expect.any(Number), max_lease_ttl: expect.any(Number), force_no_cache: false });
  });

  test("one mount: top-level copy, same uuid as in the list", async () => {
    const list = await t.call("GET", "/v1/sys/mounts");
    const one = await t.call("GET", `/v1/sys/mounts/${t.transitMount}`);
    expect(one.status).toBe(200);
    expect(one.json.uuid).toBe(list.json.data[`${t.transitMount}/`].uuid);
    expect(one.json.data.uuid).toBe(one.json.uuid);
    expect(one.json.type).toBe("transit");
  });

  test("unknown mount → 400 No secret engine mount", async () => {
    const r = await t.call("GET", "/v1/sys/mounts/no-such-mount-x");
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["No secret engine mount at no-such-mount-x/"] });
  });

  test("internal/ui/mounts: mount info plus path, inside data", async () => {
    const r = await t.call("GET", `/v1/sys/internal/ui/mounts/${t.transitMount}`);
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ type: "transit", path: `${t.transitMount}/` });
    expect(r.json.uuid).toBeUndefined();
  });

  emulatorTest("mountUuid()/mountAccessor() match what the API reports", async () => {
    const one = await t.call("GET", `/v1/sys/mounts/${t.transitMount}`);
    expect(t.emulator!.mountUuid(t.transitMount)).toBe(one.json.uuid);
    expect(t.emulator!.mountAccessor(t.transitMount)).toBe(one.json.accessor);
    expect(t.emulator!.mountUuid("auth/jwt")).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => t.emulator!.mountUuid("nope")).toThrow("no mount at nope/");
  });

  emulatorTest("capabilities-self (not in the spec; Vault's shape): root, deny fault", async () => {
    const root = await t.call("POST", "/v1/sys/capabilities-self", { body: { paths: ["transit/encrypt/k"] } });
    expect(root.json.capabilities).toEqual(["root"]);
    expect(root.json.data["transit/encrypt/k"]).toEqual(["root"]);
    t.emulator!.deny("/v1/transit/decrypt/");
    try {
      const r = await t.call("POST", "/v1/sys/capabilities-self", { body: { paths: ["transit/decrypt/k", "transit/encrypt/k"] } });
      expect(r.json.data).toEqual({ "transit/decrypt/k": ["deny"], "transit/encrypt/k": ["root"] });
    } finally {
      t.emulator!.allow("/v1/transit/decrypt/");
    }
  });
});
