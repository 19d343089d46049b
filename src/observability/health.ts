// /live and /ready bodies. /ready is computed from a status-cache snapshot only, so serving it
// never calls OpenBao; it is 200 exactly when Status would say "ok" with a fresh cache.

import type { HealthSnapshot } from "../status/store.ts";

/** The rotation view /ready reports (the same one as openbao_kms_rotation_state / _persistence_degraded). */
export interface RotationView {
  readonly state: "active" | "pending" | "unknown";
  readonly persistenceDegraded: boolean;
}

/** Field order and names as the Go provider's /ready body. */
export interface ReadyBody {
  readonly status: "ok" | "unavailable";
  readonly healthz: string;
  /**
   * Whole ms since the last metadata probe, always an integer (as in Go). Before the first
   * probe it is 0, and `stale: true` with `metadata_unverified` says why it means nothing yet.
   */
  readonly cache_age_ms: number;
  readonly stale: boolean;
  readonly rotation_state: RotationView["state"];
  readonly reasons: readonly string[];
  readonly metadata_error_class?: string;
  readonly deep_error_class?: string;
  /** True while a rotation state change cannot be saved (the state_save_failed reason). */
  readonly persistence_degraded: boolean;
  /** Several OpenBao endpoints only: how many are usable, of how many. */
  readonly openbao_endpoints_usable?: number;
  readonly openbao_endpoints_total?: number;
}

/** Usable and configured OpenBao endpoints (several addresses only). */
export interface EndpointCount {
  readonly usable: number;
  readonly total: number;
}

export interface JsonReply<B> {
  readonly status: 200 | 503;
  readonly body: B;
}

export function readiness(s: HealthSnapshot, rotation?: RotationView, endpoints?: EndpointCount): JsonReply<ReadyBody> {
  const ready = s.healthz === "ok" && !s.stale && s.active !== undefined && s.reasons.length === 0;
  return {
    status: ready ? 200 : 503,
    body: {
      status: ready ? "ok" : "unavailable",
      healthz: s.healthz,
      cache_age_ms: s.cacheAgeMs === undefined ? 0 : Math.max(0, Math.floor(s.cacheAgeMs)),
      stale: s.stale,
      rotation_state: rotation?.state ?? (s.active === undefined ? "unknown" : "active"),
      reasons: [...s.reasons],
      ...(s.metadataErrorClass === undefined ? {} : { metadata_error_class: s.metadataErrorClass }),
      ...(s.deepErrorClass === undefined ? {} : { deep_error_class: s.deepErrorClass }),
      persistence_degraded: rotation?.persistenceDegraded ?? s.reasons.includes("state_save_failed"),
      ...(endpoints === undefined ? {} : { openbao_endpoints_usable: endpoints.usable, openbao_endpoints_total: endpoints.total }),
    },
  };
}

/** 200 while the provider's listeners are up; 503 once shutdown has begun. */
export function liveness(up: boolean): JsonReply<{ readonly status: "ok" | "unavailable" }> {
  return up ? { status: 200, body: { status: "ok" } } : { status: 503, body: { status: "unavailable" } };
}
