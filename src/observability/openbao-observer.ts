// Turns each finished OpenBao request into metrics and the `openbao.request` log event (debug
// on success, warn on failure), plus `auth.login` for logins. Only the operation label, result
// class, HTTP status and duration are logged: never paths, tokens or bodies.

import type { OpenBaoRequestObservation } from "../openbao/http.ts";
import type { Logger } from "../platform/log.ts";
import { operationLabel } from "./openbao-operations.ts";
import type { ProviderMetrics } from "./provider-metrics.ts";

export function openBaoObserver(metrics: ProviderMetrics, log: Logger): (o: OpenBaoRequestObservation) => void {
  return (o) => {
    metrics.observeOpenBao(o);
    const ok = o.outcome === "ok";
    if (!ok || log.enabled("debug")) {
      const fields = { operation: operationLabel(o.operation), status: o.outcome, http_status: o.httpStatus, duration_ms: o.durationMs };
      if (ok) log.debug("openbao.request", fields);
      else log.warn("openbao.request", { ...fields, error_class: o.outcome });
    }
    if (o.operation !== "auth.login") return;
    if (ok) log.info("auth.login", { status: "ok", duration_ms: o.durationMs, token_ttl_seconds: metrics.tokenTtlSeconds() });
    else log.warn("auth.login", { status: "failed", error_class: o.outcome, http_status: o.httpStatus, duration_ms: o.durationMs });
  };
}
