// Two kinds of time, kept apart so a clock step cannot change a running provider's behaviour:
// - monotonicMs: for every duration and deadline inside the process (staleness, activation
//   delay, restart hold, token refresh, backoffs, memory trimming). It never jumps when NTP or an
//   operator steps the wall clock.
// - wallMs: only for what is persisted, logged, or compared with timestamps from elsewhere
//   (OpenBao's key creation times, a JWT's exp).

export interface Clock {
  /** Unix epoch milliseconds (may step backwards or forwards). */
  wallMs(): number;
  /** Milliseconds from an arbitrary origin; never decreases within a process. */
  monotonicMs(): number;
}

/** The process clock: Date.now and performance.now (performance.timeOrigin is fixed at start). */
export const systemClock: Clock = {
  wallMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/** A clock that moves only when told to (tests): `advance` moves both sides, `stepWall` only the wall. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  stepWall(ms: number): void;
}

export function manualClock(startWallMs = Date.UTC(2026, 0, 1), startMonotonicMs = 1_000_000): ManualClock {
  let wall = startWallMs;
  let mono = startMonotonicMs;
  return {
    wallMs: () => wall,
    monotonicMs: () => mono,
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError("a monotonic clock only moves forwards");
      wall += ms;
      mono += ms;
    },
    stepWall(ms) {
      wall += ms;
    },
  };
}
