// /live and /ready against a status cache the test drives directly (injected clock): /ready
// follows the cache (200 ⇄ 503 with reasons, stale, error classes) and never needs OpenBao.

import { afterEach, describe, expect, test } from "bun:test";
import { liveness, readiness } from "../../src/observability/health.ts";
import { startObservabilityListeners, type ObservabilityListeners } from "../../src/observability/listeners.ts";
import { clockedStore, healthyStore, snapshot } from "./fixtures.ts";

describe("readiness(snapshot)", () => {
  test("healthy and fresh → 200 with every field", () => {
    const { store, advance } = healthyStore();
    advance(250);
    expect(readiness(store.snapshot())).toEqual({
      status: 200,
      body: { status: "ok", healthz: "ok", cache_age_ms: 250, stale: false, rotation_state: "active", reasons: [], persistence_degraded: false },
    });
  });

  test("nothing published yet → 503, every reason, cache_age_ms 0 (an integer, as in Go), rotation unknown", () => {
    const { store } = clockedStore();
    expect(readiness(store.snapshot())).toEqual({
      status: 503,
      body: { status: "unavailable", healthz: "unhealthy", cache_age_ms: 0, stale: true, rotation_state: "unknown", reasons: ["state_unavailable", "metadata_unverified", "deep_probe_pending", "status_stale"], persistence_degraded: false },
    });
  });

  test("a failing metadata probe → 503 with its reason and error class; recovery → 200", () => {
    const { store } = healthyStore();
    store.publishMetadata({ ok: false, reason: "metadata_read_failed", errorClass: "sealed" }, snapshot(3));
    expect(readiness(store.snapshot())).toEqual({
      status: 503,
      body: { status: "unavailable", healthz: "unhealthy", cache_age_ms: 0, stale: false, rotation_state: "active", reasons: ["metadata_read_failed"], metadata_error_class: "sealed", persistence_degraded: false },
    });
    store.publishMetadata({ ok: true }, snapshot(3));
    expect(readiness(store.snapshot()).status).toBe(200);
  });

  test("a failing deep probe → 503 with deep_error_class", () => {
    const { store } = healthyStore();
    store.publishDeep(snapshot(3).keyId, { ok: false, reason: "deep_probe_failed", errorClass: "timeout" });
    const r = readiness(store.snapshot());
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ reasons: ["deep_probe_failed"], deep_error_class: "timeout" });
    expect(r.body).not.toHaveProperty("metadata_error_class");
  });

  test("older than max_staleness → 503, stale, status_stale; a fresh metadata probe → 200", () => {
    const { store, advance } = healthyStore();
    advance(2_000);
    expect(readiness(store.snapshot()).status).toBe(200);
    advance(1);
    expect(readiness(store.snapshot())).toEqual({
      status: 503,
      body: { status: "unavailable", healthz: "unhealthy", cache_age_ms: 2_001, stale: true, rotation_state: "active", reasons: ["status_stale"], persistence_degraded: false },
    });
    store.publishMetadata({ ok: true }, snapshot(3));
    expect(readiness(store.snapshot()).body).toMatchObject({ status: "ok", cache_age_ms: 0, stale: false });
  });

  test("field order is the Go provider's; cache_age_ms is a whole number even for a fractional clock", () => {
    const { store, advance } = healthyStore();
    advance(12.75);
    const body = readiness(store.snapshot(), { state: "pending", persistenceDegraded: false }).body;
    expect(Object.keys(body)).toEqual(["status", "healthz", "cache_age_ms", "stale", "rotation_state", "reasons", "persistence_degraded"]);
    expect(body.cache_age_ms).toBe(12);
    expect(Number.isInteger(body.cache_age_ms)).toBe(true);
    expect(body.rotation_state).toBe("pending");
  });

  test("a failed state save → persistence_degraded true (from the rotation view, else from the reason)", () => {
    const { store } = healthyStore();
    store.publishMetadata({ ok: false, reason: "state_save_failed" }, snapshot(3));
    expect(readiness(store.snapshot()).body).toMatchObject({ persistence_degraded: true, reasons: ["state_save_failed"] });
    expect(readiness(store.snapshot(), { state: "pending", persistenceDegraded: true }).body).toMatchObject({ persistence_degraded: true, rotation_state: "pending" });
  });

  test("an open circuit breaker is a reason", () => {
    const { store } = healthyStore();
    store.publishMetadata({ ok: false, reason: "circuit_breaker_open" }, snapshot(3));
    expect(readiness(store.snapshot()).body.reasons).toEqual(["circuit_breaker_open"]);
  });

  test("liveness", () => {
    expect(liveness(true)).toEqual({ status: 200, body: { status: "ok" } });
    expect(liveness(false)).toEqual({ status: 503, body: { status: "unavailable" } });
  });
});

describe("the health listener flips with the cache", () => {
  let listeners: ObservabilityListeners | undefined;
  afterEach(() => listeners?.stop());

  test("/ready 200 → 503 (failing probe) → 503 (stale) → 200, /live stays 200 until draining", async () => {
    const { store, advance } = healthyStore();
    let rotation: "active" | "pending" = "active";
    listeners = startObservabilityListeners({ metricsAddress: "", healthAddress: "127.0.0.1:0", renderMetrics: () => "", health: () => store.snapshot(), rotation: () => ({ state: rotation, persistenceDegraded: false }) });
    expect(listeners.metricsAddress).toBeUndefined();
    const base = `http://${listeners.healthAddress}`;
    const ready = async () => {
      const r = await fetch(`${base}/ready`);
      expect(r.headers.get("content-type")).toBe("application/json");
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    expect(await ready()).toMatchObject({ status: 200, body: { status: "ok", healthz: "ok", stale: false, rotation_state: "active", reasons: [], persistence_degraded: false } });
    rotation = "pending";
    expect(await ready()).toMatchObject({ status: 200, body: { rotation_state: "pending" } });

    store.publishMetadata({ ok: false, reason: "upsert_check_failed", errorClass: "unavailable" }, snapshot(3));
    expect(await ready()).toMatchObject({ status: 503, body: { healthz: "unhealthy", reasons: ["upsert_check_failed"], metadata_error_class: "unavailable" } });

    store.publishMetadata({ ok: true }, snapshot(3));
    advance(5_000);
    expect(await ready()).toMatchObject({ status: 503, body: { stale: true, reasons: ["status_stale"], cache_age_ms: 5_000 } });

    store.publishMetadata({ ok: true }, snapshot(3));
    expect(await ready()).toMatchObject({ status: 200, body: { status: "ok" } });

    expect((await fetch(`${base}/live`)).status).toBe(200);
    listeners.draining();
    const live = await fetch(`${base}/live`);
    expect(live.status).toBe(503);
    expect(await live.json()).toEqual({ status: "unavailable" });
  });
});
