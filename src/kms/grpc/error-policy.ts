// The one table from failure to gRPC status (reference core-behaviour §2.7). Clients only
// ever see these fixed messages; causes stay in internal logs. Anything unknown → INTERNAL.

import { KmsError, TransitError, type KmsErrorKind, type TransitErrorClass } from "../errors.ts";
import { Code } from "./codes.ts";

export interface GrpcFailure {
  readonly code: Code;
  readonly message: string;
  /** Low-cardinality class for logs and metrics. */
  readonly errorClass: string;
}

const kmsTable: Record<KmsErrorKind, GrpcFailure> = {
  canceled: { code: Code.CANCELLED, message: "request canceled", errorClass: "canceled" },
  timeout: { code: Code.DEADLINE_EXCEEDED, message: "request timed out", errorClass: "timeout" },
  key_metadata_refresh_failed: { code: Code.UNAVAILABLE, message: "key metadata refresh failed", errorClass: "key_metadata_refresh_failed" },
  plaintext_required: { code: Code.INVALID_ARGUMENT, message: "plaintext is required", errorClass: "unknown" },
  ciphertext_required: { code: Code.INVALID_ARGUMENT, message: "ciphertext is required", errorClass: "unknown" },
  request_limit: { code: Code.INVALID_ARGUMENT, message: "kms request exceeds protocol limits", errorClass: "protocol_limit" },
  request_malformed: { code: Code.INVALID_ARGUMENT, message: "kms request malformed", errorClass: "malformed_request" },
  key_id_malformed: { code: Code.INVALID_ARGUMENT, message: "key_id malformed", errorClass: "key_id_malformed" },
  annotations_invalid: { code: Code.INVALID_ARGUMENT, message: "annotations invalid", errorClass: "annotation_invalid" },
  annotation_mismatch: { code: Code.INVALID_ARGUMENT, message: "annotations do not match key snapshot", errorClass: "aad_mismatch" },
  response_limit: { code: Code.INTERNAL, message: "kms response exceeds protocol limits", errorClass: "protocol_limit" },
  concurrency_limit: { code: Code.RESOURCE_EXHAUSTED, message: "kms request concurrency limit reached", errorClass: "concurrency_limit" },
  key_id_unknown: { code: Code.NOT_FOUND, message: "key_id unknown", errorClass: "key_id_unknown" },
  status_unavailable: { code: Code.FAILED_PRECONDITION, message: "status unavailable", errorClass: "status_stale" },
  status_unhealthy: { code: Code.FAILED_PRECONDITION, message: "status unhealthy", errorClass: "status_stale" },
  active_key_unavailable: { code: Code.FAILED_PRECONDITION, message: "active key unavailable", errorClass: "status_stale" },
  status_key_id_mismatch: { code: Code.FAILED_PRECONDITION, message: "status key_id mismatch", errorClass: "status_stale" },
  aad_required: { code: Code.FAILED_PRECONDITION, message: "AAD required", errorClass: "aad_missing" },
  transit_invalid_response: { code: Code.INTERNAL, message: "kms request failed", errorClass: "unknown" },
};

const transitTable: Record<TransitErrorClass, Omit<GrpcFailure, "message"> & { message: string | "by-method" }> = {
  unauthenticated: { code: Code.UNAUTHENTICATED, message: "transit authentication failed", errorClass: "auth_failed" },
  permission_denied: { code: Code.PERMISSION_DENIED, message: "transit permission denied", errorClass: "transit_policy_denied" },
  not_found: { code: Code.NOT_FOUND, message: "transit key not found", errorClass: "transit_key_missing" },
  invalid_request: { code: Code.INVALID_ARGUMENT, message: "by-method", errorClass: "unknown" },
  decrypt_failed: { code: Code.INVALID_ARGUMENT, message: "by-method", errorClass: "aad_mismatch" },
  rate_limited: { code: Code.RESOURCE_EXHAUSTED, message: "transit rate limited", errorClass: "openbao_rate_limited" },
  sealed: { code: Code.UNAVAILABLE, message: "transit unavailable", errorClass: "openbao_sealed" },
  unavailable: { code: Code.UNAVAILABLE, message: "transit unavailable", errorClass: "openbao_unavailable" },
  tls_failed: { code: Code.UNAVAILABLE, message: "transit unavailable", errorClass: "openbao_tls_failed" },
  dns_failed: { code: Code.UNAVAILABLE, message: "transit unavailable", errorClass: "openbao_dns_failed" },
  connection_failed: { code: Code.UNAVAILABLE, message: "transit unavailable", errorClass: "openbao_connection_failed" },
  // A malformed success reply the adapter could not use (reference rule 32.5: untyped adapter error).
  invalid_response: { code: Code.UNAVAILABLE, message: "transit operation failed", errorClass: "openbao_unavailable" },
  // A standby that redirects instead of forwarding (the provider never follows redirects).
  standby_redirect: { code: Code.UNAVAILABLE, message: "transit unavailable", errorClass: "openbao_standby_redirect" },
  // Ciphertext of a version archived by Transit min_decryption_version: not tampering (that is
  // aad_mismatch); lowering min_decryption_version makes it decryptable again, no restart.
  version_archived: { code: Code.FAILED_PRECONDITION, message: "key version is archived by Transit min_decryption_version", errorClass: "key_version_archived" },
  key_soft_deleted: { code: Code.FAILED_PRECONDITION, message: "transit key is soft-deleted", errorClass: "transit_key_soft_deleted" },
  unknown: { code: Code.UNAVAILABLE, message: "transit unavailable", errorClass: "unknown" },
};

/** Transport/backend-health classes that are never reported as an authentication failure. */
const notAuthClasses: ReadonlySet<TransitErrorClass> = new Set(["unavailable", "sealed", "rate_limited", "tls_failed", "dns_failed", "connection_failed", "standby_redirect"]);

export type KmsMethod = "Status" | "Encrypt" | "Decrypt";

/** Maps any thrown value to the fixed public gRPC failure for `method`. */
export function toGrpcFailure(error: unknown, method: KmsMethod): GrpcFailure {
  if (error instanceof KmsError) return kmsTable[error.kind];
  if (error instanceof TransitError) {
    if (error.isAuthentication && !notAuthClasses.has(error.kind)) return transitTable.unauthenticated as GrpcFailure;
    const row = transitTable[error.kind];
    const message = row.message === "by-method" ? (method === "Encrypt" ? "transit encrypt failed" : "transit decrypt failed") : row.message;
    return { code: row.code, message, errorClass: row.errorClass };
  }
  return internalFailure;
}

export const internalFailure: GrpcFailure = { code: Code.INTERNAL, message: "kms request failed", errorClass: "unknown" };

/** Exposed for the table tests: every row of both tables. */
export const errorTables = { kms: kmsTable, transit: transitTable } as const;
