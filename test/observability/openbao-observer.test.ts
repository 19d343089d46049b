// The OpenBao HTTP observer hook (src/openbao/http.ts) and what is made of it: one observation
// per request with the right outcome, observers that cannot break a request, and the
// `openbao.request` / `auth.login` log events with allow-listed fields only.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { AuthError } from "../../src/openbao/auth/errors.ts";
import { authObserver, openBaoObserver } from "../../src/observability/openbao-observer.ts";
import { ProviderMetrics } from "../../src/observability/provider-metrics.ts";
import { createOpenBaoHttp, type OpenBaoRequestObservation } from "../../src/openbao/http.ts";
import { createLogger } from "../../src/platform/log.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

function observed(timeoutMs = 1000) {
  const seen: OpenBaoRequestObservation[] = [];
  const http = createOpenBaoHttp({ address: emu.url, caPem: emu.caPem, tlsServerName: emu.serverName, namespace: "", timeoutMs, observe: (o) => seen.push(o) });
  return { http, seen };
}

describe("the observe hook", () => {
  test("success: outcome ok, HTTP status, duration and the parsed body", async () => {
    const { http, seen } = observed();
    await http.request("GET", "auth/token/lookup-self", "token.lookup_self", { token: emu.rootToken });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ operation: "token.lookup_self", outcome: "ok", httpStatus: 200 });
    expect(seen[0]!.durationMs).toBeGreaterThan(0);
    expect((seen[0]!.body as { data: unknown }).data).toBeDefined();
  });

  test("a classified failure: outcome is the TransitError class, with the HTTP status; no body", async () => {
    const { http, seen } = observed();
    emu.seal();
    try {
      await expect(http.request("GET", "transit/keys/kubernetes", "transit.read_key", { token: emu.rootToken })).rejects.toBeInstanceOf(TransitError);
    } finally {
      emu.unseal();
    }
    expect(seen).toEqual([{ operation: "transit.read_key", outcome: "sealed", httpStatus: 503, durationMs: expect.any(Number) }]);
  });

  test("the caller's deadline → timeout; the caller's cancel → canceled", async () => {
    const { http, seen } = observed(5000);
    emu.hang(true, "/v1/transit/decrypt");
    try {
      await expect(http.request("POST", "transit/decrypt/kubernetes", "transit.decrypt", { token: emu.rootToken, json: {}, signal: AbortSignal.timeout(50) })).rejects.toThrow();
      const ac = new AbortController();
      const p = http.request("POST", "transit/decrypt/kubernetes", "transit.decrypt", { token: emu.rootToken, json: {}, signal: ac.signal });
      setTimeout(() => ac.abort(new DOMException("client canceled", "AbortError")), 30);
      await expect(p).rejects.toThrow();
    } finally {
      emu.hang(false, "/v1/transit/decrypt");
    }
    expect(seen.map((o) => o.outcome)).toEqual(["timeout", "canceled"]);
  });

  test("a throwing observer changes nothing", async () => {
    const http = createOpenBaoHttp({
      address: emu.url, caPem: emu.caPem, tlsServerName: emu.serverName, namespace: "", timeoutMs: 1000,
      observe: () => {
        throw new Error("observer bug");
      },
    });
    expect((await http.request("GET", "auth/token/lookup-self", "op", { token: emu.rootToken })).status).toBe(200);
  });
});

describe("openbao.request, auth.login and auth.renewal events", () => {
  function logged(level: "debug" | "info") {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ level, format: "json", write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
    const metrics = new ProviderMetrics({ build: { version: "v", commit: "c", buildDate: "d" }, authMethod: "jwt" });
    return { lines, observe: openBaoObserver(metrics, log), metrics };
  }

  test("success logs at debug (only when enabled), failure at warn, with the operation label and no path", () => {
    const { lines, observe } = logged("info");
    observe({ operation: "transit.decrypt", outcome: "ok", httpStatus: 200, durationMs: 1.23456789 });
    expect(lines).toEqual([]);
    observe({ operation: "transit.decrypt", outcome: "permission_denied", httpStatus: 403, durationMs: 2.0000004 });
    expect(lines).toEqual([
      { ts: expect.any(String), level: "warn", message: "openbao.request", operation: "transit_decrypt", status: "permission_denied", http_status: 403, duration_ms: 2, error_class: "permission_denied" },
    ]);
    const debug = logged("debug");
    debug.observe({ operation: "transit.decrypt", outcome: "ok", httpStatus: 200, durationMs: 1.23456789 });
    expect(debug.lines).toEqual([{ ts: expect.any(String), level: "debug", message: "openbao.request", operation: "transit_decrypt", status: "ok", http_status: 200, duration_ms: 1.235 }]);
  });

  test("a login logs auth.login (info with the token TTL; warn on failure) and never the token or the error text", () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ level: "info", format: "json", write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
    const metrics = new ProviderMetrics({ build: { version: "v", commit: "c", buildDate: "d" }, authMethod: "jwt" });
    const observe = authObserver(metrics, log);
    const token = "hvs.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    observe({ kind: "login", outcome: "ok", durationMs: 4, leaseSeconds: 3600, reason: "initial" });
    observe({ kind: "login", outcome: "login_rejected", durationMs: 4, reason: "recovery", error: new AuthError("login_rejected", `secret ${token} /var/lib/x`, { status: 400 }) });
    observe({ kind: "renewal", outcome: "renewal_failed", durationMs: 2, reason: "refresh", error: new TransitError("invalid_request", "auth.renew_self", 400) });
    expect(lines.map((l) => [l.level, l.message, l.status, l.error_class, l.http_status, l.reason])).toEqual([
      ["info", "auth.login", "ok", undefined, undefined, "initial"],
      ["warn", "auth.login", "failed", "login_rejected", 400, "recovery"],
      ["warn", "auth.renewal", "failed", "renewal_failed", 400, "refresh"],
    ]);
    expect(lines[0]!.token_ttl_seconds).toBe(3600);
    expect(JSON.stringify(lines)).not.toContain("hvs.");
    expect(JSON.stringify(lines)).not.toContain("/var/lib");
  });
});
