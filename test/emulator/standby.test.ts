// Contract: HA standby behaviour (docs/openbao-compat.md "sys/health and standby"): sys/health
// 429 with standby fields, standby reads served locally and writes forwarded, the 307 redirect
// for writes (X-Vault-No-Request-Forwarding, or forwarding off), no active node, a sealed
// standby, replication lag, and the uninitialized state.
// Against a real cluster: BAO_ADDR (active or load balancer) plus BAO_STANDBY_ADDR (one standby);
// without BAO_STANDBY_ADDR the standby tests run on the emulator only.
import { afterAll, describe, expect, test } from "bun:test";
import { emulatorTest, isRealTarget, openTarget, type BaoReply, type CallOptions } from "../support/bao-target.ts";
import { startCluster } from "../support/emulator/cluster.ts";
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

/** Requests the active node recorded as forwarded by the shared standby (emulator only). */
const forwardedPaths = () => t.emulator!.requests.filter((r) => r.forwardedBy === emuStandby!.url).map((r) => `${r.method} ${r.path}`);

describe("standby: reads served locally, writes forwarded (standby reads on, OpenBao's default)", () => {
  standbyTest("a key read, encrypt and decrypt of an existing key are answered by the standby itself", async () => {
    const key = await t.createKey("standby-read");
    t.emulator?.resetCounts();
    const read = await onStandby("GET", `/v1/${t.transitMount}/keys/${key}`);
    expect(read.status).toBe(200);
    expect(read.json.data.latest_version).toBe(1);
    const enc = await onStandby("POST", `/v1/${t.transitMount}/encrypt/${key}`, { body: { plaintext: "aGVsbG8=" } });
    expect(enc.status).toBe(200);
    expect(enc.json.data.ciphertext).toMatch(/^vault:v1:/);
    const dec = await onStandby("POST", `/v1/${t.transitMount}/decrypt/${key}`, { body: { ciphertext: enc.json.data.ciphertext } });
    expect(dec.json.data.plaintext).toBe("aGVsbG8=");
    // The same state as the active node: the active decrypts the standby's ciphertext.
    const onActive = await t.call("POST", `/v1/${t.transitMount}/decrypt/${key}`, { body: { ciphertext: enc.json.data.ciphertext } });
    expect(onActive.json.data.plaintext).toBe("aGVsbG8=");
    if (t.emulator) expect(t.emulator.count({ pathPrefix: `/v1/${t.transitMount}/` })).toBe(1); // only our own decrypt
  });

  standbyTest("a write (rotate) is forwarded: the active answers and its state changes", async () => {
    const key = await t.createKey("standby-write");
    t.emulator?.resetCounts();
    const rot = await onStandby("POST", `/v1/${t.transitMount}/keys/${key}/rotate`);
    expect(rot.status).toBeLessThan(300);
    expect((await t.call("GET", `/v1/${t.transitMount}/keys/${key}`)).json.data.latest_version).toBe(2);
    // Errors come back as the active node wrote them.
    const absent = t.newKeyName("absent");
    const missing = await onStandby("POST", `/v1/${t.transitMount}/keys/${absent}/rotate`);
    expect(missing.status).toBeGreaterThanOrEqual(400);
    if (t.emulator) {
      expect(forwardedPaths()).toEqual([`POST /v1/${t.transitMount}/keys/${key}/rotate`, `POST /v1/${t.transitMount}/keys/${absent}/rotate`]);
      const direct = await t.call("POST", `/v1/${t.transitMount}/keys/${absent}/rotate`);
      expect([missing.status, missing.text]).toEqual([direct.status, direct.text]);
    }
  });

  standbyTest("a read with an unknown token is forwarded, and the active refuses it", async () => {
    t.emulator?.resetCounts();
    const r = await onStandby("GET", `/v1/${t.transitMount}/keys/anything`, { token: "s.not-a-token" });
    expect(r.status).toBe(403);
    if (t.emulator) expect(forwardedPaths()).toEqual([`GET /v1/${t.transitMount}/keys/anything`]);
  });

  standbyTest("X-Vault-No-Request-Forwarding on a write → 307 to the active node: same path and query, no body", async () => {
    const r = await onStandby("POST", `/v1/${t.transitMount}/keys/anything/rotate?x=1`, { headers: { "X-Vault-No-Request-Forwarding": "true" } });
    expect(r.status).toBe(307);
    expect(r.text).toBe("");
    expect(r.headers.get("cache-control")).toBe("no-store");
    const location = new URL(r.headers.get("location")!);
    expect(location.pathname + location.search).toBe(`/v1/${t.transitMount}/keys/anything/rotate?x=1`);
    if (t.emulator) expect(location.origin).toBe(new URL(t.emulator.url).origin);
  });

  standbyTest("X-Vault-No-Request-Forwarding on a read changes nothing: the standby answers it", async () => {
    const key = await t.createKey("standby-noforward");
    const r = await onStandby("GET", `/v1/${t.transitMount}/keys/${key}`, { headers: { "X-Vault-No-Request-Forwarding": "true" } });
    expect(r.status).toBe(200);
  });

  standbyTest("an empty X-Vault-No-Request-Forwarding is no request: the write is forwarded", async () => {
    const key = await t.createKey("standby-empty-header");
    t.emulator?.resetCounts();
    const r = await onStandby("POST", `/v1/${t.transitMount}/keys/${key}/rotate`, { headers: { "X-Vault-No-Request-Forwarding": "" } });
    expect(r.status).toBeLessThan(300);
    expect((await t.call("GET", `/v1/${t.transitMount}/keys/${key}`)).json.data.latest_version).toBe(2);
    if (t.emulator) expect(forwardedPaths()).toEqual([`POST /v1/${t.transitMount}/keys/${key}/rotate`]);
  });
});

describe("standby: emulator-only states", () => {
  emulatorTest("forwarding off: writes (login, rotate) → 307, reads still served; nothing reaches the active", async () => {
    const s = await startEmulator({ standbyOf: t.emulator!, forwarding: false });
    try {
      t.emulator!.resetCounts();
      const tls = { ca: t.caPem };
      const get = await fetch(`${s.url}/v1/transit/keys/kubernetes`, { redirect: "manual", headers: { "X-Vault-Token": t.token }, tls } as RequestInit);
      expect(get.status).toBe(200);
      const rotate = await fetch(`${s.url}/v1/transit/keys/kubernetes/rotate`, { method: "POST", redirect: "manual", headers: { "X-Vault-Token": t.token }, tls } as RequestInit);
      expect(rotate.status).toBe(307);
      expect(rotate.headers.get("location")).toBe(`${t.emulator!.url}/v1/transit/keys/kubernetes/rotate`);
      const login = await fetch(`${s.url}/v1/${t.emulator!.jwtMount}/login`, {
        method: "POST", redirect: "manual", body: JSON.stringify({ role: t.emulator!.jwtRole, jwt: t.emulator!.mintJwt() }), tls,
      } as RequestInit);
      expect(login.status).toBe(307);
      expect((await fetch(`${s.url}/v1/sys/health`, { tls })).status).toBe(429);
      expect(t.emulator!.count()).toBe(0);
      expect(s.count()).toBe(4);
      s.setForwarding(true);
      const fwd = await fetch(`${s.url}/v1/transit/keys/kubernetes/rotate`, { method: "POST", headers: { "X-Vault-Token": t.token }, tls } as RequestInit);
      expect(fwd.status).toBeLessThan(300);
      expect(t.emulator!.count()).toBe(1);
    } finally {
      await s.stop();
    }
  });

  emulatorTest("standbyReads: false (disable_standby_reads) → every request goes to the active before parsing; 307 when forwarding is off", async () => {
    const s = await startEmulator({ standbyOf: t.emulator!, standbyReads: false });
    try {
      t.emulator!.resetCounts();
      const tls = { ca: t.caPem };
      const get = await fetch(`${s.url}/v1/transit/keys/kubernetes`, { headers: { "X-Vault-Token": t.token }, tls });
      expect(get.status).toBe(200);
      expect(t.emulator!.requests.map((r) => [r.path, r.forwardedBy])).toEqual([["/v1/transit/keys/kubernetes", s.url]]);
      const noForward = await fetch(`${s.url}/v1/transit/keys/kubernetes`, { redirect: "manual", headers: { "X-Vault-Token": t.token, "X-Vault-No-Request-Forwarding": "1" }, tls } as RequestInit);
      expect(noForward.status).toBe(307);
      s.setForwarding(false);
      const off = await fetch(`${s.url}/v1/transit/keys/kubernetes`, { redirect: "manual", headers: { "X-Vault-Token": t.token }, tls } as RequestInit);
      expect(off.status).toBe(307);
      t.emulator!.seal();
      try {
        const r = await fetch(`${s.url}/v1/transit/keys/kubernetes`, { headers: { "X-Vault-Token": t.token }, tls });
        expect([r.status, await r.text()]).toEqual([500, '{"errors":["local node not active but active cluster node not found"]}\n']);
      } finally {
        t.emulator!.unseal();
      }
    } finally {
      await s.stop();
    }
  });

  emulatorTest("no active node (the active is sealed): reads still served, a write → 500 'local node not active but active cluster node not found'", async () => {
    t.emulator!.seal();
    try {
      expect((await onStandby("GET", "/v1/transit/keys/kubernetes")).status).toBe(200);
      const r = await onStandby("POST", "/v1/transit/keys/kubernetes/rotate");
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

  emulatorTest("a sealed standby: 503 Vault is sealed for reads and writes, sys/health 503 sealed and standby", async () => {
    emuStandby!.seal();
    try {
      const r = await onStandby("GET", "/v1/transit/keys/kubernetes");
      expect([r.status, r.text]).toEqual([503, '{"errors":["Vault is sealed"]}\n']);
      expect((await onStandby("POST", "/v1/transit/keys/kubernetes/rotate")).status).toBe(503);
      const h = await onStandby("GET", "/v1/sys/health", { token: null });
      expect(h.status).toBe(503);
      expect(h.json).toMatchObject({ initialized: true, sealed: true, standby: true });
      expect(h.json.cluster_name).toBeUndefined();
    } finally {
      emuStandby!.unseal();
    }
  });

  emulatorTest("forwarding a write fails (the active drops the connection) → falls back to the 307", async () => {
    t.emulator!.dropConnections(true, "/v1/transit/");
    try {
      const r = await onStandby("POST", "/v1/transit/keys/kubernetes/rotate");
      expect(r.status).toBe(307);
      expect(r.headers.get("location")).toBe(`${t.emulator!.url}/v1/transit/keys/kubernetes/rotate`);
      // A read never needed the active.
      expect((await onStandby("GET", "/v1/transit/keys/kubernetes")).status).toBe(200);
    } finally {
      t.emulator!.clearFaults();
    }
  });

  emulatorTest("node faults are per node: latency or a rate-limit quota on the standby leave the active alone", async () => {
    emuStandby!.setLatency(300, "/v1/transit/");
    try {
      const t0 = performance.now();
      expect((await t.call("GET", "/v1/transit/keys/kubernetes")).status).toBe(200);
      const onActive = performance.now() - t0;
      const t1 = performance.now();
      expect((await onStandby("GET", "/v1/transit/keys/kubernetes")).status).toBe(200);
      const viaStandby = performance.now() - t1;
      expect(viaStandby).toBeGreaterThanOrEqual(290);
      expect(onActive).toBeLessThan(viaStandby);
      // A quota on the standby answers before anything is forwarded.
      emuStandby!.rateLimit("/v1/transit/");
      t.emulator!.resetCounts();
      const limited = await onStandby("POST", "/v1/transit/keys/kubernetes/rotate");
      expect([limited.status, limited.json]).toEqual([429, { errors: ['request path "transit/keys/kubernetes/rotate": rate limit quota exceeded'] }]);
      expect(t.emulator!.count()).toBe(0);
      expect((await t.call("GET", "/v1/transit/keys/kubernetes")).status).toBe(200);
    } finally {
      emuStandby!.clearFaults();
    }
  });

  emulatorTest("pauseReplication: the standby's key reads lag behind the active (rotation, new key) until it catches up", async () => {
    const key = await t.createKey("lag");
    await emuStandby!.pauseReplication(true);
    try {
      t.emulator!.rotateKey(key);
      const fresh = t.newKeyName("after-pause");
      t.emulator!.createKey(fresh);
      expect((await t.call("GET", `/v1/transit/keys/${key}`)).json.data.latest_version).toBe(2);
      const stale = await onStandby("GET", `/v1/transit/keys/${key}`);
      expect(stale.status).toBe(200);
      expect(stale.json.data.latest_version).toBe(1);
      expect(Object.keys(stale.json.data.keys)).toEqual(["1"]);
      expect((await onStandby("GET", `/v1/transit/keys/${fresh}`)).status).toBe(404);
      // Refusals are not about the key's state: still answered live.
      expect((await onStandby("GET", `/v1/transit/keys/${key}`, { token: "s.unknown" })).status).toBe(403);
    } finally {
      await emuStandby!.pauseReplication(false);
    }
    expect((await onStandby("GET", `/v1/transit/keys/${key}`)).json.data.latest_version).toBe(2);
    await expect(t.emulator!.pauseReplication(true)).rejects.toThrow("standby node only");
  });
});

describe("startCluster (emulator only)", () => {
  emulatorTest("stop() stops the active node even when a standby's stop throws, and rethrows that error", async () => {
    const c = await startCluster({ standbys: 1 });
    const standby = c.standbys[0]!;
    const realStop = standby.stop;
    standby.stop = () => Promise.reject(new Error("standby stop failed"));
    try {
      await expect(c.stop()).rejects.toThrow("standby stop failed");
      const refused = await fetch(`${c.active.url}/v1/sys/health`, { tls: { ca: c.active.caPem } }).then(() => "answered", () => "refused");
      expect(refused).toBe("refused");
    } finally {
      await realStop();
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
