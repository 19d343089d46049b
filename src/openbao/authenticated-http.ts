// Token-carrying OpenBao requests with recovery (reference §4.5): a 401 or 403 hands the refused
// token to the token source, which logs in once for every caller holding it (throttled, with
// backoff); the request is then retried once with the new token. A second refusal is reported
// back so further recoveries back off. Without a new token the original failure stands.
// A caller may explain a 403 first (`explainDenial`): when that finds the real cause (for example
// a missing Transit key, docs/openbao-compat.md §Encrypt on a missing key), its error is thrown
// and no login happens, so a permanent cause never drives repeated logins. The first 403 is
// explained with `mayRead` only when recovery would log in now (not throttled); the retry's 403
// always may read (at most once per recovery), and is explained before it counts as a repeated
// denial, so a revoked token meeting a missing key ends as not_found, not as a backoff.

import { TransitError } from "../kms/errors.ts";
import type { OpenBaoHttp, OpenBaoResponse } from "./http.ts";
import type { TokenSource } from "./tokens.ts";

export interface AuthenticatedRequestOptions {
  json?: unknown;
  signal?: AbortSignal;
  /** Called on a 403 with the refused token; a returned error is thrown instead of recovering. */
  explainDenial?: (token: string, denial: TransitError, mayRead: boolean, signal?: AbortSignal) => Promise<TransitError | undefined>;
}

export interface AuthenticatedHttp {
  request(method: "GET" | "POST", path: string, operation: string, options?: AuthenticatedRequestOptions): Promise<OpenBaoResponse>;
}

const isDenial = (e: unknown): e is TransitError => e instanceof TransitError && (e.kind === "unauthenticated" || e.kind === "permission_denied");

export function createAuthenticatedHttp(http: OpenBaoHttp, tokens: TokenSource): AuthenticatedHttp {
  return {
    async request(method, path, operation, options = {}) {
      const { json, signal, explainDenial } = options;
      const send = (token: string) => http.request(method, path, operation, { token, json, ...(signal ? { signal } : {}) });
      const token = await tokens.token(signal);
      try {
        return await send(token);
      } catch (error) {
        if (!isDenial(error)) throw error;
        if (explainDenial !== undefined && error.kind === "permission_denied") {
          const explained = await explainDenial(token, error, tokens.recoveryWouldLogIn?.(token) ?? true, signal);
          if (explained !== undefined) throw explained;
        }
        const fresh = await tokens.recover(token, signal);
        if (fresh === undefined) throw error;
        try {
          return await send(fresh);
        } catch (again) {
          if (!isDenial(again)) throw again;
          if (explainDenial !== undefined && again.kind === "permission_denied") {
            const explained = await explainDenial(fresh, again, true, signal);
            if (explained !== undefined) throw explained;
          }
          tokens.rejectedAgain(fresh);
          throw again;
        }
      }
    },
  };
}
