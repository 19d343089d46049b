// Contract: HA standby behaviour (docs/openbao-compat.md "sys/health and standby"): sys/health
// 429 with standby fields, request forwarding, the 307 redirect (X-Vault-No-Request-Forwarding,
// or forwarding off), no active node, a sealed standby, and the uninitialized state.
// Against a real cluster: BAO_ADDR (active or load balancer) plus BAO_STANDBY_ADDR (one standby);
// without BAO_STANDBY_ADDR the standby tests run on the emulator only.
import { afterAll, describe, expect, test } from "bun:test";
import { emulatorTest, isRealTarget, openTarget, type BaoReply, type CallOptions } from "../support/bao-target.ts";
import { startEmulator } from "../support/emulator/server.ts";
import type { Emulator } from "../support/emulator/types.ts";

const t = await openTarget();
const realStandby = (process.env.BAO_STANDBY_ADDR ?? "").replace(/\/+$/, "");
const emuStandby: Emulator | undefined = t.emulator ? await startEmulator({ standbyOf: t.emulator }) : undefined;
const standbyUrl = emuStandby?.url ?? realStandby;
afterAll(async () => {
  await emuStandby?.stop();
  await t.close();
});

/** A test that needs a standby: the emulator's, or a real one named by BAO_STANDBY_ADDR. */
const standbyTest = test.skipIf(isRealTarget && realStandby === "");

/** One request to the standby; redirects are returned, never followed. */
async function onStandby(method: string, path: string, o: CallOptions = {}): Promise<BaoReply> {
  const headers: Record<string, string> = { ...o.headers };
  const tok = o.token === undefined ? t.token : o.token;
  if (tok !== null && tok !== "") headers["X-Vault-Token"] = tok;
  const res = await fetch(standbyUrl + path, {
    method, headers, redirect: "manual",
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
    tls: t.caPem === undefined ? undefined : { ca: t.caPem },
    signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
  } as RequestInit);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

describe("standby: sys/health and sys/leader", () => {
  standbyTest("sys/health: 429 with standby true, initialized, unsealed, the cluster's name and id", async () => {
    const r = await onStandby("GET", "/v1/sys/health", { token: null });
    expect(r.status).toBe(429);
    expect(r.json).toMatchObject({ initialized: true, sealed: false, standby: true });
    const active = await t.call("GET", "/v1/sys/health", { token: null });
    expect(r.json.cluster_id).toBe(active.json.cluster_id);
    expect(r.json.cluster_name).toBe(active.json.cluster_name);
  });

  standbyTest("sys/health?standbyok=true → 200 (activecode); standbycode overrides 429", async () => {
    expect((await onStandby("GET", "/v1/sys/health?standbyok=true", { token: null })).status).toBe(200);
    expect((await onStandby("GET", "/v1/sys/health?standbycode=299", { token: null })).status).toBe(299);
  });

  standbyTest("sys/health with X-Vault-Namespace → 400 there too", async () => {
    const r = await onStandby("GET", "/v1/sys/health", { token: null, headers: { "X-Vault-Namespace": "team-a" } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["operation unavailable in namespaces"] });
  });

  standbyTest("sys/leader: HA, names the active node, not itself", async () => {
    const r = await onStandby("GET", "/v1/sys/leader", { token: null });
    expect(r.status).toBe(200);
    expect(r.json.ha_enabled).toBe(true);
    expect(r.json.is_self).toBeUndefined();
    expect(r.json.leader_address).toMatch(/^https?:\/\//);
    if (t.emulator) expect(r.json.leader_address).toBe(t.emulator.url);
  });

  emulatorTest("the active node's sys/leader turns HA once a standby joined", async () => {
    const r = await t.call("GET", "/v1/sys/leader", { token: null });
    expect(r.json).toMatchObject({ ha_enabled: true, is_self: true, leader_address: t.emulator!.url });
    expect(typeof r.json.active_time).toBe("string");
  });
});

describe("standby: forwarding", () => {
  standbyTest("a request to the standby is forwarded: same answer as the active, same state", async () => {
    t.emulator?.resetCounts();
    const key = await t.createKey("standby");
    const enc = await onStandby("POST", `/v1/${t.transitMount}/encrypt/${key}`, { body: { plaintext: "aGVsbG8=" } });
    expect(enc.status).toBe(200);
    expect(enc.json.data.ciphertext).toMatch(/^vault:v1:/);
    const dec = await t.call("POST", `/v1/${t.transitMount}/decrypt/${key}`, { body: { ciphertext: enc.json.data.ciphertext } });
    expect(dec.json.data.plaintext).toBe("aGVsbG8=");
    // Errors come back as the active node wrote them.
    const absent = t.newKeyName("absent");
    const missing = await onStandby("GET", `/v1/${t.transitMount}/keys/${absent}`);
    expect(missing.status).toBe(404);
    if (t.emulator) {
      const forwarded = t.emulator.requests.filter((r) => r.forwardedBy === emuStandby!.url).map((r) => r.path);
      expect(forwarded).toEqual([`/v1/${t.transitMount}/encrypt/${key}`, `/v1/${t.transitMount}/keys/${absent}`]);
    }
  });

  standbyTest("X-Vault-No-Request-Forwarding → 307 to the active node: same path and query, no body", async () => {
    const r = await onStandby("GET", `/v1/${t.transitMount}/keys/anything?x=1`, { headers: { "X-Vault-No-Request-Forwarding": "true" } });
    expect(r.status).toBe(307);
    expect(r.text).toBe("");
    expect(r.headers.get("cache-control")).toBe("no-store");
    const location = new URL(r.headers.get("location")!);
    expect(location.pathname + location.search).toBe(`/v1/${t.transitMount}/keys/anything?x=1`);
    if (t.emulator) expect(location.origin).toBe(new URL(t.emulator.url).origin);
  });
});

describe("standby: emulator-only states", () => {
  emulatorTest("forwarding off: every non-status request → 307 (logins too); nothing reaches the active", async () => {
    const s = await startEmulator({ standbyOf: t.emulator!, forwarding: false });
    try {
      t.emulator!.resetCounts();
      const get = await fetch(`${s.url}/v1/transit/keys/kubernetes`, { redirect: "manual", headers: { "X-Vault-Token": t.token }, tls: { ca: t.caPem } } as RequestInit);
      expect(get.status).toBe(307);
      expect(get.headers.get("location")).toBe(`${t.emulator!.url}/v1/transit/keys/kubernetes`);
      const login = await fetch(`${s.url}/v1/${t.emulator!.jwtMount}/login`, {
        method: "POST", redirect: "manual", body: JSON.stringify({ role: t.emulator!.jwtRole, jwt: t.emulator!.mintJwt() }), tls: { ca: t.caPem },
      } as RequestInit);
      expect(login.status).toBe(307);
      expect((await fetch(`${s.url}/v1/sys/health`, { tls: { ca: t.caPem } })).status).toBe(429);
      expect(t.emulator!.count()).toBe(0);
      expect(s.count()).toBe(3);
      s.setForwarding(true);
      expect((await fetch(`${s.url}/v1/transit/keys/kubernetes`, { headers: { "X-Vault-Token": t.token }, tls: { ca: t.caPem } })).status).toBe(200);
      expect(t.emulator!.count()).toBe(1);
    } finally {
      await s.stop();
    }
  });

  emulatorTest("no active node (the active is sealed) → 500 'local node not active but active cluster node not found'", async () => {
    t.emulator!.seal();
    try {
      const r = await onStandby("GET", "/v1/transit/keys/kubernetes");
      expect(r.status).toBe(500);
      expect(r.text).toBe('{"errors":["local node not active but active cluster node not found"]}\n');
      expect((await onStandby("GET", "/v1/sys/leader", { token: null })).json).toEqual({ ha_enabled: true });
      expect((await onStandby("GET", "/v1/sys/health", { token: null })).status).toBe(429);
      // A sealed node reports standby: true (core.standby is set on seal).
      expect((await t.call("GET", "/v1/sys/health", { token: null })).json).toMatchObject({ sealed: true, standby: true });
    } finally {
      t.emulator!.unseal();
    }
  });

  emulatorTest("a sealed standby: 503 Vault is sealed, sys/health 503 sealed and standby", async () => {
    emuStandby!.seal();
    try {
      const r = await onStandby("GET", "/v1/transit/keys/kubernetes");
      expect([r.status, r.text]).toEqual([503, '{"errors":["Vault is sealed"]}\n']);
      const h = await onStandby("GET", "/v1/sys/health", { token: null });
      expect(h.status).toBe(503);
      expect(h.json).toMatchObject({ initialized: true, sealed: true, standby: true });
      expect(h.json.cluster_name).toBeUndefined();
    } finally {
      emuStandby!.unseal();
    }
  });

  emulatorTest("forwarding fails (the active drops the connection) → falls back to the 307", async () => {
    t.emulator!.dropConnections(true, "/v1/transit/");
    try {
      const r = await onStandby("GET", "/v1/transit/keys/kubernetes");
      expect(r.status).toBe(307);
      expect(r.headers.get("location")).toBe(`${t.emulator!.url}/v1/transit/keys/kubernetes`);
    } finally {
      t.emulator!.clearFaults();
    }
  });

  emulatorTest("node faults are per node: latency or a rate-limit quota on the standby leave the active alone", async () => {
    emuStandby!.setLatency(300, "/v1/transit/");
    try {
      const t0 = performance.now();
      expect((await t.call("GET", "/v1/transit/keys/kubernetes")).status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(250);
      const t1 = performance.now();
      expect((await onStandby("GET", "/v1/transit/keys/kubernetes")).status).toBe(200);
      expect(performance.now() - t1).toBeGreaterThanOrEqual(290);
      // A quota on the standby answers before anything is forwarded.
      emuStandby!.rateLimit("/v1/transit/");
      t.emulator!.resetCounts();
      const limited = await onStandby("GET", "/v1/transit/keys/kubernetes");
      expect([limited.status, limited.json]).toEqual([429, { errors: ['request path "transit/keys/kubernetes": rate limit quota exceeded'] }]);
      expect(t.emulator!.count()).toBe(0);
      expect((await t.call("GET", "/v1/transit/keys/kubernetes")).status).toBe(200);
    } finally {
      emuStandby!.clearFaults();
    }
  });
});

describe("uninitialized node (emulator only)", () => {
  emulatorTest("sys/health 501 with initialized false, sealed and standby true; uninitcode overrides", async () => {
    const e = await startEmulator({ initialized: false });
    try {
      const get = (p: string) => fetch(`${e.url}${p}`, { tls: { ca: e.caPem } });
      const h = await get("/v1/sys/health");
      expect(h.status).toBe(501);
      const body = (await h.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ initialized: false, sealed: true, standby: true });
      expect(body.cluster_name).toBeUndefined();
      expect((await get("/v1/sys/health?uninitcode=299")).status).toBe(299);
      expect(await (await get("/v1/sys/seal-status")).json()).toMatchObject({ initialized: false, sealed: true, t: 0, n: 0 });
      const r = await fetch(`${e.url}/v1/transit/keys/kubernetes`, { headers: { "X-Vault-Token": e.rootToken }, tls: { ca: e.caPem } });
      expect([r.status, await r.text()]).toEqual([503, '{"errors":["Vault is sealed"]}\n']);
      expect(() => e.unseal()).toThrow("not initialized");
      e.setInitialized(true);
      expect((await get("/v1/sys/health")).status).toBe(503); // initialized, still sealed
      e.unseal();
      expect((await get("/v1/sys/health")).status).toBe(200);
    } finally {
      await e.stop();
    }
  });
});
