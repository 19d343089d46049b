// One request helper for every OpenBao call, on Bun's fetch: fixed base URL, trust roots from
// the configured CA only, server-name check, per-request timeout, redirects refused, bounded
// response body, and failures classified into TransitError without ever carrying OpenBao's text.
// (No ky: it doubled the CPU of each call for features we do not use; docs/decisions/http-client.md.)

import { TransitError } from "../kms/errors.ts";
import { classifyHttpFailure, classifyRedirect, classifyTransportFailure, redirectOrigin, refineConnectionFailure } from "./classify.ts";

export interface OpenBaoHttpOptions {
  /** https://host[:port], no path. */
  readonly address: string;
  /** PEM bundle; the only trust roots. */
  readonly caPem: string;
  readonly tlsServerName: string;
  /** "" = root namespace; otherwise sent as X-Vault-Namespace (never to rootOnlyPaths). */
  readonly namespace: string;
  /** Per request, ms. */
  readonly timeoutMs: number;
  /** Largest response body accepted, bytes. */
  readonly maxBodyBytes?: number;
  readonly fetch?: typeof fetch;
  /** Called once per request after it settled (metrics and logs). Never given headers or the request body. */
  readonly observe?: (o: OpenBaoRequestObservation) => void;
}

/** One finished OpenBao request. */
export interface OpenBaoRequestObservation {
  readonly operation: string;
  /** "ok", the TransitError class, or "timeout"/"canceled" when the caller's signal ended it. */
  readonly outcome: string;
  readonly httpStatus: number | undefined;
  readonly durationMs: number;
  /** The parsed body of a 2xx reply (auth.login's lease is read from it); never logged. */
  readonly body?: unknown;
}

export interface OpenBaoResponse {
  readonly status: number;
  /** Parsed JSON body, or undefined for an empty body (204). */
  readonly body: unknown;
}

export interface RequestOptions {
  readonly token?: string;
  readonly json?: unknown;
  readonly signal?: AbortSignal;
  /**
   * Non-2xx statuses that are answers, not failures (sys/health's 429/501/503): returned like a
   * 2xx, with `body` the parsed JSON or undefined when it is empty or not JSON.
   */
  readonly answerStatuses?: ReadonlySet<number>;
}

export const defaultMaxBodyBytes = 1024 * 1024;

/**
 * Paths OpenBao serves only in the root namespace: with X-Vault-Namespace it answers 400
 * "operation unavailable in namespaces" (internal/http/handler.go, restrictedSysAPIsNonLogical),
 * which would hide a sealed or uninitialized node. The namespace header is never sent to them.
 */
export const rootOnlyPaths: ReadonlySet<string> = new Set(["sys/health"]);

export interface OpenBaoHttp {
  /**
   * Sends `method /v1/<path>`. Resolves only for 2xx (and `answerStatuses`); throws TransitError
   * otherwise (or the signal's reason when aborted by the caller).
   */
  request(method: "GET" | "POST", path: string, operation: string, options?: RequestOptions): Promise<OpenBaoResponse>;
}

export function createOpenBaoHttp(opts: OpenBaoHttpOptions): OpenBaoHttp {
  const maxBodyBytes = opts.maxBodyBytes ?? defaultMaxBodyBytes;
  const doFetch = opts.fetch ?? fetch;
  const base = `${opts.address}/v1/`;
  const hostname = new URL(opts.address).hostname;
  // Bun's fetch extension: trust only the configured CA and check the configured name.
  const tls = { ca: opts.caPem, serverName: opts.tlsServerName, rejectUnauthorized: true };

  const plain: OpenBaoHttp = {
    async request(method, path, operation, options = {}) {
      const headers: Record<string, string> = {};
      if (options.token !== undefined) headers["X-Vault-Token"] = options.token;
      if (opts.namespace !== "" && !rootOnlyPaths.has(path)) headers["X-Vault-Namespace"] = opts.namespace;
      if (options.json !== undefined) headers["Content-Type"] = "application/json";
      const timeout = AbortSignal.timeout(opts.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await doFetch(base + path, {
          method,
          headers,
          redirect: "manual",
          signal,
          tls,
          // BUN_CONFIG_VERBOSE_FETCH would print the headers (the token) to stdout: never for us.
          verbose: false,
          ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
        } as RequestInit);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        const kind = timeout.aborted ? "unavailable" : await refineConnectionFailure(classifyTransportFailure(error), hostname);
        throw new TransitError(kind, operation, undefined, { cause: error });
      }
      if (response.status >= 300 && response.status < 400) {
        // Never followed (redirect: "manual"): a 307 is a standby pointing at the active node.
        await response.body?.cancel();
        const kind = classifyRedirect(response.status);
        const origin = kind === "standby_redirect" ? redirectOrigin(response.headers.get("location")) : undefined;
        throw new TransitError(kind, operation, response.status, origin === undefined ? {} : { redirectOrigin: origin });
      }
      let text: string;
      try {
        text = await readBounded(response, maxBodyBytes, operation);
      } catch (error) {
        // The timeout (or the caller) can also cut a body that stalls after the headers.
        if (error instanceof TransitError) throw error;
        if (options.signal?.aborted) throw options.signal.reason;
        throw new TransitError(timeout.aborted ? "unavailable" : "connection_failed", operation, response.status, { cause: error });
      }
      const answer = !response.ok && options.answerStatuses?.has(response.status) === true;
      let body: unknown;
      if (text !== "") {
        try {
          body = JSON.parse(text);
        } catch {
          if (!answer) throw new TransitError(response.ok ? "invalid_response" : classifyHttpFailure(response.status, []), operation, response.status);
        }
      }
      if (!response.ok && !answer) {
        const list = (body as { errors?: unknown } | undefined)?.errors;
        const emptyErrors = Array.isArray(list) && list.length === 0;
        throw new TransitError(classifyHttpFailure(response.status, errorsOf(body)), operation, response.status, emptyErrors ? { emptyErrors } : {});
      }
      return { status: response.status, body };
    },
  };
  return opts.observe === undefined ? plain : observeRequests(plain, opts.observe);
}

/** Wraps `inner` so every request reports one observation, whatever its result. */
export function observeRequests(inner: OpenBaoHttp, observe: (o: OpenBaoRequestObservation) => void): OpenBaoHttp {
  return {
    async request(method, path, operation, options = {}) {
      const startedAt = performance.now();
      const report = (outcome: string, httpStatus: number | undefined, body?: unknown) => {
        try {
          observe({ operation, outcome, httpStatus, durationMs: performance.now() - startedAt, ...(body === undefined ? {} : { body }) });
        } catch {
          // An observer must never change a request's result.
        }
      };
      try {
        const reply = await inner.request(method, path, operation, options);
        report("ok", reply.status, reply.body);
        return reply;
      } catch (error) {
        if (error instanceof TransitError) report(error.kind, error.status);
        else report(error instanceof DOMException && error.name === "TimeoutError" ? "timeout" : "canceled", undefined);
        throw error;
      }
    },
  };
}

function errorsOf(body: unknown): string[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? errors.filter((e): e is string => typeof e === "string") : [];
}

/** Reads at most `limit` bytes of body; a longer body is a failure, not a truncation. */
async function readBounded(response: Response, limit: number, operation: string): Promise<string> {
  const length = response.headers.get("content-length");
  const declared = Number(length ?? "0");
  if (declared > limit) {
    await response.body?.cancel();
    throw new TransitError("invalid_response", operation, response.status);
  }
  if (response.body === null) return "";
  // A declared length within the bound is all the client will read (HTTP framing): one native
  // read, without a stream reader, chunk list and copy (OpenBao's JSON answers carry one).
  if (length !== null && /^[0-9]+$/.test(length)) return response.text();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new TransitError("invalid_response", operation, response.status);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
