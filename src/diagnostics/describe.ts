// Operator sentences for failed OpenBao calls and unusable nodes; never OpenBao's own text.
import type { Config } from "../config/schema.ts";
import { TransitError } from "../kms/errors.ts";
import { standbyRedirectMessage } from "../openbao/classify.ts";
import type { Health } from "../openbao/sys-reads.ts";

export function describeFailure(e: unknown, config: Config, address = config.openbao.address): string {
  if (e instanceof DOMException && e.name === "TimeoutError") return `no answer within openbao.timeout (${config.openbao.timeoutMs} ms)`;
  if (e instanceof TransitError) {
    const http = e.status === undefined ? "" : ` (HTTP ${e.status})`;
    switch (e.kind) {
      case "tls_failed":
        return "TLS handshake failed: check openbao.ca_cert_file and openbao.tls_server_name";
      case "dns_failed":
        return `cannot resolve the host of ${address}`;
      case "connection_failed":
        return `cannot connect to ${address}`;
      case "sealed":
        return "OpenBao is sealed";
      case "standby_redirect":
        return standbyRedirectMessage(address, e);
      case "permission_denied":
        return `permission denied for ${e.operation}${http}: check the token's policy`;
      case "not_found":
        return `${e.operation}: not found${http}`;
      default:
        return `${e.operation} failed: ${e.kind}${http}`;
    }
  }
  return e instanceof Error ? e.name : "unknown error";
}

/** Why a node that answered sys/health cannot serve the provider. */
export function unusableHealth(address: string, h: Health): string {
  switch (h.state) {
    case "sealed":
      return `${address} answered but is sealed (sys/health HTTP ${h.status}): unseal it`;
    case "uninitialized":
      return `${address} answered but is not initialized (sys/health HTTP ${h.status}): initialize and unseal it`;
    default:
      // 200/429 here: the body was not OpenBao's health JSON for that code (a proxy's page, another server).
      if (h.status === 200 || h.status === 429) {
        return `${address} answered sys/health with HTTP ${h.status} but not with OpenBao's health JSON for it (initialized, sealed, standby): something other than an OpenBao node answers there`;
      }
      return `${address} answered sys/health with HTTP ${h.status}, which is neither active (200) nor standby (429): the node cannot serve requests`;
  }
}

/** The deadline of one diagnostic OpenBao call. */
export const callTimeout = (config: Config) => AbortSignal.timeout(config.openbao.timeoutMs);
