import { describe, expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { createEndpointPool, retryableElsewhere, type Endpoint } from "../../src/openbao/endpoints.ts";
import type { OpenBaoHttp, OpenBaoResponse } from "../../src/openbao/http.ts";

type Behaviour = "ok" | "refused" | "sealed" | "503" | "500" | "429" | "307" | "403" | "400" | "hang" | "tls";
interface FakeNode { http: OpenBaoHttp; calls: string[]; health: number | "refused" | "hang"; behaviour: Behaviour }

function fakeNode(name: string, behaviour: Behaviour = "ok", health: FakeNode["health"] = 200): FakeNode {
  const node: FakeNode = {
    calls: [], health, behaviour,
    http: {
      async request(_method, path, operation, options = {}): Promise<OpenBaoResponse> {
        if (path === "sys/health") {
          if (node.health === "refused") throw new TransitError("connection_failed", operation);
          if (node.health === "hang") return new Promise(() => {});
          return { status: node.health, body: { initialized: node.health !== 501, sealed: node.health === 503, standby: node.health === 429 } };
        }
        node.calls.push(`${name}:${path}`);
        switch (node.behaviour) {
          case "ok": return { status: 200, body: { from: name } };
          case "refused": throw new TransitError("connection_failed", operation);
          case "tls": throw new TransitError("tls_failed", operation);
          case "sealed": throw new TransitError("sealed", operation, 503);
          case "503": throw new TransitError("unavailable", operation, 503);
          case "500": throw new TransitError("unavailable", operation, 500);
          case "429": throw new TransitError("rate_limited", operation, 429);
          case "307": throw new TransitError("standby_redirect", operation, 307);
          case "403": throw new TransitError("permission_denied", operation, 403);
          case "400": throw new TransitError("decrypt_failed", operation, 400);
          case "hang":
            return new Promise((_, reject) => options.signal?.addEventListener("abort", () => reject(options.signal!.reason)));
        }
      },
    },
  };
  return node;
}

const pool = (nodes: FakeNode[], o: { stallMs?: number } = {}) =>
  createEndpointPool({
    endpoints: nodes.map((n, i): Endpoint => ({ address: `https://bao-${i + 1}:8200`, http: n.http })),
    healthIntervalMs: 60_000,
    stallMs: o.stallMs ?? 10_000,
    random: () => 0.5,
  });

describe("endpoint pool", () => {
  test("health sorts active first, then standby, then unchecked; sealed, uninitialized and unreachable are skipped", async () => {
    const nodes = [fakeNode("a", "ok", 429), fakeNode("b", "ok", 503), fakeNode("c", "ok", 200), fakeNode("d", "ok", 501), fakeNode("e", "ok", "refused")];
    const p = pool(nodes);
    await p.checkAll();
    expect(p.statuses().map((s) => s.role)).toEqual(["standby", "sealed", "active", "uninitialized", "unreachable"]);
    expect(p.usableCount()).toBe(2);
    const reply = await p.request("POST", "transit/decrypt/k", "transit.decrypt");
    expect(reply.body).toEqual({ from: "c" });
    nodes[2]!.behaviour = "refused";
    expect((await p.request("POST", "transit/decrypt/k", "transit.decrypt")).body).toEqual({ from: "a" });
  });

  test("checkAll reports what each endpoint answered, in configured order, and a second caller joins the round in progress", async () => {
    const nodes = [fakeNode("a", "ok", 429), fakeNode("b", "ok", "refused"), fakeNode("c", "ok", 200)];
    let healthCalls = 0;
    const p = createEndpointPool({
      endpoints: nodes.map((n, i): Endpoint => ({
        address: `https://bao-${i + 1}:8200`,
        http: { request: (m, path, op, o) => (path === "sys/health" && healthCalls++, n.http.request(m, path, op, o)) },
      })),
      healthIntervalMs: 60_000,
      stallMs: 10_000,
    });
    const [first, second] = await Promise.all([p.checkAll(), p.checkAll()]);
    expect(healthCalls).toBe(3);
    expect(second).toEqual(first);
    expect(first.map((c) => [c.address, c.health?.state, c.health?.status, c.error instanceof TransitError ? c.error.kind : undefined])).toEqual([
      ["https://bao-1:8200", "standby", 429, undefined],
      ["https://bao-2:8200", undefined, undefined, "connection_failed"],
      ["https://bao-3:8200", "active", 200, undefined],
    ]);
    // The same round ranked the pool.
    expect(p.statuses().map((s) => s.role)).toEqual(["standby", "unreachable", "active"]);
  });

  test("before any health check, endpoints are tried in configured order", async () => {
    const nodes = [fakeNode("a"), fakeNode("b")];
    const p = pool(nodes);
    expect((await p.request("GET", "x", "op")).body).toEqual({ from: "a" });
  });

  for (const behaviour of ["refused", "tls", "sealed", "503", "500", "429", "307"] as const) {
    test(`a ${behaviour} answer is retried once on the next endpoint`, async () => {
      const nodes = [fakeNode("a", behaviour), fakeNode("b"), fakeNode("c")];
      const p = pool(nodes);
      expect((await p.request("POST", "t", "op")).body).toEqual({ from: "b" });
      expect(nodes.map((n) => n.calls.length)).toEqual([1, 1, 0]);
    });
  }

  for (const behaviour of ["403", "400"] as const) {
    test(`a ${behaviour} from a live node is the answer: never retried elsewhere`, async () => {
      const nodes = [fakeNode("a", behaviour), fakeNode("b")];
      const p = pool(nodes);
      await expect(p.request("POST", "t", "op")).rejects.toBeInstanceOf(TransitError);
      expect(nodes[1]!.calls).toEqual([]);
      expect(p.statuses()[0]!.usable).toBe(true);
    });
  }

  test("retried at most once: two failing nodes fail the request with the second node's class", async () => {
    const nodes = [fakeNode("a", "refused"), fakeNode("b", "sealed"), fakeNode("c")];
    const p = pool(nodes);
    const err = await p.request("POST", "t", "op").catch((e: unknown) => e);
    expect((err as TransitError).kind).toBe("sealed");
    expect(nodes[2]!.calls).toEqual([]);
    // Both are now marked: the next request goes straight to c.
    expect((await p.request("POST", "t", "op")).body).toEqual({ from: "c" });
    expect(p.statuses().map((s) => s.role)).toEqual(["unreachable", "sealed", "unknown"]);
  });

  test("no retry once the caller's signal has ended the request", async () => {
    const nodes = [fakeNode("a", "hang"), fakeNode("b")];
    const p = pool(nodes);
    const ac = new AbortController();
    const pending = p.request("POST", "t", "op", { signal: ac.signal });
    ac.abort(new DOMException("deadline", "TimeoutError"));
    await expect(pending).rejects.toBeInstanceOf(DOMException);
    expect(nodes[1]!.calls).toEqual([]);
  });

  test("a request unanswered past stallMs marks its endpoint unresponsive and is sent once more elsewhere; the first answer wins", async () => {
    const nodes = [fakeNode("a", "hang"), fakeNode("b")];
    const p = pool(nodes, { stallMs: 20 });
    const t0 = performance.now();
    expect((await p.request("POST", "transit/decrypt/k", "transit.decrypt")).body).toEqual({ from: "b" });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    expect(p.statuses()[0]!.role).toBe("unresponsive");
    // New requests skip the frozen node at once.
    expect((await p.request("POST", "t", "op")).body).toEqual({ from: "b" });
    expect(nodes[0]!.calls.length).toBe(1);
  });

  test("a login is never sent twice at once: a stalled login waits for its own answer", async () => {
    const nodes = [fakeNode("a", "hang"), fakeNode("b")];
    const p = pool(nodes, { stallMs: 20 });
    const ac = new AbortController();
    const login = p.request("POST", "auth/jwt/login", "auth.login", { signal: ac.signal }).catch(() => "ended");
    await Bun.sleep(60);
    expect(nodes[1]!.calls).toEqual([]);
    ac.abort();
    expect(await login).toBe("ended");
  });

  test("when the extra attempt fails, the first one's late answer still wins", async () => {
    let release!: () => void;
    const slow: FakeNode = fakeNode("a");
    const inner = slow.http;
    slow.http = { request: (...args) => new Promise((r) => (release = () => r(inner.request(...args)))) };
    const nodes = [slow, fakeNode("b", "refused")];
    const p = pool(nodes, { stallMs: 10 });
    const pending = p.request("POST", "t", "transit.encrypt");
    await Bun.sleep(40);
    release();
    expect((await pending).body).toEqual({ from: "a" });
  });

  test("nothing usable: every endpoint is still tried, likeliest first, so recovery is seen at once", async () => {
    const nodes = [fakeNode("a", "ok", "refused"), fakeNode("b", "ok", 503)];
    const p = pool(nodes);
    await p.checkAll();
    expect(p.usableCount()).toBe(0);
    // b (sealed) ranks before a (unreachable); it answers now, so it is usable again.
    expect((await p.request("GET", "x", "op")).body).toEqual({ from: "b" });
    expect(p.statuses()[1]!.usable).toBe(true);
  });

  test("a health check that recovers restores the endpoint; counts by endpoint and outcome", async () => {
    const nodes = [fakeNode("a", "refused", 200), fakeNode("b")];
    const changes: string[] = [];
    const p = createEndpointPool({
      endpoints: nodes.map((n, i) => ({ address: `https://bao-${i + 1}:8200`, http: n.http })),
      healthIntervalMs: 60_000, stallMs: 10_000, onChange: (a, from, to) => changes.push(`${a} ${from}->${to}`),
    });
    await p.request("GET", "x", "op");
    expect(p.statuses()[0]!.role).toBe("unreachable");
    expect(p.statuses()[0]!.lastError).toBe("connection_failed");
    await p.checkAll();
    expect(p.statuses()[0]!.role).toBe("active");
    expect(changes).toEqual(["https://bao-1:8200 unknown->unreachable", "https://bao-1:8200 unreachable->active", "https://bao-2:8200 unknown->active"]);
    expect([...p.statuses()[0]!.requests]).toEqual([["connection_failed", 1]]);
    expect([...p.statuses()[1]!.requests]).toEqual([["ok", 1]]);
  });

  test("background checks run on start and stop on stop", async () => {
    const nodes = [fakeNode("a", "ok", 429), fakeNode("b", "ok", 200)];
    const p = createEndpointPool({ endpoints: nodes.map((n, i) => ({ address: `https://n${i}:8200`, http: n.http })), healthIntervalMs: 1_000, stallMs: 1_000 });
    p.start();
    await Bun.sleep(30);
    expect(p.statuses().map((s) => s.role)).toEqual(["standby", "active"]);
    p.stop();
  });

  test("retryableElsewhere: transport failures, 5xx, 429 and 307 only", () => {
    expect(retryableElsewhere(new TransitError("connection_failed", "x"))).toBe(true);
    expect(retryableElsewhere(new TransitError("unavailable", "x"))).toBe(false); // our own timeout: not retried
    expect(retryableElsewhere(new TransitError("unavailable", "x", 502))).toBe(true);
    expect(retryableElsewhere(new TransitError("not_found", "x", 404))).toBe(false);
    expect(retryableElsewhere(new Error("x"))).toBe(false);
  });
});
