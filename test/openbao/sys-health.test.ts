// readHealth: only 200 (active) and 429 (standby) are usable; 501, 503 and any other answer are
// not; the request never carries the namespace; a 307 is a standby redirect, never followed.
import { describe, expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { createOpenBaoHttp } from "../../src/openbao/http.ts";
import { readHealth } from "../../src/openbao/sys-reads.ts";

function server(status: number, headers: Record<string, string> = {}) {
  const seen: Array<{ path: string; namespace: string | null }> = [];
  const http = createOpenBaoHttp({
    address: "https://bao.invalid:8200", caPem: "", tlsServerName: "bao.invalid", namespace: "team-a", timeoutMs: 300,
    fetch: (async (input: string, init?: RequestInit) => {
      const req = new Request(input, init);
      seen.push({ path: new URL(req.url).pathname, namespace: req.headers.get("X-Vault-Namespace") });
      return status >= 300 && status < 400 ? new Response(null, { status, headers }) : Response.json({ initialized: true }, { status, headers });
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
  ] as const)("HTTP %d → %s (usable %p), asked without X-Vault-Namespace", async (status, state, usable) => {
    const s = server(status);
    expect(await readHealth(s.http)).toEqual({ status, state, usable });
    expect(s.seen).toEqual([{ path: "/v1/sys/health", namespace: null }]);
  });

  test("a 307 is thrown as standby_redirect (not an answer), asked once", async () => {
    const s = server(307, { Location: "https://active.invalid:8200/v1/sys/health" });
    const e = await readHealth(s.http).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransitError);
    expect([(e as TransitError).kind, (e as TransitError).redirectOrigin]).toEqual(["standby_redirect", "https://active.invalid:8200"]);
    expect(s.seen.length).toBe(1);
  });
});
