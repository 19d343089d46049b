// What the Transit client needs from authentication: a token, and recovery after OpenBao refused
// one. The implementation (login, renewal, backoff) lives in src/openbao/auth/token-source.ts;
// this port keeps src/openbao/ free of any import from src/openbao/auth/ (no folder cycle).

export interface TokenSource {
  /** A currently valid token; waits for a login when there is none. */
  token(signal?: AbortSignal): Promise<string>;
  /**
   * OpenBao refused `rejected` (401/403). Resolves with a token to retry the request with once,
   * or undefined when recovery is throttled or the login failed (the caller then fails).
   */
  recover(rejected: string, signal?: AbortSignal): Promise<string | undefined>;
  /** The retry with a recovered token was refused too: further recoveries back off (once per token). */
  rejectedAgain(token: string): void;
  /**
   * Whether `recover(rejected)` would log in now or join a login in flight for that token. False
   * inside the recovery backoff, and when `rejected` was already replaced (recover then hands out
   * the replacement without a login). No side effect. Optional for test doubles: absent = true.
   */
  recoveryWouldLogIn?(rejected: string): boolean;
  /** The next `token()` may log in at once, even inside a failure backoff (bootstrap retries). */
  retryNow(): void;
  /** Expiry of the current token (ms, on the injected clock), or undefined without one. */
  expiresAtMs(): number | undefined;
}
