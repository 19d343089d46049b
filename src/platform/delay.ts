// The one way to wait in this codebase: a timer that an AbortSignal cancels, so no loop (bootstrap
// retries, backoffs, probe schedules) can outlive a shutdown request.

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts (the timer is cleared). */
export function delay(ms: number, opts: { readonly signal?: AbortSignal } = {}): Promise<void> {
  const { signal } = opts;
  if (signal?.aborted === true) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
