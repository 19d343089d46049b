// Keeps RSS near the live heap without pausing busy periods. Under sustained RPC load
// JavaScriptCore lets RSS grow to a ~150 MB plateau; collecting every second held it near
// 100 MB but put full-GC pauses into the p99 of busy periods. So: one full collection once
// activity has stopped for a whole interval (docs/decisions/runtime.md, docs/performance.md).

export interface MemoryTrim {
  /** Call on every finished request. */
  noteActivity(): void;
  stop(): void;
}

/** Calls `tick` every `ms` until the returned stop is called (tests pass a manual one). */
export type Every = (ms: number, tick: () => void) => () => void;

const everyUnref: Every = (ms, tick) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

/** Starts the trim timer (unref'd, so it never keeps the process alive). */
export function startMemoryTrim(intervalMs: number, collect: () => void = () => Bun.gc(true), every: Every = everyUnref): MemoryTrim {
  let sinceCollection = false; // activity since the last collection
  let thisInterval = false; // activity during the current interval
  const stop = every(intervalMs, () => {
    if (thisInterval) {
      thisInterval = false; // still busy: never pause now
      return;
    }
    if (!sinceCollection) return; // idle and already collected
    sinceCollection = false;
    collect();
  });
  return {
    noteActivity: () => {
      sinceCollection = true;
      thisInterval = true;
    },
    stop,
  };
}

/** One full collection now (batch work between pages, where a pause costs nothing). */
export function collectNow(): void {
  Bun.gc(true);
}
