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
import { BootstrapTimeoutError } from "./bootstrap-retry.ts";

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
        return describeTls(error, config);
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

/** What went wrong in the TLS handshake, from the error codes in the cause chain (never the text). */
export function tlsProblem(error: unknown): "server_name" | "untrusted" | "expired" | "other" {
  const codes = causeCodes(error);
  if (codes.some((c) => /ALTNAME|HOSTNAME|ERR_TLS_CERT_ALTNAME_INVALID/.test(c))) return "server_name";
  if (codes.some((c) => /CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/.test(c))) return "expired";
  if (codes.some((c) => /UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|SELF_SIGNED|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE/.test(c))) return "untrusted";
  return "other";
}

function causeCodes(error: unknown): string[] {
  const out: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") out.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

function describeTls(error: unknown, config: Config): string {
  const where = `TLS to OpenBao at ${config.openbao.address} failed`;
  switch (tlsProblem(error)) {
    case "server_name":
      return `${where}: its certificate does not carry the name ${config.openbao.tlsServerName}; set openbao.tls_server_name to a name in the certificate (the CA in ${config.openbao.caCertFile} did sign it)`;
    case "untrusted":
      return `${where}: its certificate is not signed by the CA in openbao.ca_cert_file (${config.openbao.caCertFile}); put the CA that issued OpenBao's certificate there`;
    case "expired":
      return `${where}: its certificate is expired or not yet valid (check the clocks and OpenBao's certificate)`;
    default:
      return `${where}: check openbao.ca_cert_file and openbao.tls_server_name`;
  }
}

/**
 * Start-up failures that waiting cannot heal: they end start-up at once instead of being retried
 * until bootstrap.grace_timeout. Everything else (OpenBao down or sealed, a JWT not yet written
 * or expired, a policy or key the admin is still fixing, an untrusted certificate while OpenBao's
 * is being replaced) is retried.
 */
export function isPermanentStartupError(error: unknown): boolean {
  // A login that failed in transport is an AuthError with the transport's kind.
  if (error instanceof TransitError && error.kind === "tls_failed") return tlsProblem(error) === "server_name";
  if (error instanceof AuthError) {
    if (error.authClass === "oauth2_config_invalid") return true;
    if (error.authClass !== "credential_file_unreadable") return false;
    // A missing file may still be provisioned, and a file replaced while it was opened is a race;
    // a bad mode, a symlink, a non-regular file, EACCES (owner) or an oversized file stay so.
    const code = error.cause instanceof Error ? error.cause.message : undefined;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    return !error.detail.includes("changed while it was being opened");
  }
  if (error instanceof TransitError) return error.kind === "tls_failed" && tlsProblem(error) === "server_name";
  if (error instanceof BootstrapDeniedError || error instanceof CaBundleError || error instanceof SocketError) return true;
  if (error instanceof RegistryError) return error.kind !== "io";
  return false;
}

/** A stable class for the start-up log line (never "unknown" for a known failure). */
export function startupErrorClass(error: unknown): string {
  if (error instanceof TransitError && error.kind === "tls_failed") return `tls_${tlsProblem(error)}`;
  if (error instanceof AuthError) return error.authClass;
  if (error instanceof TransitError) return error.kind === "tls_failed" ? `tls_${tlsProblem(error)}` : error.kind;
  if (error instanceof DOMException && error.name === "TimeoutError") return "timeout";
  if (error instanceof RegistryError) return `state_${error.kind}`;
  if (error instanceof BootstrapDeniedError) return "state_missing_after_rotation";
  if (error instanceof RotationError) return error.reason;
  if (error instanceof KeyProfileError) return "key_unusable";
  if (error instanceof CaBundleError) return "ca_bundle_invalid";
  if (error instanceof SocketError) return "socket";
  if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string") return `fs_${(error as NodeJS.ErrnoException).code}`;
  return error instanceof Error ? error.name : "unknown";
}
