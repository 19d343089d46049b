// Per-method concurrency slots with no queue (reference rule 4): a call either gets a slot at
// once or is refused at once, so an overload can never hold kube-apiserver past its timeout.

export class ConcurrencyLimiter {
  private inFlightCount = 0;

  /** `max` must be 1..1024. */
  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1 || max > 1024) throw new RangeError("concurrency limit must be 1..1024");
  }

  /** Takes a slot; returns its release function (idempotent), or undefined when all are taken. */
  tryAcquire(): (() => void) | undefined {
    if (this.inFlightCount >= this.max) return undefined;
    this.inFlightCount++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlightCount--;
    };
  }

  get inFlight(): number {
    return this.inFlightCount;
  }
}
