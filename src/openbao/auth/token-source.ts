// The OpenBao token, in memory only, for the life of the process (reference §4.5):
// - a token inside `loginBeforeExpiryMs` of its expiry is refreshed in the background while
//   callers keep using it: renew-self when renewable, a fresh login otherwise or when the
//   renewal fails (same flight);
// - any number of concurrent callers share one refresh (single flight);
// - a lease not longer than the refresh window is a failure;
// - a failed refresh backs off (1 s doubling to 30 s) and a still-valid token stays in use;
// - recovery: after OpenBao refused a token (401/403), `recover` logs in once for all callers
//   holding that token, at most once per 5 s, backing off 5 s → 5 m while denials continue;
// - a renewal that finishes after its token was refused never restores that token.

import { raceSignal } from "../../platform/race-signal.ts";
import type { TokenSource } from "../tokens.ts";
import { AuthError, authFailureClass } from "./errors.ts";

/** What a login or a renewal returned. */
export interface LeaseResult {
  readonly token: string;
  readonly leaseSeconds: number;
  readonly renewable: boolean;
}

export type LoginFn = (signal: AbortSignal) => Promise<LeaseResult>;
export type RenewFn = (token: string, incrementSeconds: number, signal: AbortSignal) => Promise<LeaseResult>;

/** One login or renewal attempt, for logs and metrics (never the token). */
export interface AuthEvent {
  readonly kind: "login" | "renewal";
  /** "ok" or the failure class (AuthError.authClass or the transport class). */
  readonly outcome: string;
  readonly durationMs: number;
  /** Lease granted, seconds (ok only). */
  readonly leaseSeconds?: number;
  /** Why it ran: first login, refresh ahead of expiry, no valid token, or recovery after a denial. */
  readonly reason: "initial" | "refresh" | "expired" | "recovery";
  readonly error?: unknown;
}

export interface TokenManagerOptions {
  readonly login: LoginFn;
  /** renew-self; omitted = never renew, always log in again. */
  readonly renew?: RenewFn;
  readonly loginBeforeExpiryMs: number;
  readonly renewalIncrementMs: number;
  /** Deadline of one refresh (login and/or renewal), independent of callers' deadlines. */
  readonly refreshTimeoutMs: number;
  /** A monotonic clock (token lifetimes and backoffs are durations); performance.now by default. */
  readonly nowMs?: () => number;
  readonly onEvent?: (e: AuthEvent) => void;
}

/** Recovery throttle (reference §4.5): 5 s first, doubling, capped at 5 m; 10 m quiet = new incident. */
export const recoveryBackoff = { initialMs: 5_000, maxMs: 300_000, quietMs: 600_000 } as const;
/** Refresh failure backoff: 1 s doubling to 30 s. */
export const refreshBackoff = { initialMs: 1_000, maxMs: 30_000 } as const;

const backoffMs = (b: { initialMs: number; maxMs: number }, failures: number) => Math.min(b.maxMs, b.initialMs * 2 ** Math.min(failures, 20));

interface Current {
  readonly token: string;
  readonly expiresAtMs: number;
  readonly renewable: boolean;
}

export function createTokenManager(opts: TokenManagerOptions): TokenSource {
  const now = opts.nowMs ?? (() => performance.now());
  const incrementSeconds = Math.max(1, Math.ceil(opts.renewalIncrementMs / 1000));
  let current: Current | undefined;
  let everLoggedIn = false;
  let flight: Promise<void> | undefined;
  let lastError: unknown;
  let refreshFailures = 0;
  let nextRetryAtMs = 0;
  let rejected: string | undefined;
  let recovering: { token: string; promise: Promise<string | undefined> } | undefined;
  let recoveryFailures = 0;
  let nextRecoveryAtMs = 0;
  let lastDenialAtMs: number | undefined;
  // The token whose retry refusal was already counted: concurrent retries with one recovered
  // token are one repeated denial, not one each (50 callers must not jump the backoff to 5 m).
  let counted: string | undefined;

  const valid = (c: Current | undefined): c is Current => c !== undefined && now() < c.expiresAtMs;

  const emit = (e: AuthEvent) => {
    try {
      opts.onEvent?.(e);
    } catch {
      // An observer never changes the outcome.
    }
  };

  function checkLease(r: LeaseResult, kind: "login" | "renewal"): void {
    if (r.leaseSeconds * 1000 <= opts.loginBeforeExpiryMs) {
      throw new AuthError(
        "lease_too_short",
        `the OpenBao ${kind} granted a lease of ${r.leaseSeconds}s, not longer than auth.login_before_token_expiry; raise the role's token TTL or lower that setting`,
        { operation: kind === "login" ? "auth.login" : "auth.renew_self" },
      );
    }
  }

  async function refresh(forceLogin: boolean, reason: AuthEvent["reason"]): Promise<void> {
    const signal = AbortSignal.timeout(opts.refreshTimeoutMs);
    const cur = current;
    if (!forceLogin && opts.renew !== undefined && valid(cur) && cur.renewable && cur.token !== rejected) {
      const t0 = performance.now();
      try {
        const r = await opts.renew(cur.token, incrementSeconds, signal);
        checkLease(r, "renewal");
        if (cur.token !== rejected && current === cur) {
          current = { token: r.token || cur.token, expiresAtMs: now() + r.leaseSeconds * 1000, renewable: r.renewable };
          refreshFailures = 0;
          lastError = undefined;
          emit({ kind: "renewal", outcome: "ok", durationMs: performance.now() - t0, leaseSeconds: r.leaseSeconds, reason });
          return;
        }
        // Superseded: the token was refused meanwhile; never put it back. Log in instead.
        emit({ kind: "renewal", outcome: "superseded", durationMs: performance.now() - t0, reason });
      } catch (error) {
        emit({ kind: "renewal", outcome: authFailureClass(error), durationMs: performance.now() - t0, reason, error });
      }
    }
    const t0 = performance.now();
    try {
      const r = await opts.login(signal);
      checkLease(r, "login");
      current = { token: r.token, expiresAtMs: now() + r.leaseSeconds * 1000, renewable: r.renewable };
      everLoggedIn = true;
      refreshFailures = 0;
      lastError = undefined;
      nextRetryAtMs = 0;
      emit({ kind: "login", outcome: "ok", durationMs: performance.now() - t0, leaseSeconds: r.leaseSeconds, reason });
    } catch (error) {
      lastError = error;
      nextRetryAtMs = now() + backoffMs(refreshBackoff, refreshFailures);
      refreshFailures++;
      emit({ kind: "login", outcome: authFailureClass(error), durationMs: performance.now() - t0, reason, error });
      throw error;
    }
  }

  function startRefresh(forceLogin: boolean, reason: AuthEvent["reason"]): Promise<void> {
    flight ??= refresh(forceLogin, reason).finally(() => {
      flight = undefined;
    });
    return flight;
  }

  const self: TokenSource = {
    async token(signal) {
      const c = current;
      if (valid(c)) {
        if (now() >= c.expiresAtMs - opts.loginBeforeExpiryMs && flight === undefined && now() >= nextRetryAtMs) {
          startRefresh(false, "refresh").catch(() => {});
        }
        return c.token;
      }
      if (flight === undefined && lastError !== undefined && now() < nextRetryAtMs) throw lastError;
      await raceSignal(startRefresh(false, everLoggedIn ? "expired" : "initial"), signal);
      const after = current;
      if (valid(after)) return after.token;
      throw lastError ?? new AuthError("login_failed", "no valid OpenBao token after login");
    },

    recover(rejectedToken, signal) {
      if (recovering?.token === rejectedToken) return raceSignal(recovering.promise, signal);
      const c = current;
      if (c === undefined || c.token !== rejectedToken) {
        // Already replaced by someone else's recovery or refresh: retry with that one.
        return Promise.resolve(valid(c) ? c.token : undefined);
      }
      const t = now();
      if (lastDenialAtMs !== undefined && t - lastDenialAtMs >= recoveryBackoff.quietMs) recoveryFailures = 0;
      lastDenialAtMs = t;
      if (t < nextRecoveryAtMs) return Promise.resolve(undefined);
      nextRecoveryAtMs = t + backoffMs(recoveryBackoff, recoveryFailures);
      rejected = rejectedToken;
      const promise = (async (): Promise<string | undefined> => {
        if (flight !== undefined) await flight.catch(() => {});
        if (valid(current) && current.token !== rejectedToken) return current.token;
        try {
          await startRefresh(true, "recovery");
        } catch {
          recoveryFailures++;
          return undefined;
        }
        return valid(current) && current.token !== rejectedToken ? current.token : undefined;
      })().finally(() => {
        if (recovering?.promise === promise) recovering = undefined;
      });
      recovering = { token: rejectedToken, promise };
      return raceSignal(promise, signal);
    },

    rejectedAgain(token) {
      if (current?.token !== token || counted === token) return;
      counted = token;
      const t = now();
      lastDenialAtMs = t;
      recoveryFailures++;
      nextRecoveryAtMs = Math.max(nextRecoveryAtMs, t + backoffMs(recoveryBackoff, recoveryFailures));
    },

    recoveryWouldLogIn(rejectedToken) {
      if (recovering?.token === rejectedToken) return true;
      return current?.token === rejectedToken && now() >= nextRecoveryAtMs;
    },

    retryNow() {
      nextRetryAtMs = 0;
    },

    expiresAtMs: () => current?.expiresAtMs,
  };
  return self;
}
