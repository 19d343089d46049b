// The provider's two operational listeners, separate and loopback by default: /metrics on
// server.metrics_address, /live and /ready on server.health_address ("" disables either).

import type { HealthSnapshot } from "../status/store.ts";
import { type EndpointCount, liveness, readiness, type RotationView } from "./health.ts";
import { jsonResponse, startListener, textResponse, type RunningListener } from "./http-listener.ts";
import { exposition } from "./registry.ts";

export interface ObservabilityListenerOptions {
  readonly metricsAddress: string;
  readonly healthAddress: string;
  /** Renders the metrics scrape. */
  readonly renderMetrics: () => string;
  /** The status cache's snapshot (never OpenBao). */
  readonly health: () => HealthSnapshot;
  /** rotation_state and persistence_degraded for /ready (from the live registry). */
  readonly rotation?: () => RotationView;
  /** Usable OpenBao endpoints for /ready (several addresses only). */
  readonly endpoints?: () => EndpointCount;
  readonly idleTimeoutSeconds?: number;
}

export interface ObservabilityListeners {
  /** Actual `host:port`, or undefined when disabled. */
  readonly metricsAddress: string | undefined;
  readonly healthAddress: string | undefined;
  /** /live turns 503: shutdown has begun (the listeners keep serving until stop). */
  draining(): void;
  stop(): void;
}

/** Starts both listeners (metrics first); if the second cannot bind, the first is stopped and the error thrown. */
export function startObservabilityListeners(o: ObservabilityListenerOptions): ObservabilityListeners {
  let up = true;
  const started: RunningListener[] = [];
  const idle = o.idleTimeoutSeconds === undefined ? {} : { idleTimeoutSeconds: o.idleTimeoutSeconds };
  try {
    const metrics =
      o.metricsAddress === ""
        ? undefined
        : startListener({
            configKey: "server.metrics_address",
            address: o.metricsAddress,
            routes: { "/metrics": () => textResponse(200, o.renderMetrics(), exposition) },
            ...idle,
          });
    if (metrics) started.push(metrics);
    const reply = (r: { status: number; body: unknown }) => jsonResponse(r.status, r.body);
    const health =
      o.healthAddress === ""
        ? undefined
        : startListener({
            configKey: "server.health_address",
            address: o.healthAddress,
            routes: { "/live": () => reply(liveness(up)), "/ready": () => reply(readiness(o.health(), o.rotation?.(), o.endpoints?.())) },
            ...idle,
          });
    if (health) started.push(health);
    return {
      metricsAddress: metrics?.address,
      healthAddress: health?.address,
      draining: () => void (up = false),
      stop: () => {
        for (const l of started) l.stop();
      },
    };
  } catch (e) {
    for (const l of started) l.stop();
    throw e;
  }
}
