// The OpenBao request helper against small local servers: bounded bodies, refused redirects,
// the timeout (also while the body stalls), classification, and namespace/token headers.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { createOpenBaoHttp } from "../../src/openbao/http.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

const client = (over: Partial<Parameters<typeof createOpenBaoHttp>[0]> = {}) =>
  createOpenBaoHttp({ address: emu.url, caPem: emu.caPem, tlsServerName: emu.serverName, namespace: "", timeoutMs: 1000, ...over });

async function failure(p: Promise<unknown>): Promise<TransitError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TransitError) return e;
    throw e;
  }
  throw new Error("expected a failure");
}

describe("against the emulator", () => {
  test("a 2xx answer is parsed; the token is sent", async () => {
    const r = await client().request("GET", "auth/token/lookup-self", "op", { token: emu.rootToken });
    expect(r.status).toBe(200);
    expect((r.body as { data: { policies: string[] } }).data.policies).toEqual(["root"]);
  });

  test.each([
    ["no token → 403 permission_denied", {}, "permission_denied", 403],
  ] as const)("%s", async (_n, opts, kind, status) => {
    const e = await failure(client().request("GET", "transit/keys/kubernetes", "op", opts));
    expect([e.kind, e.status]).toEqual([kind, status]);
  });

  test("sealed → sealed, whatever the status code", async () => {
    emu.seal();
    try {
      const e = await failure(client().request("GET", "transit/keys/kubernetes", "op", { token: emu.rootToken }));
      expect([e.kind, e.status]).toEqual(["sealed", 503]);
    } finally {
      emu.unseal();
    }
  });

  test("wrong server name → tls_failed; error text never carried", async () => {
    const e = await failure(client({ tlsServerName: "not-the-name.test" }).request("GET", "sys/health", "op"));
    expect(e.kind).toBe("tls_failed");
    expect(e.message).toBe("openbao op failed: tls_failed");
  });

  test("a hung answer → unavailable at the timeout", async () => {
    emu.hang(true, "/v1/sys/health");
    try {
      const t0 = performance.now();
      const e = await failure(client({ timeoutMs: 200 }).request("GET", "sys/health", "op"));
      expect(e.kind).toBe("unavailable");
      expect(performance.now() - t0).toBeLessThan(1500);
    } finally {
      emu.hang(false, "/v1/sys/health");
    }
  });

  test("the caller's abort wins over classification", async () => {
    emu.hang(true, "/v1/sys/health");
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new DOMException("bye", "AbortError")), 50);
      await expect(client().request("GET", "sys/health", "op", { signal: ac.signal })).rejects.toMatchObject({ name: "AbortError" });
    } finally {
      emu.hang(false, "/v1/sys/health");
    }
  });
});

describe("against a misbehaving server", () => {
  const misbehave = (handler: (req: Request) => Response | Promise<Response>) =>
    createOpenBaoHttp({ address: "http://x.invalid", caPem: "", tlsServerName: "x", namespace: "ns1", timeoutMs: 300, maxBodyBytes: 1024, fetch: (async (input: string, init?: RequestInit) => handler(new Request(input, init))) as unknown as typeof fetch });

  test("a 307 is a standby redirect, never followed; the Location's origin only is kept", async () => {
    let calls = 0;
    const modes: Array<RequestInit["redirect"]> = [];
    const e = await failure(
      misbehave((req) => (calls++, modes.push(req.redirect), new Response(null, { status: 307, headers: { Location: "https://active.test:8200/v1/transit/encrypt/k?x=1" } }))).request("GET", "x", "op"),
    );
    expect([e.kind, e.status, e.redirectOrigin, calls]).toEqual(["standby_redirect", 307, "https://active.test:8200", 1]);
    // A fake fetch cannot follow anything: what proves "never followed" is the mode handed to fetch.
    expect(modes).toEqual(["manual"]);
    expect(e.message).toBe("openbao op failed: standby_redirect (HTTP 307)");
    const noLocation = await failure(misbehave(() => new Response(null, { status: 307 })).request("GET", "x", "op"));
    expect([noLocation.kind, noLocation.redirectOrigin]).toEqual(["standby_redirect", undefined]);
    const odd = await failure(misbehave(() => new Response(null, { status: 307, headers: { Location: "file:///etc/passwd" } })).request("GET", "x", "op"));
    expect(odd.redirectOrigin).toBeUndefined();
  });

  test.each([301, 302, 303, 308])("any other redirect (%d) is refused as unknown", async (status) => {
    const e = await failure(misbehave(() => new Response(null, { status, headers: { Location: "https://elsewhere/" } })).request("GET", "x", "op"));
    expect([e.kind, e.status]).toEqual(["unknown", status]);
  });

  test("a body over the cap is a failure, not a truncation (declared or streamed)", async () => {
    const big = "x".repeat(2048);
    expect((await failure(misbehave(() => new Response(big, { status: 200 })).request("GET", "x", "op"))).kind).toBe("invalid_response");
    const stream = new ReadableStream({ start(c) { for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode(big.slice(0, 512))); c.enqueue(new TextEncoder().encode("y")); c.close(); } });
    expect((await failure(misbehave(() => new Response(stream, { status: 200 })).request("GET", "x", "op"))).kind).toBe("invalid_response");
  });

  test("non-JSON on success → invalid_response; 429 → rate_limited; AAD mismatch text → decrypt_failed", async () => {
    expect((await failure(misbehave(() => new Response("<html>", { status: 200 })).request("GET", "x", "op"))).kind).toBe("invalid_response");
    expect((await failure(misbehave(() => Response.json({ errors: ["quota"] }, { status: 429 })).request("GET", "x", "op"))).kind).toBe("rate_limited");
    expect((await failure(misbehave(() => Response.json({ errors: ["cipher: message authentication failed"] }, { status: 400 })).request("GET", "x", "op"))).kind).toBe("decrypt_failed");
  });

  test("the namespace header is sent when configured", async () => {
    const seen: { namespace: string | null } = { namespace: null };
    await misbehave((req) => ((seen.namespace = req.headers.get("X-Vault-Namespace")), Response.json({}))).request("GET", "x", "op");
    expect(seen.namespace).toBe("ns1");
  });

  test("the namespace header is never sent to sys/health (root-only in OpenBao)", async () => {
    const seen: Array<[string, string | null]> = [];
    const http = misbehave((req) => (seen.push([new URL(req.url).pathname, req.headers.get("X-Vault-Namespace")]), Response.json({})));
    await http.request("GET", "sys/health", "sys.health");
    await http.request("GET", "sys/mounts", "op");
    expect(seen).toEqual([["/v1/sys/health", null], ["/v1/sys/mounts", "ns1"]]);
  });
});
