// Turns a startup failure into one operator-facing sentence that names the cause and what to
// check, without secrets or OpenBao's own error text.

import type { Config } from "../config/schema.ts";
import { TransitError } from "../kms/errors.ts";
import { KeyProfileError } from "../keys/from-metadata.ts";
import { AuthError } from "../openbao/auth/errors.ts";
import { standbyRedirectMessage } from "../openbao/classify.ts";
import { CaBundleError } from "../openbao/from-config.ts";
import { SocketError } from "../platform/unix-socket.ts";
import { RegistryError } from "../registry/types.ts";
import { BootstrapDeniedError, RotationError } from "../status/rotation.ts";
import { BootstrapTimeoutError } from "./bootstrap.ts";

export function describeStartupFailure(error: unknown, config: Config): string {
  if (error instanceof BootstrapTimeoutError) return `${error.message}: ${describeStartupFailure(error.cause, config)}`;
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `OpenBao at ${config.openbao.address} did not answer within openbao.timeout (${config.openbao.timeoutMs} ms)`;
  }
  if (error instanceof SocketError || error instanceof KeyProfileError || error instanceof BootstrapDeniedError || error instanceof CaBundleError) return error.message;
  if (error instanceof RegistryError) return `key registry ${config.state.path}: ${error.message}`;
  if (error instanceof RotationError) {
    const key = `${config.transit.mountPath}/keys/${config.transit.keyName}`;
    if (error.reason === "key_soft_deleted") {
      return error.operatorMessage(config.transit.mountPath, config.transit.keyName);
    }
    return `Transit key ${key}: ${error.message}`;
  }
  if (error instanceof TransitError) {
    const http = error.status === undefined ? "" : ` (HTTP ${error.status})`;
    const where = `${config.openbao.address}`;
    switch (error.kind) {
      case "tls_failed":
        return `TLS to OpenBao at ${where} failed: check openbao.ca_cert_file and openbao.tls_server_name`;
      case "dns_failed":
        return `cannot resolve the OpenBao host in ${where}`;
      case "connection_failed":
      case "unavailable":
        return `cannot reach OpenBao at ${where}${http}`;
      case "sealed":
        return `OpenBao at ${where} is sealed`;
      case "standby_redirect":
        return standbyRedirectMessage(where, error);
      default:
        break;
    }
    if (error instanceof AuthError) return `authentication failed (${error.authClass}): ${error.detail}`;
    if (error.isAuthentication) return `OpenBao login failed: ${error.kind}${http}`;
    const key = `${config.transit.mountPath}/keys/${config.transit.keyName}`;
    const path = error.operation === "transit.read_config_keys" ? `${config.transit.mountPath}/config/keys` : key;
    if (error.kind === "not_found") return `Transit ${path === key ? "key" : "path"} ${path} not found${http}`;
    if (error.kind === "permission_denied") return `permission denied by OpenBao for ${error.operation} on ${path}${http}: check the token's policy`;
    return `OpenBao ${error.operation} failed: ${error.kind}${http}`;
  }
  if (error instanceof Error && "code" in error && typeof (error as NodeJS.ErrnoException).path === "string") {
    const e = error as NodeJS.ErrnoException;
    return `cannot access ${e.path}: ${e.code}`;
  }
  return error instanceof Error ? error.message : "startup failed";
}
