// The structured logger: allow-listed fields only, duration_ms rounded to µs, levels, and the
// text format, so nothing outside the list (a token, a path, a body) can reach a log line.

import { expect, test } from "bun:test";
import { allowedLogFields, createLogger } from "../../src/platform/log.ts";

function capture(level: "debug" | "info" | "warn" | "error" = "debug", format: "json" | "text" = "json") {
  const lines: string[] = [];
  return { lines, log: createLogger({ level, format, write: (l) => lines.push(l), nowMs: () => Date.UTC(2026, 0, 2, 3, 4, 5, 6) }) };
}

test("ts, level, message and allow-listed fields only; unknown fields are dropped", () => {
  const { lines, log } = capture();
  log.warn("kms.request", { method: "Decrypt", token: "hvs.secret", plaintext: "x", jwt: "eyJ", error_class: "timeout" } as Record<string, string>);
  expect(JSON.parse(lines[0]!)).toEqual({ ts: "2026-01-02T03:04:05.006Z", level: "warn", message: "kms.request", method: "Decrypt", error_class: "timeout" });
});

test("duration_ms is a float with µs precision; non-finite numbers and undefined are dropped", () => {
  const { lines, log } = capture();
  log.info("x", { duration_ms: 1.23456789, startup_ms: Number.NaN, in_flight: Number.POSITIVE_INFINITY, reason: undefined });
  expect(JSON.parse(lines[0]!)).toEqual({ ts: expect.any(String), level: "info", message: "x", duration_ms: 1.235 });
});

test("the fields the status controller and the listeners need are allowed", () => {
  for (const f of ["probe_kind", "healthz", "transit_key_version", "previous_key_id_hash", "key_id_hash", "uid_hash", "metrics_address", "health_address", "token_ttl_seconds"]) {
    expect(allowedLogFields.has(f)).toBe(true);
  }
  for (const f of ["token", "jwt", "plaintext", "ciphertext", "key_id", "uid", "path", "body", "error"]) expect(allowedLogFields.has(f)).toBe(false);
});

test("levels below the threshold are not written; enabled() agrees", () => {
  const { lines, log } = capture("warn");
  log.debug("a");
  log.info("b");
  log.warn("c");
  log.error("d");
  expect(lines.map((l) => JSON.parse(l).message)).toEqual(["c", "d"]);
  expect([log.enabled("info"), log.enabled("warn")]).toEqual([false, true]);
});

test("text format: time, padded level, message, key=value (quoted when needed)", () => {
  const { lines, log } = capture("debug", "text");
  log.info("serve.ready", { socket_path: "/run/openbao-kms/kms.sock", reason: "two words", duration_ms: 0.5 });
  expect(lines[0]).toBe('2026-01-02T03:04:05.006Z INFO  serve.ready socket_path=/run/openbao-kms/kms.sock reason="two words" duration_ms=0.5');
});
