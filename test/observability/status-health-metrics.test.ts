// openbao_kms_status_healthy and openbao_kms_status_unhealthy_reasons (added for the monitoring
// mixin): they follow the status cache exactly as /ready does.

import { expect, test } from "bun:test";
import { ConcurrencyLimiter } from "../../src/kms/limiter.ts";
import { ProviderMetrics } from "../../src/observability/provider-metrics.ts";
import { clockedStore, healthyStore, samples, snapshot } from "./fixtures.ts";
import { promtoolCheck } from "./promtool.ts";

const build = { version: "1.2.3", commit: "abc", buildDate: "2026-01-01T00:00:00Z" };
const limiters = () => ({ Status: new ConcurrencyLimiter(1) });

test("healthy: 1, and every known reason exported at 0", async () => {
  const metrics = new ProviderMetrics({ build, authMethod: "jwt" });
  const { store } = healthyStore(3);
  metrics.watch({ limiters: limiters(), health: () => store.snapshot() });
  const s = samples(metrics.render());
  expect(s.get("openbao_kms_status_healthy")).toBe(1);
  const reasons = [...s].filter(([k]) => k.startsWith("openbao_kms_status_unhealthy_reasons{"));
  expect(reasons.length).toBe(16);
  expect(reasons.every(([, v]) => v === 0)).toBe(true);
  expect(s.get('openbao_kms_status_unhealthy_reasons{reason="status_stale"}')).toBe(0);
  expect(await promtoolCheck(metrics.render())).toEqual({ code: 0, output: "" });
});

test("unhealthy: 0, and exactly the store's reasons set to 1; stale after max_staleness", () => {
  const metrics = new ProviderMetrics({ build, authMethod: "jwt" });
  const { store, advance } = clockedStore(2_000);
  store.publishMetadata({ ok: false, reason: "metadata_read_failed" }, snapshot(2));
  metrics.watch({ limiters: limiters(), health: () => store.snapshot() });
  let s = samples(metrics.render());
  expect(s.get("openbao_kms_status_healthy")).toBe(0);
  const on = () => [...samples(metrics.render())].filter(([k, v]) => k.startsWith("openbao_kms_status_unhealthy_reasons{") && v === 1).map(([k]) => k).sort();
  expect(on()).toEqual(store.snapshot().reasons.map((r) => `openbao_kms_status_unhealthy_reasons{reason="${r}"}`).sort());
  expect(on()).toContain('openbao_kms_status_unhealthy_reasons{reason="metadata_read_failed"}');
  advance(2_001);
  expect(on()).toContain('openbao_kms_status_unhealthy_reasons{reason="status_stale"}');
  store.publishMetadata({ ok: true }, snapshot(2));
  store.publishDeep(snapshot(2).keyId, { ok: true });
  s = samples(metrics.render());
  expect(s.get("openbao_kms_status_healthy")).toBe(1);
  expect(on()).toEqual([]);
});

test("before watching: neither family has samples", () => {
  const metrics = new ProviderMetrics({ build, authMethod: "jwt" });
  const s = samples(metrics.render());
  expect([...s.keys()].some((k) => k.startsWith("openbao_kms_status_healthy") || k.startsWith("openbao_kms_status_unhealthy_reasons"))).toBe(false);
});
