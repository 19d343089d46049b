// Per-probe-kind circuit breaker (reference §2.8 rule 37): after `threshold` consecutive
// failures it opens for `openMs`, during which probes are skipped and count as failures;
// the first probe after that is let through (half-open): a success closes it, a failure opens
// it again at once for another `openMs`.

export class CircuitBreaker {
  private failures = 0;
  private openUntilMs: number | undefined;

  constructor(
    private readonly nowMs: () => number,
    private readonly threshold = 3,
    private readonly openMs = 30_000,
  ) {}

  /** True while open: the caller must not run the probe. */
  isOpen(): boolean {
    if (this.openUntilMs === undefined) return false;
    if (this.nowMs() >= this.openUntilMs) {
      this.openUntilMs = undefined;
      return false;
    }
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openUntilMs = undefined;
  }

  recordFailure(): void {
    this.failures++;
    // The count is not reset on opening: after the window, one more failure re-opens it.
    if (this.failures >= this.threshold) this.openUntilMs = this.nowMs() + this.openMs;
  }
}
