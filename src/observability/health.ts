// /live and /ready bodies. /ready is computed from a status-cache snapshot only, so serving it
// never calls OpenBao; it is 200 exactly when Status would say "ok" with a fresh cache.

import type { HealthSnapshot } from "../status/store.ts";

export interface ReadyBody {
  readonly status: "ok" | "unavailable";
  readonly healthz: string;
  /** Whole ms since the last metadata probe; null before the first one. */
  readonly cache_age_ms: number | null;
  readonly stale: boolean;
  readonly reasons: readonly string[];
  readonly metadata_error_class?: string;
  readonly deep_error_class?: string;
}

export interface JsonReply<B> {
  readonly status: 200 | 503;
  readonly body: B;
}

export function readiness(s: HealthSnapshot): JsonReply<ReadyBody> {
  const ready = s.healthz === "ok" && !s.stale && s.active !== undefined && s.reasons.length === 0;
  return {
    status: ready ? 200 : 503,
    body: {
      status: ready ? "ok" : "unavailable",
      healthz: s.healthz,
      cache_age_ms: s.cacheAgeMs === undefined ? null : Math.floor(s.cacheAgeMs),
      stale: s.stale,
      reasons: [...s.reasons],
      ...(s.metadataErrorClass === undefined ? {} : { metadata_error_class: s.metadataErrorClass }),
      ...(s.deepErrorClass === undefined ? {} : { deep_error_class: s.deepErrorClass }),
    },
  };
}

/** 200 while the provider's listeners are up; 503 once shutdown has begun. */
export function liveness(up: boolean): JsonReply<{ readonly status: "ok" | "unavailable" }> {
  return up ? { status: 200, body: { status: "ok" } } : { status: 503, body: { status: "unavailable" } };
}
