// The openbao_kms_* set: which observation feeds which series, the OpenBao operation label
// table, token TTL on an injected clock, and the gauges read from live state at scrape time.

import { describe, expect, test } from "bun:test";
import { KmsError, TransitError } from "../../src/kms/errors.ts";
import { hashValue } from "../../src/kms/hash.ts";
import { ConcurrencyLimiter } from "../../src/kms/limiter.ts";
import { knownOperations, operationLabel } from "../../src/observability/openbao-operations.ts";
import { ProviderMetrics } from "../../src/observability/provider-metrics.ts";
import { clockedStore, healthyStore, samples, snapshot } from "./fixtures.ts";
import { metricSetDifferences } from "./metric-set.ts";
import { promtoolCheck } from "./promtool.ts";

const build = { version: "1.2.3", commit: "abc", buildDate: "2026-01-01T00:00:00Z" };

function setup() {
  let now = 1_000_000;
  const metrics = new ProviderMetrics({ build, authMethod: "jwt", nowMs: () => now });
  return { metrics, scrape: () => samples(metrics.render()), advance: (ms: number) => void (now += ms) };
}

describe("KMS calls", () => {
  test("every call counts by method and result, with its duration", () => {
    const { metrics, scrape } = setup();
    metrics.observeKmsCall({ method: "Decrypt", code: 0, errorClass: "none", durationMs: 3 });
    metrics.observeKmsCall({ method: "Decrypt", code: 0, errorClass: "none", durationMs: 1500 });
    metrics.observeKmsCall({ method: "Encrypt", code: 9, errorClass: "status_stale", durationMs: 0.2 });
    const s = scrape();
    expect(s.get('openbao_kms_grpc_requests_total{method="decrypt",status="ok"}')).toBe(2);
    expect(s.get('openbao_kms_grpc_requests_total{method="encrypt",status="status_stale"}')).toBe(1);
    expect(s.get('openbao_kms_grpc_duration_seconds_bucket{method="decrypt",le="0.004"}')).toBe(1);
    expect(s.get('openbao_kms_grpc_duration_seconds_bucket{method="decrypt",le="2.048"}')).toBe(2);
    expect(s.get('openbao_kms_grpc_duration_seconds_sum{method="decrypt"}')).toBeCloseTo(1.503, 9);
  });

  test("rejections, AAD errors, key_id errors and unclassified throws each have their own counter", () => {
    const { metrics, scrape } = setup();
    const s0 = scrape();
    expect(s0.get('openbao_kms_grpc_concurrency_rejections_total{method="decrypt"}')).toBe(0);
    expect(s0.get('openbao_kms_panic_recoveries_total{method="status"}')).toBe(0);
    expect(s0.get("openbao_kms_socket_restarts_total")).toBe(0);

    metrics.observeKmsCall({ method: "Decrypt", code: 8, errorClass: "concurrency_limit", durationMs: 0.01 });
    metrics.observeKmsCall({ method: "Decrypt", code: 3, errorClass: "aad_mismatch", durationMs: 1 });
    metrics.observeKmsCall({ method: "Decrypt", code: 3, errorClass: "annotation_invalid", durationMs: 1 });
    metrics.observeKmsCall({ method: "Encrypt", code: 9, errorClass: "aad_missing", durationMs: 1 });
    metrics.observeKmsCall({ method: "Decrypt", code: 5, errorClass: "key_id_unknown", durationMs: 1 });
    metrics.observeKmsCall({ method: "Decrypt", code: 3, errorClass: "key_id_malformed", durationMs: 1 });
    metrics.observeKmsCall({ method: "Decrypt", code: 14, errorClass: "key_metadata_refresh_failed", durationMs: 1 });
    metrics.observeKmsCall({ method: "Encrypt", code: 13, errorClass: "unknown", durationMs: 1, cause: new TypeError("boom") });
    // INTERNAL from a classified cause is not a recovery from a bug.
    metrics.observeKmsCall({ method: "Encrypt", code: 13, errorClass: "unknown", durationMs: 1, cause: new KmsError("transit_invalid_response") });
    metrics.observeKmsCall({ method: "Encrypt", code: 13, errorClass: "protocol_limit", durationMs: 1, cause: new KmsError("response_limit") });
    metrics.staleSocketRemoved();

    const s = scrape();
    expect(s.get('openbao_kms_grpc_concurrency_rejections_total{method="decrypt"}')).toBe(1);
    expect(s.get('openbao_kms_aad_validation_errors_total{reason="aad_mismatch"}')).toBe(1);
    expect(s.get('openbao_kms_aad_validation_errors_total{reason="annotation_invalid"}')).toBe(1);
    expect(s.get('openbao_kms_aad_validation_errors_total{reason="aad_missing"}')).toBe(1);
    expect(s.get('openbao_kms_decrypt_key_id_errors_total{reason="key_id_unknown"}')).toBe(1);
    expect(s.get('openbao_kms_decrypt_key_id_errors_total{reason="key_id_malformed"}')).toBe(1);
    expect(s.get('openbao_kms_decrypt_key_id_errors_total{reason="key_metadata_refresh_failed"}')).toBe(1);
    expect(s.get('openbao_kms_panic_recoveries_total{method="encrypt"}')).toBe(1);
    expect(s.get("openbao_kms_socket_restarts_total")).toBe(1);
  });
});

describe("OpenBao requests", () => {
  test("the operation table maps every HTTP-helper operation to the reference's label", () => {
    expect(Object.fromEntries(knownOperations.map((o) => [o, operationLabel(o)]))).toEqual({
      "auth.login": "jwt_login",
      "auth.approle_login": "approle_login",
      "auth.renew_self": "token_renew_self",
      "transit.read_key": "transit_metadata_read",
      "transit.read_config_keys": "transit_disable_upsert_read",
      "transit.encrypt": "transit_encrypt",
      "transit.decrypt": "transit_decrypt",
    });
    expect(operationLabel("token.renew_self")).toBe("token_renew_self");
  });

  test("requests count by operation label and result; durations in seconds", () => {
    const { metrics, scrape } = setup();
    metrics.observeOpenBao({ operation: "transit.decrypt", outcome: "ok", httpStatus: 200, durationMs: 2 });
    metrics.observeOpenBao({ operation: "transit.decrypt", outcome: "sealed", httpStatus: 503, durationMs: 1 });
    metrics.observeOpenBao({ operation: "transit.read_config_keys", outcome: "timeout", httpStatus: undefined, durationMs: 2000 });
    const s = scrape();
    expect(s.get('openbao_kms_openbao_requests_total{operation="transit_decrypt",status="ok"}')).toBe(1);
    expect(s.get('openbao_kms_openbao_requests_total{operation="transit_decrypt",status="sealed"}')).toBe(1);
    expect(s.get('openbao_kms_openbao_requests_total{operation="transit_disable_upsert_read",status="timeout"}')).toBe(1);
    expect(s.get('openbao_kms_openbao_duration_seconds_count{operation="transit_decrypt"}')).toBe(2);
    expect(s.get('openbao_kms_openbao_duration_seconds_bucket{operation="transit_disable_upsert_read",le="2.048"}')).toBe(1);
  });

  test("logins and renewals by status class, and the token TTL counts down from the lease", () => {
    const { metrics, scrape, advance } = setup();
    expect(scrape().has("openbao_kms_token_ttl_seconds")).toBe(false);
    expect(metrics.tokenTtlSeconds()).toBeUndefined();
    metrics.observeAuth({ kind: "login", outcome: "ok", durationMs: 5, leaseSeconds: 600, reason: "initial" });
    advance(100_000);
    expect(scrape().get("openbao_kms_token_ttl_seconds")).toBe(500);
    for (const outcome of ["login_denied", "login_rejected", "unavailable", "jwt_expired", "jwt_not_yet_valid", "oauth2_rejected", "oauth2_credential_unavailable"]) {
      metrics.observeAuth({ kind: "login", outcome, durationMs: 5, reason: "refresh" });
    }
    metrics.observeAuth({ kind: "renewal", outcome: "ok", durationMs: 1, leaseSeconds: 60, reason: "refresh" });
    metrics.observeAuth({ kind: "renewal", outcome: "renewal_failed", durationMs: 1, reason: "refresh" });
    metrics.observeAuth({ kind: "renewal", outcome: "superseded", durationMs: 1, reason: "refresh" });
    advance(60_000);
    const s = scrape();
    expect(s.get("openbao_kms_token_ttl_seconds")).toBe(0);
    expect(s.get('openbao_kms_auth_login_total{status="ok"}')).toBe(1);
    expect(s.get('openbao_kms_auth_login_total{status="auth_failed"}')).toBe(2);
    expect(s.get('openbao_kms_auth_login_total{status="error"}')).toBe(1);
    expect(s.get('openbao_kms_auth_login_total{status="jwt_expired"}')).toBe(1);
    expect(s.get('openbao_kms_auth_login_total{status="jwt_invalid"}')).toBe(1);
    expect(s.get('openbao_kms_auth_login_total{status="oauth2_rejected"}')).toBe(1);
    expect(s.get('openbao_kms_auth_login_total{status="oauth2_credential"}')).toBe(1);
    expect(s.get('openbao_kms_auth_renewal_total{status="ok"}')).toBe(1);
    expect(s.get('openbao_kms_auth_renewal_total{status="auth_failed"}')).toBe(1);
    expect(s.get('openbao_kms_auth_method_info{method="jwt"}')).toBe(1);
  });
});

describe("live state at scrape time", () => {
  test("in-flight per method, active key hash and version, cache age, breaker state", () => {
    const { metrics, scrape } = setup();
    const { store, advance } = healthyStore(3);
    const limiters = { Status: new ConcurrencyLimiter(2), Encrypt: new ConcurrencyLimiter(2), Decrypt: new ConcurrencyLimiter(2) };
    expect(scrape().has('openbao_kms_grpc_in_flight{method="decrypt"}')).toBe(false);
    metrics.watch({ limiters, health: () => store.snapshot() });
    const release = limiters.Decrypt.tryAcquire();
    limiters.Decrypt.tryAcquire();
    advance(1_500);
    let s = scrape();
    expect(s.get('openbao_kms_grpc_in_flight{method="decrypt"}')).toBe(2);
    expect(s.get('openbao_kms_grpc_in_flight{method="status"}')).toBe(0);
    expect(s.get(`openbao_kms_status_key_id_hash{hash="${hashValue(snapshot(3).keyId)}"}`)).toBe(1);
    expect(s.get("openbao_kms_key_version")).toBe(3);
    expect(s.get("openbao_kms_status_cache_age_seconds")).toBe(1.5);
    expect(s.get("openbao_kms_circuit_breaker_state")).toBe(0);
    release?.();
    store.publishMetadata({ ok: false, reason: "circuit_breaker_open" }, snapshot(3));
    s = scrape();
    expect(s.get('openbao_kms_grpc_in_flight{method="decrypt"}')).toBe(1);
    expect(s.get("openbao_kms_circuit_breaker_state")).toBe(1);
  });

  test("metadata observations count by result; build info and process metrics are present", () => {
    const { metrics, scrape } = setup();
    metrics.metadataObserved({ ok: true });
    metrics.metadataObserved({ ok: true });
    metrics.metadataObserved({ ok: false, reason: "upsert_allowed" });
    const s = scrape();
    expect(s.get('openbao_kms_transit_metadata_observation_total{status="ok"}')).toBe(2);
    expect(s.get('openbao_kms_transit_metadata_observation_total{status="upsert_allowed"}')).toBe(1);
    expect(s.get('openbao_kms_build_info{version="1.2.3",commit="abc",build_date="2026-01-01T00:00:00Z",dirty="unknown"}')).toBe(1);
    expect(s.get("process_start_time_seconds")).toBeCloseTo(performance.timeOrigin / 1000, 3);
    expect(s.get("process_resident_memory_bytes")!).toBeGreaterThan(1024 * 1024);
    expect(s.get("process_cpu_seconds_total")!).toBeGreaterThan(0);
    expect(s.get("process_open_fds")!).toBeGreaterThan(2);
  });

  test("a full registry passes promtool", async () => {
    const { metrics } = setup();
    const { store } = healthyStore(3);
    metrics.watch({ limiters: { Status: new ConcurrencyLimiter(1), Encrypt: new ConcurrencyLimiter(1), Decrypt: new ConcurrencyLimiter(1) }, health: () => store.snapshot() });
    metrics.observeKmsCall({ method: "Status", code: 0, errorClass: "none", durationMs: 0.1 });
    metrics.observeOpenBao({ operation: "auth.login", outcome: "ok", httpStatus: 200, durationMs: 5, body: { auth: { lease_duration: 0 } } });
    metrics.observeKmsCall({ method: "Decrypt", code: 13, errorClass: "unknown", durationMs: 1, cause: new TransitError("unknown", "x") });
    expect(await promtoolCheck(metrics.render())).toEqual({ code: 0, output: "" });
  });
});

describe("the reference's metric set (§6.2)", () => {
  const limiters = () => ({ Status: new ConcurrencyLimiter(1), Encrypt: new ConcurrencyLimiter(1), Decrypt: new ConcurrencyLimiter(1) });

  test("once watching, every family is exported with exactly the reference's name, type and labels", () => {
    const { metrics } = setup();
    const { store } = healthyStore(3);
    metrics.watch({ limiters: limiters(), health: () => store.snapshot(), archivedVersions: () => 0 });
    metrics.observeKmsCall({ method: "Decrypt", code: 3, errorClass: "aad_mismatch", durationMs: 1 });
    metrics.observeKmsCall({ method: "Decrypt", code: 5, errorClass: "key_id_unknown", durationMs: 1 });
    metrics.observeOpenBao({ operation: "auth.login", outcome: "ok", httpStatus: 200, durationMs: 5 });
    metrics.observeAuth({ kind: "login", outcome: "ok", durationMs: 5, leaseSeconds: 60, reason: "initial" });
    metrics.metadataObserved({ ok: true });
    expect(metricSetDifferences(metrics.render())).toEqual([]);
  });

  test("the check itself fails on a missing family, a wrong label or an extra family", () => {
    const { metrics } = setup();
    expect(metricSetDifferences(metrics.render())).toContain("openbao_kms_grpc_requests_total: no samples");
    expect(metricSetDifferences("# TYPE openbao_kms_key_version gauge\nopenbao_kms_key_version{x=\"1\"} 1\n")).toContain("openbao_kms_key_version: labels [x], want []");
    expect(metricSetDifferences("# TYPE openbao_kms_bogus counter\nopenbao_kms_bogus 1\n")).toContain("openbao_kms_bogus: not in the reference set");
  });

  test("rotation state: one series per state, exactly one set to 1; persistence degraded from the source", () => {
    const { metrics, scrape } = setup();
    const { store } = clockedStore();
    metrics.watch({ limiters: limiters(), health: () => store.snapshot() });
    let s = scrape();
    expect([s.get('openbao_kms_rotation_state{state="active"}'), s.get('openbao_kms_rotation_state{state="pending"}'), s.get('openbao_kms_rotation_state{state="unknown"}')]).toEqual([0, 0, 1]);
    store.publishMetadata({ ok: true }, snapshot(2));
    s = scrape();
    expect([s.get('openbao_kms_rotation_state{state="active"}'), s.get('openbao_kms_rotation_state{state="unknown"}')]).toEqual([1, 0]);
    expect(s.get("openbao_kms_rotation_persistence_degraded")).toBe(0);
    let rotation = { state: "pending" as const, persistenceDegraded: true };
    metrics.watch({ limiters: limiters(), health: () => store.snapshot(), rotation: () => rotation });
    s = scrape();
    expect([s.get('openbao_kms_rotation_state{state="active"}'), s.get('openbao_kms_rotation_state{state="pending"}')]).toEqual([0, 1]);
    expect(s.get("openbao_kms_rotation_persistence_degraded")).toBe(1);
    rotation = { ...rotation, persistenceDegraded: false };
    expect(scrape().get("openbao_kms_rotation_persistence_degraded")).toBe(0);
  });

  test("openbao_kms_key_versions_archived: read at scrape time, absent until a source is given", () => {
    const { metrics, scrape } = setup();
    const { store } = healthyStore(3);
    metrics.watch({ limiters: limiters(), health: () => store.snapshot() });
    expect(scrape().has("openbao_kms_key_versions_archived")).toBe(false);
    let archived = 2;
    metrics.watch({ limiters: limiters(), health: () => store.snapshot(), archivedVersions: () => archived });
    expect(scrape().get("openbao_kms_key_versions_archived")).toBe(2);
    archived = 0;
    expect(scrape().get("openbao_kms_key_versions_archived")).toBe(0);
  });

  test("openbao_kms_key_promotion_deferred: 1 while the last metadata probe deferred a promotion, 0 once it did not", () => {
    const { metrics, scrape } = setup();
    const { store } = healthyStore(3);
    metrics.watch({ limiters: limiters(), health: () => store.snapshot() });
    expect(scrape().get("openbao_kms_key_promotion_deferred")).toBe(0);
    store.notePromotionDeferred("circuit_breaker_open");
    expect(scrape().get("openbao_kms_key_promotion_deferred")).toBe(1);
    store.notePromotionDeferred(undefined);
    expect(scrape().get("openbao_kms_key_promotion_deferred")).toBe(0);
  });

  test("auth: method and certificate source from closed sets; certificate TTL 0 without cert auth; renewals count", () => {
    const { metrics, scrape } = setup();
    let s = scrape();
    expect(s.get('openbao_kms_certificate_source_info{source="none"}')).toBe(1);
    expect(s.get("openbao_kms_certificate_ttl_seconds")).toBe(0);
    expect(s.get('openbao_kms_auth_renewal_total{status="ok"}')).toBe(0);
    metrics.authRenewal("ok");
    metrics.authRenewal("Permission Denied");
    s = scrape();
    expect(s.get('openbao_kms_auth_renewal_total{status="ok"}')).toBe(1);
    expect(s.get('openbao_kms_auth_renewal_total{status="permission_denied"}')).toBe(1);

    const cert = new ProviderMetrics({ build, authMethod: "cert", certificateSource: "pkcs11" });
    const c = samples(cert.render());
    expect(c.get('openbao_kms_auth_method_info{method="cert"}')).toBe(1);
    expect(c.get('openbao_kms_certificate_source_info{source="pkcs11"}')).toBe(1);
    expect(c.has("openbao_kms_certificate_ttl_seconds")).toBe(false);
    cert.watch({ limiters: limiters(), health: () => clockedStore().store.snapshot(), certificateTtlSeconds: () => 3600 });
    expect(samples(cert.render()).get("openbao_kms_certificate_ttl_seconds")).toBe(3600);

    expect(samples(new ProviderMetrics({ build, authMethod: "approle" }).render()).get('openbao_kms_auth_method_info{method="approle"}')).toBe(1);
    const odd = samples(new ProviderMetrics({ build, authMethod: "kubernetes", certificateSource: "/etc/x.pem" }).render());
    expect(odd.get('openbao_kms_auth_method_info{method="unknown"}')).toBe(1);
    expect(odd.get('openbao_kms_certificate_source_info{source="unknown"}')).toBe(1);
  });
});
