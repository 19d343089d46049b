// Keeps RSS near the live heap. Under sustained RPC load JavaScriptCore lets the heap (and
// RSS) grow to ~150 MB before collecting; a full collection at most once per interval, and
// only after activity, holds it near 100 MB under load and ~80 MB idle (docs/performance.md).

export interface MemoryTrim {
  /** Call on every finished request; marks the interval as active. */
  noteActivity(): void;
  stop(): void;
}

/** Starts the trim timer (unref'd, so it never keeps the process alive). */
export function startMemoryTrim(intervalMs: number, collect: () => void = () => Bun.gc(true)): MemoryTrim {
  let active = false;
  const timer = setInterval(() => {
    if (!active) return;
    active = false;
    collect();
  }, intervalMs);
  timer.unref();
  return {
    noteActivity: () => {
      active = true;
    },
    stop: () => clearInterval(timer),
  };
}
