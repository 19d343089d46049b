// Turns each finished OpenBao request into metrics and the `openbao.request` log event (debug
// on success, warn on failure); `authObserver` does the same for the token source's logins and
// renewals (`auth.login`, `auth.renewal`). Only operation labels, result classes, HTTP status,
// durations and lease lengths are logged: never paths, tokens, credentials or bodies.

import { TransitError } from "../kms/errors.ts";
import type { OpenBaoRequestObservation } from "../openbao/http.ts";
import type { AuthEvent } from "../openbao/auth/token-source.ts";
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
  };
}

export function authObserver(metrics: ProviderMetrics, log: Logger): (e: AuthEvent) => void {
  return (e) => {
    metrics.observeAuth(e);
    const event = e.kind === "login" ? "auth.login" : "auth.renewal";
    const base = { status: e.outcome === "ok" ? "ok" : "failed", reason: e.reason, duration_ms: e.durationMs };
    if (e.outcome === "ok") {
      log.info(event, { ...base, token_ttl_seconds: e.leaseSeconds });
      return;
    }
    // Only the class and HTTP status: AuthError's sentence names paths, which logs leave out.
    const http = e.error instanceof TransitError ? e.error.status : undefined;
    log.warn(event, { ...base, error_class: e.outcome, http_status: http });
  };
}
