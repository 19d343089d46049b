// Start-up retries (reference §4.5 "Bootstrap"): the first login and probe are attempted every
// bootstrap.retry_interval until bootstrap.grace_timeout has passed (the last wait is clamped to
// the time left); grace_timeout 0 means a single attempt. The last failure is then reported.
// A failure that `isPermanent` recognises (waiting cannot heal it) ends the loop at once.

export interface BootstrapOptions {
  readonly graceTimeoutMs: number;
  readonly retryIntervalMs: number;
  readonly nowMs?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
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
  const now = o.nowMs ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => Bun.sleep(ms));
  const deadline = now() + o.graceTimeoutMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (o.isPermanent?.(error) === true) throw error;
      const left = deadline - now();
      if (left <= 0) throw new BootstrapTimeoutError(o.graceTimeoutMs, n, error);
      const wait = Math.min(o.retryIntervalMs, left);
      o.onRetry?.(n, error, wait);
      await sleep(wait);
    }
  }
}
