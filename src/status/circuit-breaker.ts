// Per-probe-kind circuit breaker (reference §2.8 rule 37, with a shorter first window): after
// `threshold` consecutive failures it opens, and probes are skipped (counting as failures); the
// first probe after the window is let through (half-open): a success closes it and forgets
// everything, a failure opens it again at once. The window starts at `baseOpenMs` (serve: one
// probe interval) and doubles with each re-opening up to `maxOpenMs` (30 s), times a jitter
// factor in (0.75, 1], so a short outage is noticed at the next probe and nodes do not retry in
// step; a success resets it, so separate faults never add their windows together
// (docs/decisions/circuit-breaker.md). Time is monotonic.

export class CircuitBreaker {
  private failures = 0;
  /** Consecutive openings since the last success (the window's exponent). */
  private openings = 0;
  private openUntilMs: number | undefined;

  constructor(
    private readonly nowMs: () => number,
    private readonly threshold = 3,
    private readonly baseOpenMs = 30_000,
    private readonly maxOpenMs = 30_000,
    /** A factor in (0.75, 1]; 1 (no jitter) unless given. */
    private readonly jitter: () => number = () => 1,
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
    this.openings = 0;
    this.openUntilMs = undefined;
  }

  recordFailure(): void {
    this.failures++;
    // The count is not reset on opening: after the window, one more failure re-opens it.
    if (this.failures >= this.threshold) {
      this.openUntilMs = this.nowMs() + this.windowMs();
      this.openings++;
    }
  }

  /** The next open window: base × 2^openings, capped, times the jitter factor. */
  windowMs(): number {
    const raw = Math.min(this.maxOpenMs, this.baseOpenMs * 2 ** Math.min(this.openings, 30));
    const factor = Math.min(1, Math.max(0.75, this.jitter()));
    return Math.round(raw * factor);
  }
}

/** serve's jitter: uniform in [0.75, 1). */
export const breakerJitter = () => 0.75 + Math.random() * 0.25;
