// Translates gRPC calls to the KMS service and back: slot first, then the use case, then one
// observation per call. Errors leave only through the error-policy table.

import { v2 } from "../../gen/kms/v2/api.js";
import { KmsError } from "../errors.ts";
import { hashValue } from "../hash.ts";
import type { ConcurrencyLimiter } from "../limiter.ts";
import type { KmsService } from "../service.ts";
import { isMalformed } from "./codec.ts";
import { Code } from "./codes.ts";
import { toGrpcFailure, type KmsMethod } from "./error-policy.ts";

/** One unary call as the server hands it over: the decoded request and a signal that fires when the client goes away or its deadline passes. */
export interface UnaryCall {
  readonly request: unknown;
  readonly cancelled: AbortSignal;
}
export interface UnaryFailure {
  readonly code: number;
  readonly details: string;
}
/** Answers a call once: a failure, or the response message. */
export type Respond = (failure: UnaryFailure | null, response?: unknown) => void;
export type UnaryHandler = (call: UnaryCall, respond: Respond) => void;
export type KmsHandlers = Readonly<Record<KmsMethod, UnaryHandler>>;

/** One finished KMS call. Hashes only: never plaintext, ciphertext, raw key_id or uid. */
export interface RequestObservation {
  readonly method: KmsMethod;
  readonly code: Code;
  readonly errorClass: string;
  readonly durationMs: number;
  /** H(key_id), computed on first read. */
  readonly keyIdHash: string | undefined;
  /** H(request uid), computed on first read. */
  readonly uidHash: string | undefined;
  /** Internal cause for logs (classified errors only; never sent to the client). */
  readonly cause?: unknown;
}

export interface HandlerDeps {
  readonly service: KmsService;
  readonly limiters: Readonly<Record<KmsMethod, ConcurrencyLimiter>>;
  readonly observe: (o: RequestObservation) => void;
}

interface Outcome<R> {
  readonly response: R;
  readonly keyId?: string;
}

/** Builds the KMS v2 service's unary handlers for our gRPC server (server.ts). */
export function createHandlers(deps: HandlerDeps): KmsHandlers {
  function unary<Req, Res>(method: KmsMethod, run: (req: Req, signal: AbortSignal) => Promise<Outcome<Res>>): UnaryHandler {
    return (call, callback): void => {
      const startedAt = performance.now();
      const uid = isMalformed(call.request) ? "" : ((call.request as { uid?: string } | undefined)?.uid ?? "");
      // Hashes are computed only if the observer reads them (a successful call is usually not logged).
      const finish = (code: Code, errorClass: string, keyId: string | undefined, cause?: unknown) =>
        deps.observe({
          method,
          code,
          errorClass,
          durationMs: performance.now() - startedAt,
          get keyIdHash() {
            return keyId ? hashValue(keyId) : undefined;
          },
          get uidHash() {
            return uid ? hashValue(uid) : undefined;
          },
          ...(cause === undefined ? {} : { cause }),
        });

      const release = deps.limiters[method].tryAcquire();
      if (release === undefined) {
        const f = toGrpcFailure(new KmsError("concurrency_limit"), method);
        callback({ code: f.code, details: f.message });
        finish(f.code, f.errorClass, undefined);
        return;
      }
      let requestKeyId: string | undefined;
      Promise.resolve()
        .then(() => {
          // A request that did not decode (codec.ts) is answered here, so it is logged and counted.
          if (isMalformed(call.request)) throw new KmsError("request_malformed");
          requestKeyId = (call.request as { keyId?: string } | undefined)?.keyId;
          return run(call.request as Req, call.cancelled);
        })
        .then(
          (outcome) => {
            callback(null, outcome.response);
            finish(Code.OK, "none", outcome.keyId ?? requestKeyId);
          },
          (error: unknown) => {
            const f = toGrpcFailure(error, method);
            callback({ code: f.code, details: f.message });
            finish(f.code, f.errorClass, requestKeyId, error);
          },
        )
        .finally(release);
    };
  }

  const { service } = deps;
  let lastStatus: v2.StatusResponse | undefined;
  return {
    Status: unary<unknown, unknown>("Status", async () => {
      const r = service.status();
      // One response object per status view: the server encodes it once (server.ts) and sends the same bytes.
      if (lastStatus === undefined || lastStatus.version !== r.version || lastStatus.healthz !== r.healthz || lastStatus.keyId !== r.keyId) {
        lastStatus = new v2.StatusResponse({ version: r.version, healthz: r.healthz, keyId: r.keyId });
      }
      return { response: lastStatus, keyId: r.keyId };
    }),
    Encrypt: unary<v2.EncryptRequest, unknown>("Encrypt", async (req, signal) => {
      const r = await service.encrypt({ plaintext: req.plaintext }, signal);
      const annotations: Record<string, Uint8Array> = {};
      for (const [k, v] of r.annotations) annotations[k] = new TextEncoder().encode(v);
      return { response: new v2.EncryptResponse({ ciphertext: r.ciphertext, keyId: r.keyId, annotations }), keyId: r.keyId };
    }),
    Decrypt: unary<v2.DecryptRequest, unknown>("Decrypt", async (req, signal) => {
      const plaintext = await service.decrypt(
        { ciphertext: req.ciphertext, keyId: req.keyId, annotations: Object.entries(req.annotations) },
        signal,
      );
      return { response: new v2.DecryptResponse({ plaintext }) };
    }),
  };
}
