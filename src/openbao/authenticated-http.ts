// Token-carrying OpenBao requests with recovery (reference §4.5): a 401 or 403 hands the refused
// token to the token source, which logs in once for every caller holding it (throttled, with
// backoff); the request is then retried once with the new token. A second refusal is reported
// back so further recoveries back off. Without a new token the original failure stands.

import { TransitError } from "../kms/errors.ts";
import type { OpenBaoHttp, OpenBaoResponse } from "./http.ts";
import type { TokenSource } from "./token-source.ts";

export interface AuthenticatedHttp {
  request(method: "GET" | "POST", path: string, operation: string, options?: { json?: unknown; signal?: AbortSignal }): Promise<OpenBaoResponse>;
}

const isDenial = (e: unknown): e is TransitError => e instanceof TransitError && (e.kind === "unauthenticated" || e.kind === "permission_denied");

export function createAuthenticatedHttp(http: OpenBaoHttp, tokens: TokenSource): AuthenticatedHttp {
  return {
    async request(method, path, operation, options = {}) {
      const { json, signal } = options;
      const send = (token: string) => http.request(method, path, operation, { token, json, ...(signal ? { signal } : {}) });
      const token = await tokens.token(signal);
      try {
        return await send(token);
      } catch (error) {
        if (!isDenial(error)) throw error;
        const fresh = await tokens.recover(token, signal);
        if (fresh === undefined) throw error;
        try {
          return await send(fresh);
        } catch (again) {
          if (isDenial(again)) tokens.rejectedAgain(fresh);
          throw again;
        }
      }
    },
  };
}
