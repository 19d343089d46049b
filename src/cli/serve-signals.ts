// SIGTERM/SIGINT for `serve`, installed before serve.ts and its dependencies are even loaded
// (src/cli/root.ts), so there is no window in which a signal is handled differently:
//   - before the socket is bound (config, lock, login, bootstrap retries): start-up stops at
//     once and the process ends *by that signal* (default action re-raised). A signal that arrives before this module ran at all
//     ends the process by the same default action, so the outcome never depends on timing:
//     killed by SIGTERM (shell status 143) / SIGINT (130), which systemd counts as a clean stop.
//   - once the socket accepts (serving() was called): drain (up to 15 s), remove the socket, exit 0;
//   - a second signal while draining: exit 1 at once.
// No heavy imports here: this runs before grpc-js and the rest of serve are evaluated.

export type ServeSignalName = "SIGTERM" | "SIGINT";
const signalNumbers: Record<ServeSignalName, number> = { SIGTERM: 15, SIGINT: 2 };

export interface ServeSignals {
  /** Runs (synchronously, best effort) if a signal aborts start-up, before the process ends. */
  onStartupAbort(fn: (signal: ServeSignalName) => void): void;
  /** Start-up is over: the next signal drains (resolves with its name); `onSecond` runs before a second one exits 1. */
  serving(onSecond?: (signal: ServeSignalName) => void): Promise<ServeSignalName>;
  /** Called once the drain is done (a second signal after this is ignored). */
  done(): void;
}

/** Default process hooks; tests of this module pass their own. */
export interface SignalHooks {
  readonly on: (name: ServeSignalName, fn: () => void) => void;
  readonly off: (name: ServeSignalName) => void;
  readonly raise: (name: ServeSignalName) => void;
  readonly exitNow: (code: number) => never;
  readonly sleepSync: (ms: number) => void;
}

const processHooks = (exitNow: (code: number) => never): SignalHooks => ({
  on: (name, fn) => void process.on(name, fn),
  off: (name) => void process.removeAllListeners(name),
  raise: (name) => void process.kill(process.pid, name),
  exitNow,
  sleepSync: (ms) => Bun.sleepSync(ms),
});

/** How long to wait for a re-raised signal to end the process before exiting with 128+signo. */
const reraiseFallbackMs = 200;

export function installServeSignals(exitNow: (code: number) => never, hooks: SignalHooks = processHooks(exitNow)): ServeSignals {
  let phase: "starting" | "serving" | "draining" | "done" = "starting";
  const aborters: Array<(s: ServeSignalName) => void> = [];
  let resolveServing: ((s: ServeSignalName) => void) | undefined;
  let second: ((s: ServeSignalName) => void) | undefined;
  const handle = (name: ServeSignalName) => {
    switch (phase) {
      case "starting": {
        for (const fn of aborters) {
          try {
            fn(name);
          } catch {
            // best effort: the process ends next whatever happens here
          }
        }
        hooks.off("SIGTERM");
        hooks.off("SIGINT");
        hooks.raise(name);
        // The default action normally ends the process inside raise(); if a runtime thread
        // delays it, the same status a shell would show.
        hooks.sleepSync(reraiseFallbackMs);
        hooks.exitNow(128 + signalNumbers[name]);
        return;
      }
      case "serving":
        phase = "draining";
        resolveServing?.(name);
        return;
      case "draining":
        try {
          second?.(name);
        } catch {
          // best effort
        }
        hooks.exitNow(1);
        return;
      case "done":
        return;
    }
  };
  hooks.on("SIGTERM", () => handle("SIGTERM"));
  hooks.on("SIGINT", () => handle("SIGINT"));
  return {
    onStartupAbort: (fn) => void aborters.push(fn),
    serving: (onSecond) =>
      new Promise((resolve) => {
        second = onSecond;
        resolveServing = resolve;
        phase = "serving";
      }),
    done: () => {
      phase = "done";
    },
  };
}
