// One test per row of the error policy (reference core-behaviour §2.7): code, fixed message, class.

import { describe, expect, test } from "bun:test";
import { status as Code } from "@grpc/grpc-js";
import { KmsError, TransitError, type KmsErrorKind, type TransitErrorClass } from "../../src/kms/errors.ts";
import { errorTables, toGrpcFailure } from "../../src/kms/grpc/error-policy.ts";

const kmsRows: Array<[KmsErrorKind, Code, string, string]> = [
  ["canceled", Code.CANCELLED, "request canceled", "canceled"],
  ["timeout", Code.DEADLINE_EXCEEDED, "request timed out", "timeout"],
  ["key_metadata_refresh_failed", Code.UNAVAILABLE, "key metadata refresh failed", "key_metadata_refresh_failed"],
  ["plaintext_required", Code.INVALID_ARGUMENT, "plaintext is required", "unknown"],
  ["ciphertext_required", Code.INVALID_ARGUMENT, "ciphertext is required", "unknown"],
  ["request_limit", Code.INVALID_ARGUMENT, "kms request exceeds protocol limits", "protocol_limit"],
  ["request_malformed", Code.INVALID_ARGUMENT, "kms request malformed", "malformed_request"],
  ["key_id_malformed", Code.INVALID_ARGUMENT, "key_id malformed", "key_id_malformed"],
  ["annotations_invalid", Code.INVALID_ARGUMENT, "annotations invalid", "annotation_invalid"],
  ["annotation_mismatch", Code.INVALID_ARGUMENT, "annotations do not match key snapshot", "aad_mismatch"],
  ["response_limit", Code.INTERNAL, "kms response exceeds protocol limits", "protocol_limit"],
  ["concurrency_limit", Code.RESOURCE_EXHAUSTED, "kms request concurrency limit reached", "concurrency_limit"],
  ["key_id_unknown", Code.NOT_FOUND, "key_id unknown", "key_id_unknown"],
  ["status_unavailable", Code.FAILED_PRECONDITION, "status unavailable", "status_stale"],
  ["status_unhealthy", Code.FAILED_PRECONDITION, "status unhealthy", "status_stale"],
  ["active_key_unavailable", Code.FAILED_PRECONDITION, "active key unavailable", "status_stale"],
  ["status_key_id_mismatch", Code.FAILED_PRECONDITION, "status key_id mismatch", "status_stale"],
  ["aad_required", Code.FAILED_PRECONDITION, "AAD required", "aad_missing"],
  ["transit_invalid_response", Code.INTERNAL, "kms request failed", "unknown"],
];

describe("local errors", () => {
  test("the table has exactly the tested rows", () => {
    expect(Object.keys(errorTables.kms).sort()).toEqual(kmsRows.map((r) => r[0]).sort());
  });
  test.each(kmsRows)("%s → %d %p (%s)", (kind, code, message, cls) => {
    expect(toGrpcFailure(new KmsError(kind, "internal detail that must not leak"), "Decrypt")).toEqual({ code, message, errorClass: cls });
  });
});

const transitRows: Array<[TransitErrorClass, Code, string, string]> = [
  ["unauthenticated", Code.UNAUTHENTICATED, "transit authentication failed", "auth_failed"],
  ["permission_denied", Code.PERMISSION_DENIED, "transit permission denied", "transit_policy_denied"],
  ["not_found", Code.NOT_FOUND, "transit key not found", "transit_key_missing"],
  ["invalid_request", Code.INVALID_ARGUMENT, "transit decrypt failed", "unknown"],
  ["decrypt_failed", Code.INVALID_ARGUMENT, "transit decrypt failed", "aad_mismatch"],
  ["rate_limited", Code.RESOURCE_EXHAUSTED, "transit rate limited", "openbao_rate_limited"],
  ["sealed", Code.UNAVAILABLE, "transit unavailable", "openbao_sealed"],
  ["unavailable", Code.UNAVAILABLE, "transit unavailable", "openbao_unavailable"],
  ["tls_failed", Code.UNAVAILABLE, "transit unavailable", "openbao_tls_failed"],
  ["dns_failed", Code.UNAVAILABLE, "transit unavailable", "openbao_dns_failed"],
  ["connection_failed", Code.UNAVAILABLE, "transit unavailable", "openbao_connection_failed"],
  ["invalid_response", Code.UNAVAILABLE, "transit operation failed", "openbao_unavailable"],
  ["standby_redirect", Code.UNAVAILABLE, "transit unavailable", "openbao_standby_redirect"],
  ["version_archived", Code.FAILED_PRECONDITION, "key version is archived by Transit min_decryption_version", "key_version_archived"],
  ["key_soft_deleted", Code.FAILED_PRECONDITION, "transit key is soft-deleted", "transit_key_soft_deleted"],
  ["unknown", Code.UNAVAILABLE, "transit unavailable", "unknown"],
];

describe("Transit errors", () => {
  test("the table has exactly the tested rows", () => {
    expect(Object.keys(errorTables.transit).sort()).toEqual(transitRows.map((r) => r[0]).sort());
  });
  test.each(transitRows)("%s → %d %p (%s)", (kind, code, message, cls) => {
    expect(toGrpcFailure(new TransitError(kind, "transit.decrypt", 400), "Decrypt")).toEqual({ code, message, errorClass: cls });
  });
  test.each(["invalid_request", "decrypt_failed"] as const)("%s on Encrypt says 'transit encrypt failed'", (kind) => {
    expect(toGrpcFailure(new TransitError(kind, "transit.encrypt", 400), "Encrypt").message).toBe("transit encrypt failed");
  });
  test("a login failure is an authentication failure…", () => {
    const f = toGrpcFailure(new TransitError("invalid_request", "auth.login", 400, { isAuthentication: true }), "Decrypt");
    expect(f).toEqual({ code: Code.UNAUTHENTICATED, message: "transit authentication failed", errorClass: "auth_failed" });
  });
  test.each(["unavailable", "sealed", "rate_limited", "tls_failed", "dns_failed", "connection_failed", "standby_redirect"] as const)("…unless it is a backend-health class (%s)", (kind) => {
    const f = toGrpcFailure(new TransitError(kind, "auth.login", undefined, { isAuthentication: true }), "Decrypt");
    expect(f.code).not.toBe(Code.UNAUTHENTICATED);
  });
});

test("any other thrown value → INTERNAL 'kms request failed', text never forwarded", () => {
  for (const thrown of [new Error("secret plaintext here"), "string", undefined, { code: 5 }]) {
    expect(toGrpcFailure(thrown, "Encrypt")).toEqual({ code: Code.INTERNAL, message: "kms request failed", errorClass: "unknown" });
  }
});
