// The provider's openbao_kms_* metrics (reference deploy-ops §6.2): same names, labels and
// buckets. Fed by the KMS handlers' observations, the OpenBao HTTP observer and the status
// cache; gauges that mirror live state (in-flight, cache age, key) are read at scrape time.

import { KmsError, TransitError } from "../kms/errors.ts";
import { hashValue } from "../kms/hash.ts";
import type { OpenBaoRequestObservation } from "../openbao/http.ts";
import type { AuthEvent } from "../openbao/auth/token-source.ts";
import type { HealthSnapshot, ProbeOutcome, ReadinessReason } from "../status/store.ts";
import { operationLabel } from "./openbao-operations.ts";
import { registerProcessMetrics } from "./process-metrics.ts";
import { Registry, type CollectedSeries } from "./registry.ts";

/** What the metrics need from one finished KMS call (the handlers' RequestObservation fits). */
export interface KmsCallMetric {
  readonly method: string;
  /** gRPC status code; 0 = OK. */
  readonly code: number;
  readonly errorClass: string;
  readonly durationMs: number;
  readonly cause?: unknown;
}

export type RotationState = "active" | "pending" | "unknown";

/** Live state read at scrape time. */
export interface MetricSources {
  readonly limiters: Readonly<Record<string, { readonly inFlight: number }>>;
  readonly health: () => HealthSnapshot;
  /**
   * Rotation state and whether saving it is failing (the key registry's; optional). Without it the
   * state is "active" while the cache holds an active key, else "unknown", and never degraded.
   */
  readonly rotation?: () => { readonly state: RotationState; readonly persistenceDegraded: boolean };
  /**
   * How many retained, non-active key versions Transit archives below min_decryption_version
   * (optional; without it the gauge is not exported).
   */
  readonly archivedVersions?: () => number;
  /** Seconds left on the client certificate (cert auth only); 0 is exported without cert auth. */
  readonly certificateTtlSeconds?: () => number | undefined;
}

export interface ProviderMetricsOptions {
  readonly build: { readonly version: string; readonly commit: string; readonly buildDate: string };
  /** auth.method from the config. */
  readonly authMethod: string;
  /** Where the client certificate comes from (cert auth): pkcs11 or spiffe; "none" without cert auth. */
  readonly certificateSource?: string;
  readonly nowMs?: () => number;
}

const grpcInternal = 13;
const aadClasses = new Set(["aad_mismatch", "aad_missing", "annotation_invalid"]);
const keyIdClasses = new Set(["key_id_unknown", "key_id_malformed", "key_metadata_refresh_failed"]);
/** auth_login_total / auth_renewal_total `status` for an auth event outcome (reference §6.2 label set). */
export function authStatusLabel(outcome: string): string {
  switch (outcome) {
    case "ok":
    case "jwt_expired":
    case "jwt_near_expiry":
      return outcome;
    case "jwt_malformed":
    case "jwt_not_yet_valid":
    case "jwt_issued_in_future":
    case "jwt_claim_mismatch":
      return "jwt_invalid";
    case "login_rejected":
    case "login_denied":
    case "login_not_found":
    case "secret_id_rejected":
    case "lease_too_short":
    case "login_response_invalid":
    case "renewal_failed":
    case "unauthenticated":
    case "permission_denied":
    case "invalid_request":
      return "auth_failed";
    case "oauth2_config_invalid":
    case "oauth2_credential_unavailable":
      return "oauth2_credential";
    case "oauth2_request_failed":
      return "oauth2_request";
    case "oauth2_rejected":
      return "oauth2_rejected";
    case "oauth2_response_invalid":
      return "oauth2_response";
    default:
      return "error";
  }
}
const kmsMethods = ["status", "encrypt", "decrypt"] as const;
/** Reasons exported at 0 while absent, so alerts and dashboards can name them (a reason not listed still appears while it applies). */
const knownReadinessReasons: readonly ReadinessReason[] = [
  "state_unavailable", "status_stale", "metadata_unverified", "metadata_read_failed", "upsert_check_failed", "upsert_allowed", "profile_invalid",
  "version_rollback", "creation_time_drift", "version_unavailable", "state_save_failed", "encryption_blocked", "deep_probe_pending",
  "deep_probe_failed", "circuit_breaker_open", "probe_failed",
];
const rotationStates: readonly RotationState[] = ["active", "pending", "unknown"];
/** The reference's closed label sets: anything else is exported as "unknown". */
const authMethods = new Set(["jwt", "approle", "cert"]); // approle: our addition (issue 4), not in the Go set
const certificateSources = new Set(["pkcs11", "spiffe", "none"]);

export class ProviderMetrics {
  readonly registry = new Registry();
  private sources: MetricSources | undefined;
  private token: { issuedAtMs: number; leaseSeconds: number } | undefined;
  private readonly nowMs: () => number;

  private readonly r = this.registry;
  private readonly grpcRequests = this.r.counter("openbao_kms_grpc_requests_total", "KMS gRPC calls by method and result (ok or error class).", ["method", "status"]);
  private readonly grpcDuration = this.r.histogram("openbao_kms_grpc_duration_seconds", "KMS gRPC call duration.", ["method"]);
  private readonly grpcRejections = this.r.counter("openbao_kms_grpc_concurrency_rejections_total", "KMS calls refused at once because every slot of the method was taken.", ["method"]);
  private readonly openbaoRequests = this.r.counter("openbao_kms_openbao_requests_total", "OpenBao HTTP requests by operation and result (ok or failure class).", ["operation", "status"]);
  private readonly openbaoDuration = this.r.histogram("openbao_kms_openbao_duration_seconds", "OpenBao HTTP request duration.", ["operation"]);
  private readonly authLogins = this.r.counter("openbao_kms_auth_login_total", "Logins to OpenBao by result.", ["status"]);
  private readonly authRenewals = this.r.counter("openbao_kms_auth_renewal_total", "Token renewals (renew-self) by result.", ["status"]);
  private readonly metadataObservations = this.r.counter("openbao_kms_transit_metadata_observation_total", "Metadata probes published to the status cache, by result (ok or readiness reason).", ["status"]);
  private readonly aadErrors = this.r.counter("openbao_kms_aad_validation_errors_total", "KMS calls refused for annotations or AAD, by reason.", ["reason"]);
  private readonly keyIdErrors = this.r.counter("openbao_kms_decrypt_key_id_errors_total", "Decrypt calls refused for their key_id, by reason.", ["reason"]);
  private readonly panics = this.r.counter("openbao_kms_panic_recoveries_total", "KMS calls that threw an unclassified error and were answered INTERNAL.", ["method"]);
  private readonly socketRestarts = this.r.counter("openbao_kms_socket_restarts_total", "Verified-dead stale KMS sockets removed at start-up (not process restarts).");

  constructor(opts: ProviderMetricsOptions) {
    // Token lifetimes are durations: measured on the monotonic clock.
    this.nowMs = opts.nowMs ?? (() => performance.now());
    const r = this.r;
    r.gauge("openbao_kms_grpc_in_flight", "KMS gRPC calls in progress, by method.", ["method"], {
      collect: () => {
        const limiters = this.sources?.limiters;
        if (limiters === undefined) return [];
        return Object.entries(limiters).map(([method, l]) => [[method], l.inFlight] as const);
      },
    });
    const authMethod = authMethods.has(opts.authMethod) ? opts.authMethod : "unknown";
    r.gauge("openbao_kms_auth_method_info", "The configured OpenBao auth method (always 1).", ["method"]).set([authMethod], 1);
    const source = opts.certificateSource ?? (authMethod === "cert" ? "unknown" : "none");
    r.gauge("openbao_kms_certificate_source_info", "Where the client certificate comes from (always 1).", ["source"]).set([certificateSources.has(source) ? source : "unknown"], 1);
    r.gauge("openbao_kms_token_ttl_seconds", "Seconds left on the current OpenBao token (+Inf for a token without expiry).", [], {
      collect: () => {
        const ttl = this.tokenTtlSeconds();
        return ttl === undefined ? [] : [[[], ttl]];
      },
    });
    r.gauge("openbao_kms_certificate_ttl_seconds", "Seconds left on the client certificate (0 without cert auth).", [], {
      collect: () => {
        const read = this.sources?.certificateTtlSeconds;
        if (read === undefined) return authMethod === "cert" ? [] : [[[], 0]];
        const ttl = read();
        return ttl === undefined ? [] : [[[], ttl]];
      },
    });
    r.gauge("openbao_kms_status_key_id_hash", "H(key_id) of the active key (always 1); compare across nodes.", ["hash"], {
      verbatim: true,
      collect: () => this.fromHealth((h) => (h.active ? [[[hashValue(h.active.keyId)], 1]] : [])),
    });
    r.gauge("openbao_kms_key_version", "Transit version of the active key.", [], {
      collect: () => this.fromHealth((h) => (h.active ? [[[], h.active.transitVersion]] : [])),
    });
    r.gauge("openbao_kms_status_cache_age_seconds", "Seconds since the last metadata probe was published to the status cache.", [], {
      collect: () => this.fromHealth((h) => (h.cacheAgeMs === undefined ? [] : [[[], h.cacheAgeMs / 1000]])),
    });
    r.gauge("openbao_kms_rotation_state", "Key rotation state: one series per state, exactly one of them 1.", ["state"], {
      collect: () => {
        if (this.sources === undefined) return [];
        const now = this.rotation().state;
        return rotationStates.map((s) => [[s], s === now ? 1 : 0] as const);
      },
    });
    r.gauge("openbao_kms_rotation_persistence_degraded", "1 while the rotation state cannot be saved, else 0.", [], {
      collect: () => (this.sources === undefined ? [] : [[[], this.rotation().persistenceDegraded ? 1 : 0]]),
    });
    r.gauge("openbao_kms_key_versions_archived", "Retained, non-active key versions that Transit archives below min_decryption_version (their Decrypts fail until it is lowered).", [], {
      collect: () => {
        const read = this.sources?.archivedVersions;
        return read === undefined ? [] : [[[], read()]];
      },
    });
    r.gauge("openbao_kms_key_promotion_deferred", "1 while the last metadata probe deferred a due key promotion (the candidate's round trip failed or the deep circuit breaker was open), else 0.", [], {
      collect: () => this.fromHealth((h) => [[[], h.promotionDeferred !== undefined ? 1 : 0]]),
    });
    r.gauge("openbao_kms_circuit_breaker_state", "1 while the last probe was skipped by an open circuit breaker, else 0.", [], {
      collect: () => this.fromHealth((h) => [[[], h.reasons.includes("circuit_breaker_open") ? 1 : 0]]),
    });
    // Our additions (issue 17, for the monitoring mixin): Status health as /ready reports it.
    r.gauge("openbao_kms_status_healthy", "1 while Status answers healthz ok (and /ready is 200), else 0.", [], {
      collect: () => this.fromHealth((h) => [[[], h.reasons.length === 0 ? 1 : 0]]),
    });
    r.gauge("openbao_kms_status_unhealthy_reasons", "Why Status is unhealthy: one series per readiness reason, 1 while it applies.", ["reason"], {
      collect: () =>
        this.fromHealth((h) => {
          const now = new Set<string>(h.reasons);
          return [...new Set([...knownReadinessReasons, ...now])].map((reason) => [[reason], now.has(reason) ? 1 : 0] as const);
        }),
    });
    r.gauge("openbao_kms_build_info", "Build identity (always 1).", ["version", "commit", "build_date", "dirty"], { verbatim: true }).set(
      [opts.build.version, opts.build.commit, opts.build.buildDate, "unknown"],
      1,
    );
    registerProcessMetrics(r);
    for (const m of kmsMethods) {
      this.grpcRejections.touch([m]);
      this.panics.touch([m]);
    }
    this.socketRestarts.touch();
    this.authRenewals.touch(["ok"]);
  }

  /** Starts reading live state at scrape time. */
  watch(sources: MetricSources): void {
    this.sources = sources;
  }

  observeKmsCall(o: KmsCallMetric): void {
    const method = o.method.toLowerCase();
    this.grpcRequests.inc([method, o.code === 0 ? "ok" : o.errorClass]);
    this.grpcDuration.observe([method], o.durationMs / 1000);
    if (o.code === 0) return;
    if (o.errorClass === "concurrency_limit") this.grpcRejections.inc([method]);
    if (aadClasses.has(o.errorClass)) this.aadErrors.inc([o.errorClass]);
    if (method === "decrypt" && keyIdClasses.has(o.errorClass)) this.keyIdErrors.inc([o.errorClass]);
    if (o.code === grpcInternal && !(o.cause instanceof KmsError) && !(o.cause instanceof TransitError)) this.panics.inc([method]);
  }

  observeOpenBao(o: OpenBaoRequestObservation): void {
    const operation = operationLabel(o.operation);
    this.openbaoRequests.inc([operation, o.outcome]);
    this.openbaoDuration.observe([operation], o.durationMs / 1000);
  }

  /** One login or renewal attempt by the token source. */
  observeAuth(e: AuthEvent): void {
    if (e.kind === "renewal" && e.outcome === "superseded") return;
    (e.kind === "login" ? this.authLogins : this.authRenewals).inc([authStatusLabel(e.outcome)]);
    if (e.outcome === "ok" && e.leaseSeconds !== undefined) this.token = { issuedAtMs: this.nowMs(), leaseSeconds: e.leaseSeconds };
  }

  /** One token renewal attempt ("ok" or a failure class). */
  authRenewal(status: string): void {
    this.authRenewals.inc([status]);
  }

  /** One metadata probe published to the status cache. */
  metadataObserved(outcome: ProbeOutcome): void {
    this.metadataObservations.inc([outcome.ok ? "ok" : outcome.reason]);
  }

  staleSocketRemoved(): void {
    this.socketRestarts.inc();
  }

  /** The scrape body (Prometheus text format). */
  render(): string {
    return this.registry.render();
  }

  /** Seconds left on the token from its last login (undefined before one), for logs and the gauge. */
  tokenTtlSeconds(): number | undefined {
    const t = this.token;
    if (t === undefined) return undefined;
    if (t.leaseSeconds === 0) return Number.POSITIVE_INFINITY;
    return Math.max(0, (t.issuedAtMs + t.leaseSeconds * 1000 - this.nowMs()) / 1000);
  }

  private rotation(): { state: RotationState; persistenceDegraded: boolean } {
    const read = this.sources?.rotation;
    if (read !== undefined) return read();
    return { state: this.sources?.health().active === undefined ? "unknown" : "active", persistenceDegraded: false };
  }

  private fromHealth(pick: (h: HealthSnapshot) => CollectedSeries): CollectedSeries {
    return this.sources === undefined ? [] : pick(this.sources.health());
  }
}
