// The emulator cluster's failover and per-node faults (test/support/emulator/cluster.ts), which
// the provider's HA tests rely on: OpenBao Raft HA semantics as internal/http/sys_health.go and
// internal/http/handler.go (forwardRequest, respondStandby) describe them.
import { afterEach, describe, expect, test } from "bun:test";
import { type EmulatorCluster, startCluster } from "../support/emulator/cluster.ts";
import type { Emulator } from "../support/emulator/types.ts";

let cluster: EmulatorCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function call(node: Emulator, method: string, path: string, body?: unknown, timeoutMs = 5_000): Promise<{ status: number; json: any }> {
  const res = await fetch(node.url + path, {
    method, redirect: "manual", tls: { ca: node.caPem, serverName: node.serverName },
    headers: { "X-Vault-Token": node.rootToken, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, json: text === "" ? undefined : JSON.parse(text) };
}

const health = async (n: Emulator) => (await call(n, "GET", "/v1/sys/health")).status;
const encrypt = (n: Emulator, headers = {}) => call(n, "POST", "/v1/transit/encrypt/kubernetes", { plaintext: btoa("seed") });
const decrypt = (n: Emulator, ciphertext: string) => call(n, "POST", "/v1/transit/decrypt/kubernetes", { ciphertext });

describe("emulator cluster failover", () => {
  test("kill the active: the first standby leads, the other forwards to it, old ciphertext still decrypts", async () => {
    cluster = await startCluster({ standbys: 2, standbyReads: false });
    const [a, b, c] = cluster.nodes as [Emulator, Emulator, Emulator];
    const before = (await encrypt(a)).json.data.ciphertext as string;
    await cluster.kill(a);
    await cluster.settled();
    expect(cluster.leader()).toBe(b);
    expect([await health(b), await health(c)]).toEqual([200, 429]);
    expect(await fetch(a.url + "/v1/sys/health", { tls: { ca: a.caPem } }).then(() => "answered", () => "refused")).toBe("refused");
    const viaC = await encrypt(c);
    expect(viaC.status).toBe(200);
    expect(b.requests.some((r) => r.forwardedBy === c.url && r.path === "/v1/transit/encrypt/kubernetes")).toBe(true);
    expect((await decrypt(c, before)).json.data.plaintext).toBe(btoa("seed"));
    const leader = await call(c, "GET", "/v1/sys/leader");
    expect(leader.json.leader_address).toBe(b.url);
  });

  test("an election delay leaves the cluster leaderless meanwhile: a follower answers 500", async () => {
    cluster = await startCluster({ standbys: 1, standbyReads: false, electionDelayMs: 200 });
    const [a, b] = cluster.nodes as [Emulator, Emulator];
    await cluster.kill(a);
    expect(cluster.leader()).toBeUndefined();
    const r = await encrypt(b);
    expect(r.status).toBe(500);
    expect(r.json.errors).toEqual(["local node not active but active cluster node not found"]);
    await cluster.settled();
    expect(cluster.leader()).toBe(b);
    expect((await encrypt(b)).status).toBe(200);
  });

  test("pause: requests hang, leadership moves; unpausing answers them and the old active follows", async () => {
    cluster = await startCluster({ standbys: 2, standbyReads: false });
    const [a, b, c] = cluster.nodes as [Emulator, Emulator, Emulator];
    cluster.pause(a, true);
    await cluster.settled();
    const hung = health(a);
    const first = await Promise.race([hung.then(() => "answered"), Bun.sleep(150).then(() => "hanging")]);
    expect(first).toBe("hanging");
    expect(cluster.leader()).toBe(b);
    expect((await encrypt(c)).status).toBe(200);
    cluster.pause(a, false);
    expect(await hung).toBe(429); // it now follows b
    expect(cluster.leader()).toBe(b);
    const viaA = await encrypt(a);
    expect(viaA.status).toBe(200);
    expect(b.requests.some((r) => r.forwardedBy === a.url)).toBe(true);
  });

  test("seal the leader, then the next: leadership moves each time; all sealed: 503 everywhere and no leader", async () => {
    cluster = await startCluster({ standbys: 2 });
    const [a, b, c] = cluster.nodes as [Emulator, Emulator, Emulator];
    cluster.seal(a);
    await cluster.settled();
    expect(cluster.leader()).toBe(b);
    expect(await health(a)).toBe(503);
    cluster.seal(b);
    await cluster.settled();
    expect(cluster.leader()).toBe(c);
    expect(await health(c)).toBe(200);
    expect((await encrypt(c)).status).toBe(200);
    cluster.seal(c);
    await cluster.settled();
    expect(cluster.leader()).toBeUndefined();
    expect([await health(a), await health(b), await health(c)]).toEqual([503, 503, 503]);
    cluster.unseal(a);
    await cluster.settled();
    expect(cluster.leader()).toBe(a);
    expect(await health(a)).toBe(200);
  });

  test("unavailable: that node answers 503 to everything; slow adds latency", async () => {
    cluster = await startCluster({ standbys: 1 });
    const [a, b] = cluster.nodes as [Emulator, Emulator];
    cluster.unavailable(b, true);
    expect(await health(b)).toBe(503);
    expect((await encrypt(b)).status).toBe(503);
    expect(await health(a)).toBe(200);
    cluster.unavailable(b, false);
    expect(await health(b)).toBe(429);
    cluster.slow(a, 120);
    const t0 = performance.now();
    expect(await health(a)).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
  });
});
