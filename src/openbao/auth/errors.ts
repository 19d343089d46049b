// Authentication failures: a safe class (for logs, metrics and the exit message) plus a fixed
// sentence that may name a file path or a config key but never a credential or OpenBao's text.

import { TransitError, type TransitErrorClass } from "../../kms/errors.ts";

export type AuthFailureClass =
  | "credential_file_unreadable"
  | "jwt_malformed"
  | "jwt_expired"
  | "jwt_near_expiry"
  | "jwt_not_yet_valid"
  | "jwt_issued_in_future"
  | "jwt_claim_mismatch"
  | "login_rejected"
  | "login_denied"
  | "login_not_found"
  | "secret_id_rejected"
  | "lease_too_short"
  | "login_response_invalid"
  | "login_failed"
  | "renewal_failed"
  | "oauth2_config_invalid"
  | "oauth2_credential_unavailable"
  | "oauth2_request_failed"
  | "oauth2_rejected"
  | "oauth2_response_invalid";

/**
 * A failed login or renewal. It is a TransitError (kind `unauthenticated` unless the transport
 * failed) with `isAuthentication` set, so the KMS error policy answers UNAUTHENTICATED.
 */
export class AuthError extends TransitError {
  constructor(
    readonly authClass: AuthFailureClass,
    /** Safe, operator-facing detail (paths and key names only). */
    readonly detail: string,
    options: { kind?: TransitErrorClass; status?: number; operation?: string; cause?: unknown } = {},
  ) {
    super(options.kind ?? "unauthenticated", options.operation ?? "auth.login", options.status, { cause: options.cause, isAuthentication: true });
    this.message = detail;
  }
}

/** The safe class of any auth failure (for logs and metrics). */
export function authFailureClass(error: unknown): string {
  if (error instanceof AuthError) return error.authClass;
  if (error instanceof TransitError) return error.kind;
  if (error instanceof DOMException && error.name === "TimeoutError") return "timeout";
  return "unknown";
}
