// Closed set of KMS failure kinds. Every error that leaves the core is a KmsError or a
// TransitError; src/kms/grpc/error-policy.ts maps each kind to one gRPC code + fixed message.

export type KmsErrorKind =
  | "canceled"
  | "timeout"
  | "key_metadata_refresh_failed"
  | "plaintext_required"
  | "ciphertext_required"
  | "request_limit"
  /** The request did not decode as its protobuf message (never sent by kube-apiserver). */
  | "request_malformed"
  | "key_id_malformed"
  | "annotations_invalid"
  | "annotation_mismatch"
  | "response_limit"
  | "concurrency_limit"
  | "key_id_unknown"
  | "status_unavailable"
  | "status_unhealthy"
  | "active_key_unavailable"
  | "status_key_id_mismatch"
  | "aad_required"
  | "transit_invalid_response";

/** A classified local failure. `message` is internal detail; clients only ever see the table text. */
export class KmsError extends Error {
  override readonly name = "KmsError" as const;
  constructor(
    readonly kind: KmsErrorKind,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ?? kind, options);
  }
}

/** Backend failure classes (reference core-behaviour §2.6 rule 29). */
export type TransitErrorClass =
  | "sealed"
  | "decrypt_failed"
  | "invalid_request"
  | "unauthenticated"
  | "permission_denied"
  | "not_found"
  | "rate_limited"
  | "unavailable"
  | "tls_failed"
  | "dns_failed"
  | "connection_failed"
  | "invalid_response"
  /** A 307 from a standby node (OpenBao's redirect to the active node); never followed. */
  | "standby_redirect"
  // OpenBao's "ciphertext or signature version is disallowed by policy (too old)": the version is
  // archived below min_decryption_version (lowering it brings the version back).
  | "version_archived"
  // OpenBao's "refusing to use soft-deleted key".
  | "key_soft_deleted"
  | "unknown";

/**
 * A classified OpenBao failure. Carries the HTTP status for logs; never the backend's text
 * (which may echo request data), so it is always safe to log `kind` and `status`.
 */
export class TransitError extends Error {
  override readonly name = "TransitError" as const;
  constructor(
    readonly kind: TransitErrorClass,
    readonly operation: string,
    readonly status?: number,
    options?: { cause?: unknown; isAuthentication?: boolean; redirectOrigin?: string; emptyErrors?: boolean },
  ) {
    super(`openbao ${operation} failed: ${kind}${status === undefined ? "" : ` (HTTP ${status})`}`, options);
    this.isAuthentication = options?.isAuthentication ?? false;
    if (options?.redirectOrigin !== undefined) this.redirectOrigin = options.redirectOrigin;
    if (options?.emptyErrors === true) this.emptyErrors = true;
  }
  /** True when the failure happened while logging in (reference rule 32.2). */
  readonly isAuthentication: boolean;
  /**
   * standby_redirect only: scheme://host[:port] of the redirect's Location (the active node as
   * the standby names it), when it parsed as an http(s) URL. Never its path or query.
   */
  readonly redirectOrigin?: string;
  /**
   * The answer was JSON with an empty `errors` list: OpenBao's form for a path that has nothing
   * (a nil response, e.g. a read of a Transit key that does not exist). A 404 with a text, such as
   * `namespace not found`, does not set it.
   */
  readonly emptyErrors?: boolean;
}
