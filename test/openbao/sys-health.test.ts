// readHealth: only an active node (200) or a standby (429) is usable, judged by the status and by
// the body when it is JSON (OpenBao's health JSON must agree with the status; a 2xx must carry
// it); 501, 503 and any other answer are not usable; the request never carries the namespace; a
// 307 is a standby redirect, never followed.
import { describe, expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { createOpenBaoHttp } from "../../src/openbao/http.ts";
import { judgeHealth, readHealth } from "../../src/openbao/sys-reads.ts";

/** OpenBao's health JSON for a node in `state` (internal/http/sys_health.go HealthResponse). */
const bodyOf = (state: "active" | "standby" | "sealed" | "uninitialized") => ({
  initialized: state !== "uninitialized", sealed: state === "sealed" || state === "uninitialized",
  standby: state !== "active", replication_performance_mode: "disabled", replication_dr_mode: "disabled",
  server_time_utc: 1, version: "2.6.0",
});
const defaultBody: Record<number, string | null> = {
  200: JSON.stringify(bodyOf("active")), 429: JSON.stringify(bodyOf("standby")), 503: JSON.stringify(bodyOf("sealed")),
  501: JSON.stringify(bodyOf("uninitialized")), 204: null,
};

function server(status: number, headers: Record<string, string> = {}, body: string | null = defaultBody[status] ?? '{"errors":[]}') {
  const seen: Array<{ path: string; namespace: string | null }> = [];
  const http = createOpenBaoHttp({
    address: "https://bao.invalid:8200", caPem: "", tlsServerName: "bao.invalid", namespace: "team-a", timeoutMs: 300,
    fetch: (async (input: string, init?: RequestInit) => {
      const req = new Request(input, init);
      seen.push({ path: new URL(req.url).pathname, namespace: req.headers.get("X-Vault-Namespace") });
      return new Response(status >= 300 && status < 400 ? null : body, { status, headers });
    }) as unknown as typeof fetch,
  });
  return { http, seen };
}

describe("readHealth", () => {
  test.each([
    [200, "active", true],
    [429, "standby", true],
    [503, "sealed", false],
    [501, "uninitialized", false],
    [473, "unexpected", false],
    [472, "unexpected", false],
    [204, "unexpected", false],
    [400, "unexpected", false],
    [500, "unexpected", false],
  ] as const)("HTTP %d with OpenBao's body → %s (usable %p), asked without X-Vault-Namespace", async (status, state, usable) => {
    const s = server(status);
    expect(await readHealth(s.http)).toEqual({ status, state, usable });
    expect(s.seen).toEqual([{ path: "/v1/sys/health", namespace: null }]);
  });

  test.each([
    ["a proxy's HTML page", 200, "<html>ok</html>"],
    ["JSON without the health fields", 200, '{"status":"ok"}'],
    ["an empty 200", 200, ""],
    ["a 200 whose body says sealed", 200, JSON.stringify(bodyOf("sealed"))],
    ["a 200 whose body says standby (standbyok was never sent)", 200, JSON.stringify(bodyOf("standby"))],
    ["a 429 that is a quota refusal, not a standby", 429, '{"errors":["rate limit quota exceeded"]}'],
    ["a 503 whose body says active", 503, JSON.stringify(bodyOf("active"))],
  ] as const)("%s → unexpected, not usable", async (_name, status, body) => {
    expect(await readHealth(server(status, {}, body).http)).toEqual({ status, state: "unexpected", usable: false });
  });

  test("a 429/501/503 without a JSON body is judged by its status", async () => {
    expect((await readHealth(server(429, {}, "").http)).state).toBe("standby");
    expect((await readHealth(server(503, {}, "<html>down</html>").http)).state).toBe("sealed");
    expect((await readHealth(server(501, {}, "").http)).state).toBe("uninitialized");
  });

  test("judgeHealth: the body's fields must be booleans", () => {
    expect(judgeHealth(200, { initialized: "true", sealed: false, standby: false })).toBe("unexpected");
    expect(judgeHealth(200, bodyOf("active"))).toBe("active");
    expect(judgeHealth(429, bodyOf("standby"))).toBe("standby");
  });

  test("a 307 is thrown as standby_redirect (not an answer), asked once", async () => {
    const s = server(307, { Location: "https://active.invalid:8200/v1/sys/health" });
    const e = await readHealth(s.http).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransitError);
    expect([(e as TransitError).kind, (e as TransitError).redirectOrigin]).toEqual(["standby_redirect", "https://active.invalid:8200"]);
    expect(s.seen.length).toBe(1);
  });
});
