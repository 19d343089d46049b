// Emulator-only: fault injection (seal, ACL deny, 429 quota, latency, dropped and hanging
// connections), request accounting and namespace handling. Skipped against a real server.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import tls from "node:tls";
import { isRealTarget } from "../support/bao-target.ts";
import { startEmulator } from "../support/emulator/server.ts";
import type { Emulator } from "../support/emulator/types.ts";

const e = (isRealTarget ? undefined : await startEmulator({ namespaces: ["team-a"] })) as Emulator;
afterAll(() => e?.stop());

describe.skipIf(isRealTarget)("faults", () => {
  afterEach(() => {
    e.clearFaults();
    e.unseal();
  });
  const call = async (method: string, path: string, o: { token?: string | null; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}) => {
    const tok = o.token === undefined ? e.rootToken : o.token;
    const r = await fetch(e.url + path, {
      method, body: o.body === undefined ? undefined : JSON.stringify(o.body), tls: { ca: e.caPem },
      headers: { ...(tok ? { "X-Vault-Token": tok } : {}), ...o.headers }, signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
    });
    const text = await r.text();
    return { status: r.status, text, headers: r.headers, json: text ? JSON.parse(text) : undefined };
  };
  const encrypt = (token?: string | null) => call("POST", `/v1/transit/encrypt/${e.keyName}`, { token, body: { plaintext: "aGk=" } });
  const loginToken = async () => (await call("POST", "/v1/auth/jwt/login", { token: null, body: { role: e.jwtRole, jwt: e.mintJwt() } })).json.auth.client_token as string;

  test("seal: logical requests → 503 Vault is sealed; status endpoints still answer", async () => {
    const token = e.rootToken;
    e.seal();
    expect(e.sealed).toBe(true);
    for (const r of [
      await encrypt(), await call("GET", "/v1/sys/mounts"), await call("GET", "/v1/auth/token/lookup-self", { token }),
      await call("POST", "/v1/auth/jwt/login", { token: null, body: { role: e.jwtRole, jwt: e.mintJwt() } }),
    ]) {
      expect(r.status).toBe(503);
      expect(r.text).toBe('{"errors":["Vault is sealed"]}\n');
    }
    const health = await call("GET", "/v1/sys/health", { token: null });
    expect(health.status).toBe(503);
    expect(health.json).toMatchObject({ sealed: true, initialized: true });
    expect(health.json.cluster_name).toBeUndefined();
    expect((await call("GET", "/v1/sys/health?sealedcode=299", { token: null })).status).toBe(299);
    expect((await call("GET", "/v1/sys/seal-status", { token: null })).json.sealed).toBe(true);
    e.unseal();
    expect((await encrypt()).status).toBe(200);
    expect((await call("GET", "/v1/auth/token/lookup-self", { token })).status).toBe(200);
  });

  test("deny: valid tokens get the multierror 403 on the prefix only; allow restores", async () => {
    const token = await loginToken();
    e.deny("/v1/transit/encrypt/");
    for (const tok of [token, e.rootToken]) {
      const r = await encrypt(tok);
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ errors: ["1 error occurred:\n\t* permission denied\n\n"] });
    }
    expect((await encrypt(null)).json).toEqual({ errors: ["permission denied"] });
    expect((await call("GET", `/v1/transit/keys/${e.keyName}`, { token })).status).toBe(200);
    e.allow("/v1/transit/encrypt/");
    expect((await encrypt(token)).status).toBe(200);
  });

  test("deny on a login path: 403 permission denied (as for a CIDR mismatch)", async () => {
    e.deny("auth/jwt/login");
    const r = await call("POST", "/v1/auth/jwt/login", { token: null, body: { role: e.jwtRole, jwt: e.mintJwt() } });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ errors: ["permission denied"] });
  });

  test("rateLimit: 429 with the quota text on matching paths; sys/health exempt; null clears", async () => {
    e.rateLimit("/v1/transit/");
    const r = await encrypt();
    expect(r.status).toBe(429);
    expect(r.text).toBe(`{"errors":["request path \\"transit/encrypt/${e.keyName}\\": rate limit quota exceeded"]}\n`);
    expect((await call("GET", "/v1/sys/health", { token: null })).status).toBe(200);
    expect((await call("GET", "/v1/auth/token/lookup-self")).status).toBe(200);
    e.rateLimit(null);
    expect((await encrypt()).status).toBe(200);
  });

  test("setLatency delays matching paths only", async () => {
    e.setLatency(150, "/v1/transit/");
    let t0 = performance.now();
    expect((await encrypt()).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
    t0 = performance.now();
    await call("GET", "/v1/sys/health", { token: null });
    expect(performance.now() - t0).toBeLessThan(100);
    e.setLatency(0, "/v1/transit/");
    t0 = performance.now();
    await encrypt();
    expect(performance.now() - t0).toBeLessThan(100);
  });

  test("dropConnections: the client gets a reset and zero HTTP bytes; other paths unaffected", async () => {
    e.dropConnections(true, "/v1/transit/");
    await expect(encrypt()).rejects.toThrow();
    const received = await new Promise<string>((resolve) => {
      const s = tls.connect({ host: "127.0.0.1", port: e.port, ca: e.caPem, servername: "localhost" }, () => {
        s.write(`POST /v1/transit/encrypt/${e.keyName} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}`);
      });
      let buf = "";
      s.on("data", (d) => (buf += d.toString()));
      s.on("close", () => resolve(buf));
      s.on("error", () => undefined);
      s.setTimeout(3000, () => s.destroy());
    });
    expect(received).toBe("");
    expect(e.requests.at(-1)).toMatchObject({ path: `/v1/transit/encrypt/${e.keyName}`, status: 0 });
    expect((await call("GET", "/v1/sys/health", { token: null })).status).toBe(200);
    e.dropConnections(false);
    expect((await encrypt()).status).toBe(200);
  });

  test("a dropped connection leaves nothing on the emulator's stderr", async () => {
    const script = `
      const { startEmulator } = await import(${JSON.stringify(import.meta.dir + "/../support/emulator/server.ts")});
      const e = await startEmulator();
      e.dropConnections(true);
      await fetch(e.url + "/v1/sys/health", { tls: { ca: e.caPem } }).catch(() => undefined);
      await e.stop();
      console.log("done");`;
    const p = Bun.spawn(["bun", "-e", script], { stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => p.kill(), 10_000);
    const [out, err, code] = [await new Response(p.stdout).text(), await new Response(p.stderr).text(), await p.exited];
    clearTimeout(timer);
    expect({ out: out.trim(), err, code }).toEqual({ out: "done", err: "", code: 0 });
  });

  test("hang: no answer until hang(false); then the request completes normally", async () => {
    e.hang(true, "/v1/transit/");
    const pending = encrypt();
    const early = await Promise.race([pending.then(() => "answered"), Bun.sleep(300).then(() => "pending")]);
    expect(early).toBe("pending");
    expect((await call("GET", "/v1/sys/health", { token: null })).status).toBe(200);
    e.hang(false, "/v1/transit/");
    expect((await pending).status).toBe(200);
  });

  test("stop() ends hung requests without an answer", async () => {
    const other = await startEmulator();
    other.hang(true);
    const pending = fetch(`${other.url}/v1/sys/health`, { tls: { ca: other.caPem }, signal: AbortSignal.timeout(5000) });
    await Bun.sleep(100);
    await other.stop();
    await expect(pending).rejects.toThrow();
  });

  test("accounting: every request is recorded, including failures; count filters; reset", async () => {
    e.resetCounts();
    await encrypt();
    await encrypt(null);
    await call("GET", "/v1/transit/keys/absent");
    await call("GET", "/v1/sys/health", { token: null, headers: { "X-Vault-Namespace": "team-a" } });
    expect(e.count()).toBe(4);
    expect(e.count({ pathPrefix: "/v1/transit/" })).toBe(3);
    expect(e.count({ method: "POST", pathPrefix: "transit/encrypt" })).toBe(2);
    expect(e.requests.map((r) => r.status)).toEqual([200, 403, 404, 400]);
    expect(e.requests[3]!.namespace).toBe("team-a");
    e.resetCounts();
    expect(e.count()).toBe(0);
  });

  // docs/openbao-compat.md §Namespaces (the namespace suite in namespaces.test.ts also runs against a real server).
  test("namespaces: a configured one is its own world and echoed; an unknown one → 404", async () => {
    const inside = await call("GET", `/v1/transit/keys/${e.keyName}`, { headers: { "X-Vault-Namespace": "team-a" } });
    expect(inside.status).toBe(404);
    expect(inside.json).toEqual({ errors: [`no handler for route "transit/keys/${e.keyName}". route entry not found.`] });
    expect(inside.headers.get("x-vault-namespace")).toBe("team-a");
    const bad = await call("GET", `/v1/transit/keys/${e.keyName}`, { headers: { "X-Vault-Namespace": "other" } });
    expect(bad.status).toBe(404);
    expect(bad.json).toEqual({ errors: ["namespace not found"] });
  });
});
