// The emulator cluster's role switch (test/support/emulator/ha.ts, follower.ts, cluster.ts): any
// node can lead or follow. A former active follows the new leader like a standby (forward, 307,
// standby reads), elections skip nodes that cannot lead, and per-node faults stay per node.
// OpenBao Raft HA: internal/http/sys_health.go, internal/http/handler.go (forwardRequest, respondStandby).
import { afterEach, describe, expect, test } from "bun:test";
import { type EmulatorCluster, startCluster } from "../support/emulator/cluster.ts";
import type { Emulator } from "../support/emulator/types.ts";

let cluster: EmulatorCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

interface Answer {
  status: number;
  json: any;
  location: string | null;
}

async function call(node: Emulator, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(node.url + path, {
    method, redirect: "manual", tls: { ca: node.caPem, serverName: node.serverName },
    headers: { "X-Vault-Token": node.rootToken, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(5_000),
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, json: text === "" ? undefined : JSON.parse(text), location: res.headers.get("location") };
}

const health = async (n: Emulator) => (await call(n, "GET", "/v1/sys/health")).status;
const encrypt = (n: Emulator) => call(n, "POST", "/v1/transit/encrypt/kubernetes", { plaintext: btoa("seed") });
const race = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => "answered", () => "failed"), Bun.sleep(ms).then(() => "hanging")]);
const forwarded = (leader: Emulator, by: Emulator, path: string) => leader.requests.filter((r) => r.forwardedBy === by.url && r.path === path).length;

describe("emulator cluster roles", () => {
  test("forwarding off: the former active, unsealed after a failover, answers 307 to the new leader; a live leader stays", async () => {
    cluster = await startCluster({ standbys: 2, forwarding: false, standbyReads: false });
    const [a, b, c] = cluster.nodes as [Emulator, Emulator, Emulator];
    cluster.seal(a);
    cluster.unseal(a);
    await cluster.settled();
    expect(cluster.leader()).toBe(b);
    expect([await health(a), await health(b), await health(c)]).toEqual([429, 200, 429]);
    for (const n of [a, c]) {
      const r = await encrypt(n);
      expect(r.status).toBe(307);
      expect(r.location).toBe(`${b.url}/v1/transit/encrypt/kubernetes`);
    }
    const onA = await call(a, "GET", "/v1/sys/leader");
    expect(onA.json).toMatchObject({ ha_enabled: true, leader_address: b.url });
    expect(onA.json.is_self).toBeUndefined();
    const onB = await call(b, "GET", "/v1/sys/leader");
    expect(onB.json).toMatchObject({ ha_enabled: true, is_self: true, leader_address: b.url });
    expect(typeof onB.json.active_time).toBe("string");
    a.setForwarding(true); // any node's switch: a now forwards to b
    expect((await encrypt(a)).status).toBe(200);
    expect(forwarded(b, a, "/v1/transit/encrypt/kubernetes")).toBe(1);
  });

  test("standby reads on: after a kill, a rotate through a standby is forwarded to the new leader; encrypt and old decrypts stay local", async () => {
    cluster = await startCluster({ standbys: 2 });
    const [a, b, c] = cluster.nodes as [Emulator, Emulator, Emulator];
    const before = (await encrypt(a)).json.data.ciphertext as string;
    await cluster.kill(a);
    expect(cluster.leader()).toBe(b);
    const rotate = await call(c, "POST", "/v1/transit/keys/kubernetes/rotate");
    expect(rotate.status).toBe(200);
    expect(forwarded(b, c, "/v1/transit/keys/kubernetes/rotate")).toBe(1);
    const after = await encrypt(c);
    expect(after.json.data.ciphertext).toStartWith("vault:v2:");
    expect(forwarded(b, c, "/v1/transit/encrypt/kubernetes")).toBe(0);
    expect(c.count({ pathPrefix: "/v1/transit/encrypt/" })).toBe(1);
    const plain = await call(c, "POST", "/v1/transit/decrypt/kubernetes", { ciphertext: before });
    expect(plain.json.data.plaintext).toBe(btoa("seed"));
  });

  test("the election skips uninitialized and sealed nodes, waits electionDelayMs, and a killed leader never returns", async () => {
    cluster = await startCluster({ standbys: 3, standbyReads: false, electionDelayMs: 80 });
    const [a, b, c, d] = cluster.nodes as [Emulator, Emulator, Emulator, Emulator];
    b.setInitialized(false);
    cluster.seal(c);
    expect(cluster.leader()).toBe(a); // a live leader is not displaced by faults elsewhere
    await cluster.kill(a);
    expect(cluster.leader()).toBeUndefined();
    const leaderless = await encrypt(d);
    expect([leaderless.status, leaderless.json.errors]).toEqual([500, ["local node not active but active cluster node not found"]]);
    await cluster.settled();
    expect(cluster.leader()).toBe(d);
    expect([await health(b), await health(c), await health(d)]).toEqual([501, 503, 200]);
    expect((await encrypt(d)).status).toBe(200);
    expect(d.requests.filter((r) => r.path === "/v1/transit/encrypt/kubernetes" && r.forwardedBy === undefined).map((r) => r.status)).toEqual([500, 200]);
    cluster.unseal(c);
    await cluster.settled();
    expect(cluster.leader()).toBe(d);
    expect((await encrypt(c)).status).toBe(200);
    expect(forwarded(d, c, "/v1/transit/encrypt/kubernetes")).toBe(1);
  });

  test("pause every node: no leader; unpausing one elects it and answers its hung requests as the leader", async () => {
    cluster = await startCluster({ standbys: 2 });
    const [a, b, c] = cluster.nodes as [Emulator, Emulator, Emulator];
    for (const n of [a, b, c]) cluster.pause(n, true);
    expect(cluster.leader()).toBeUndefined();
    const hung = health(b);
    expect(await race(hung, 150)).toBe("hanging");
    cluster.pause(b, false);
    expect(cluster.leader()).toBe(b);
    expect(await hung).toBe(200);
    const stillHung = health(a);
    expect(await race(stillHung, 100)).toBe("hanging");
    cluster.pause(a, false);
    expect(await stillHung).toBe(429);
    expect(cluster.leader()).toBe(b);
    cluster.pause(c, false);
  });

  test("a paused node's own hang() prefixes survive the pause; killing a paused node drops its hung requests and refuses new ones", async () => {
    cluster = await startCluster({ standbys: 2 });
    const [a, , c] = cluster.nodes as [Emulator, Emulator, Emulator];
    c.hang(true, "/v1/sys/seal-status");
    cluster.pause(c, true);
    const h = health(c);
    const s = call(c, "GET", "/v1/sys/seal-status");
    cluster.pause(c, false);
    expect(await h).toBe(429);
    expect(await race(s, 100)).toBe("hanging");
    cluster.pause(c, true);
    const dropped = health(c);
    await Bun.sleep(50);
    await cluster.kill(c);
    expect(await race(dropped, 2_000)).toBe("failed");
    expect(await race(s, 2_000)).toBe("failed");
    expect(await race(health(c), 2_000)).toBe("failed");
    expect(cluster.leader()).toBe(a);
  });

  test("unavailable keeps leadership: the leader answers 503 to all, and its followers pass that 503 on", async () => {
    cluster = await startCluster({ standbys: 1, standbyReads: false });
    const [a, b] = cluster.nodes as [Emulator, Emulator];
    cluster.unavailable(a, true);
    expect(cluster.leader()).toBe(a);
    const viaB = await encrypt(b);
    expect(viaB.status).toBe(503);
    expect(viaB.json.errors).toHaveLength(1);
    expect([await health(a), await health(b)]).toEqual([503, 429]);
    cluster.unavailable(a, false);
    expect((await encrypt(b)).status).toBe(200);
  });

  test("slow delays only that node; 0 turns it off", async () => {
    cluster = await startCluster({ standbys: 1 });
    const [a, b] = cluster.nodes as [Emulator, Emulator];
    const timed = async (n: Emulator) => {
      const t0 = performance.now();
      await health(n);
      return performance.now() - t0;
    };
    cluster.slow(b, 200);
    expect(await timed(b)).toBeGreaterThanOrEqual(180);
    expect(await timed(a)).toBeLessThan(150);
    cluster.slow(b, 0);
    expect(await timed(b)).toBeLessThan(150);
  });

  test("standbyPorts places the standbys; a node of another cluster is refused", async () => {
    let base = 0;
    for (let i = 0; i < 5 && cluster === undefined; i++) {
      base = 20_000 + Math.floor(Math.random() * 40_000);
      cluster = await startCluster({ standbys: 2, port: base, standbyPorts: (n) => base + 1 + n }).catch(() => undefined);
    }
    expect(cluster!.nodes.map((n) => n.port)).toEqual([base, base + 1, base + 2]);
    const other = await startCluster({ standbys: 0 });
    try {
      expect(() => cluster!.pause(other.active, true)).toThrow("not a node of this cluster");
    } finally {
      await other.stop();
    }
  });
});
