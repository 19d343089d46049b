// Start-up retries (reference §4.5 "Bootstrap"): the first login and probe are attempted every
// bootstrap.retry_interval until bootstrap.grace_timeout has passed (the last wait is clamped to
// the time left); grace_timeout 0 means a single attempt. The last failure is then reported.
// A failure that `isPermanent` recognises (waiting cannot heal it) ends the loop at once.
// `signal` cancels everything: the attempt in progress is abandoned and no wait is started.
// The deadline is on the monotonic clock, so stepping the wall clock cannot shorten or stretch it.

import { type Clock, systemClock } from "../platform/clock.ts";
import { delay } from "../platform/delay.ts";
import { raceSignal } from "../platform/race-signal.ts";

export interface BootstrapOptions {
  readonly graceTimeoutMs: number;
  readonly retryIntervalMs: number;
  readonly clock?: Clock;
  /** Aborts the retries (a shutdown signal): rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Waits; defaults to an abortable timer (tests pass a fake). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** True for a failure that no retry can heal: it is thrown at once, as it is. */
  readonly isPermanent?: (error: unknown) => boolean;
  /** Called after each failed attempt that will be retried. */
  readonly onRetry?: (attempt: number, error: unknown, waitMs: number) => void;
}

/** The grace period ran out; `cause` is the last attempt's failure. */
export class BootstrapTimeoutError extends Error {
  override readonly name = "BootstrapTimeoutError" as const;
  constructor(
    readonly graceTimeoutMs: number,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(`start-up did not succeed within ${graceTimeoutMs / 1000}s (${attempts} attempt${attempts === 1 ? "" : "s"})`, { cause });
  }
}

export async function retryBootstrap<T>(attempt: () => Promise<T>, o: BootstrapOptions): Promise<T> {
  const clock = o.clock ?? systemClock;
  const sleep = o.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, signal === undefined ? {} : { signal }));
  const deadline = clock.monotonicMs() + o.graceTimeoutMs;
  for (let n = 1; ; n++) {
    if (o.signal?.aborted) throw o.signal.reason;
    try {
      return await raceSignal(attempt(), o.signal);
    } catch (error) {
      if (o.signal?.aborted) throw o.signal.reason;
      if (o.isPermanent?.(error) === true) throw error;
      const left = deadline - clock.monotonicMs();
      if (left <= 0) throw new BootstrapTimeoutError(o.graceTimeoutMs, n, error);
      const wait = Math.min(o.retryIntervalMs, left);
      o.onRetry?.(n, error, wait);
      await sleep(wait, o.signal);
    }
  }
}
