// SIGTERM/SIGINT for `serve`, as one AbortSignal for start-up and one promise for the drain.
// Installed before serve's modules are even loaded (src/cli/root.ts), so no signal is handled
// differently by timing:
//   - before the socket is bound (config, lock, login, bootstrap retries): `startup` aborts, every
//     start-up wait ends at once (they all take that signal), the lock is released, and the
//     process ends *by that signal* (default action re-raised): killed by SIGTERM (shell status
//     143) / SIGINT (130), which systemd counts as a clean stop, exactly as if the signal had
//     come before this module ran. If start-up does not unwind within `startupUnwindMs`, the
//     signal is re-raised anyway;
//   - once the socket accepts (serving() was called): drain (up to 15 s), remove the socket, exit 0;
//   - a second signal while draining: the process ends at once, by that signal (143 / 130).
// No heavy imports here: this runs before grpc-js and the rest of serve are evaluated.

export type ServeSignalName = "SIGTERM" | "SIGINT";
const signalNumbers: Record<ServeSignalName, number> = { SIGTERM: 15, SIGINT: 2 };

/** The abort reason of `startup`: which signal stopped start-up. */
export class StartupAborted extends Error {
  override readonly name = "StartupAborted" as const;
  constructor(readonly signal: ServeSignalName) {
    super(`start-up stopped by ${signal}`);
  }
}

export interface ServeSignals {
  /** Aborts (reason: StartupAborted) on the first signal before serving(). */
  readonly startup: AbortSignal;
  /** Runs (synchronously, best effort) when a signal aborts start-up. */
  onStartupAbort(fn: (signal: ServeSignalName) => void): void;
  /** Start-up unwound after `startup` aborted: end the process by that signal now. */
  endByStartupSignal(): never;
  /** Start-up is over: the next signal drains (resolves with its name); `onSecond` runs before a second one ends the process. */
  serving(onSecond?: (signal: ServeSignalName) => void): Promise<ServeSignalName>;
  /** The drain is done: later signals are ignored and the handlers are removed. */
  done(): void;
}

/** Process hooks; tests pass their own. */
export interface SignalHooks {
  readonly on: (name: ServeSignalName, fn: () => void) => void;
  readonly off: (name: ServeSignalName, fn: () => void) => void;
  readonly raise: (name: ServeSignalName) => void;
  readonly exitNow: (code: number) => never;
  readonly sleepSync: (ms: number) => void;
  /** A timer for the unwind deadline (unref'd in the process). */
  readonly after: (ms: number, fn: () => void) => void;
}

const processHooks = (exitNow: (code: number) => never): SignalHooks => ({
  on: (name, fn) => void process.on(name, fn),
  off: (name, fn) => void process.off(name, fn),
  raise: (name) => void process.kill(process.pid, name),
  exitNow,
  sleepSync: (ms) => Bun.sleepSync(ms),
  after: (ms, fn) => void setTimeout(fn, ms).unref(),
});

/** How long to wait for a re-raised signal to end the process before exiting with 128+signo. */
const reraiseFallbackMs = 200;
/** Start-up gets this long to unwind (release the lock, log) before the signal is re-raised regardless. */
export const startupUnwindMs = 500;

export function installServeSignals(exitNow: (code: number) => never, hooks: SignalHooks = processHooks(exitNow)): ServeSignals {
  let phase: "starting" | "aborting" | "serving" | "draining" | "done" = "starting";
  const aborters: Array<(s: ServeSignalName) => void> = [];
  const startup = new AbortController();
  let startupSignal: ServeSignalName = "SIGTERM";
  let resolveServing: ((s: ServeSignalName) => void) | undefined;
  let second: ((s: ServeSignalName) => void) | undefined;
  const onTerm = () => handle("SIGTERM");
  const onInt = () => handle("SIGINT");
  const remove = () => {
    hooks.off("SIGTERM", onTerm);
    hooks.off("SIGINT", onInt);
  };
  const reraise = (name: ServeSignalName): never => {
    remove();
    hooks.raise(name);
    // The default action normally ends the process inside raise(); if a runtime thread delays
    // it, the same status a shell would show.
    hooks.sleepSync(reraiseFallbackMs);
    return hooks.exitNow(128 + signalNumbers[name]);
  };
  function handle(name: ServeSignalName): void {
    switch (phase) {
      case "starting":
        phase = "aborting";
        startupSignal = name;
        for (const fn of aborters) {
          try {
            fn(name);
          } catch {
            // best effort: the process ends next whatever happens here
          }
        }
        startup.abort(new StartupAborted(name));
        hooks.after(startupUnwindMs, () => reraise(name));
        return;
      case "aborting":
        reraise(startupSignal); // a second signal while unwinding: no more waiting
        return;
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
        // Ended by the signal (143 / 130), not exit 1, which means "unexpected error".
        reraise(name);
        return;
      case "done":
        return;
    }
  }
  hooks.on("SIGTERM", onTerm);
  hooks.on("SIGINT", onInt);
  return {
    startup: startup.signal,
    onStartupAbort: (fn) => void aborters.push(fn),
    endByStartupSignal: () => reraise(startupSignal),
    serving: (onSecond) =>
      new Promise((resolve) => {
        second = onSecond;
        resolveServing = resolve;
        phase = "serving";
      }),
    done: () => {
      phase = "done";
      remove();
    },
  };
}
