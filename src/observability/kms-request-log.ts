// The `kms.request` log event: one line per finished KMS call, at debug when it succeeded (the
// hot path) and at warn when it failed. Hashes only (key_id, uid): never plaintext, ciphertext,
// a raw key_id or uid, nor the cause's text (only its classified kind).

import type { Logger } from "../platform/log.ts";

/** What the handlers report per call (src/kms/grpc/handlers.ts RequestObservation fits). */
export interface KmsRequestLogEntry {
  readonly method: string;
  /** gRPC status code; 0 = OK. */
  readonly code: number;
  readonly errorClass: string;
  readonly durationMs: number;
  readonly keyIdHash: string | undefined;
  readonly uidHash: string | undefined;
  readonly cause?: unknown;
}

export function kmsRequestLogger(log: Logger): (o: KmsRequestLogEntry) => void {
  return (o) => {
    const ok = o.code === 0;
    // A successful call costs nothing unless debug is on (the hashes are computed lazily).
    if (ok && !log.enabled("debug")) return;
    const kind = (o.cause as { kind?: unknown } | undefined)?.kind;
    const fields = {
      method: o.method,
      grpc_code: o.code,
      error_class: o.errorClass,
      duration_ms: o.durationMs,
      key_id_hash: o.keyIdHash,
      uid_hash: o.uidHash,
      error_kind: typeof kind === "string" ? kind : undefined,
    };
    if (ok) log.debug("kms.request", fields);
    else log.warn("kms.request", fields);
  };
}
