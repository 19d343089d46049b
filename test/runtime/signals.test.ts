// serve's signal phases (src/runtime/signals.ts) with fake process hooks: during start-up a
// signal aborts the start-up signal, and the process ends by re-raising it once start-up has
// unwound (or after the unwind deadline); once serving it drains; a second one exits 1; done()
// removes the handlers.

import { expect, test } from "bun:test";
import { installServeSignals, type ServeSignalName, type SignalHooks, StartupAborted, startupUnwindMs } from "../../src/runtime/signals.ts";

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function fake() {
  const handlers = new Map<ServeSignalName, () => void>();
  const events: string[] = [];
  const timers: Array<() => void> = [];
  const hooks: SignalHooks = {
    on: (name, fn) => void handlers.set(name, fn),
    off: (name, fn) => {
      if (handlers.get(name) === fn) handlers.delete(name);
      events.push(`off ${name}`);
    },
    raise: (name) => void events.push(`raise ${name}`),
    exitNow: (code) => {
      events.push(`exit ${code}`);
      throw new Exited(code);
    },
    sleepSync: (ms) => void events.push(`sleep ${ms}`),
    after: (ms, fn) => {
      events.push(`timer ${ms}`);
      timers.push(fn);
    },
  };
  const run = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof Exited)) throw e;
    }
  };
  const send = (name: ServeSignalName) => run(() => handlers.get(name)?.());
  const fireTimers = () => run(() => timers.splice(0).forEach((t) => t()));
  return { hooks, events, send, handlers, fireTimers, run };
}

const unused = () => {
  throw new Error("unused");
};

test("a signal during start-up aborts the start-up signal; unwinding ends the process by that signal", () => {
  for (const [name, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    const f = fake();
    const s = installServeSignals(unused, f.hooks);
    s.onStartupAbort((sig) => f.events.push(`abort ${sig}`));
    s.onStartupAbort(() => {
      throw new Error("a failing hook does not stop the others");
    });
    expect(s.startup.aborted).toBe(false);
    f.send(name);
    expect(s.startup.aborted).toBe(true);
    expect(s.startup.reason).toBeInstanceOf(StartupAborted);
    expect((s.startup.reason as StartupAborted).signal).toBe(name);
    expect(f.events).toEqual([`abort ${name}`, `timer ${startupUnwindMs}`]);
    f.run(() => s.endByStartupSignal());
    expect(f.events.slice(2)).toEqual(["off SIGTERM", "off SIGINT", `raise ${name}`, "sleep 200", `exit ${code}`]);
    expect(f.handlers.size).toBe(0);
  }
});

test("start-up that does not unwind in time: the deadline re-raises the signal anyway", () => {
  const f = fake();
  installServeSignals(unused, f.hooks);
  f.send("SIGTERM");
  f.fireTimers();
  expect(f.events).toEqual([`timer ${startupUnwindMs}`, "off SIGTERM", "off SIGINT", "raise SIGTERM", "sleep 200", "exit 143"]);
});

test("a second signal while start-up unwinds re-raises the first at once", () => {
  const f = fake();
  installServeSignals(unused, f.hooks);
  f.send("SIGINT");
  f.send("SIGTERM");
  expect(f.events).toEqual([`timer ${startupUnwindMs}`, "off SIGTERM", "off SIGINT", "raise SIGINT", "sleep 200", "exit 130"]);
});

test("once serving: the first signal resolves serving() (drain), a second ends the process by that signal after its hook", async () => {
  const f = fake();
  const s = installServeSignals(unused, f.hooks);
  s.onStartupAbort(() => f.events.push("abort"));
  const drained = s.serving((sig) => f.events.push(`second ${sig}`));
  f.send("SIGTERM");
  expect(await drained).toBe("SIGTERM");
  expect(s.startup.aborted).toBe(false);
  f.send("SIGINT");
  expect(f.events).toEqual(["second SIGINT", "off SIGTERM", "off SIGINT", "raise SIGINT", "sleep 200", "exit 130"]);
});

test("done(): later signals are ignored and the handlers are removed", async () => {
  const f = fake();
  const s = installServeSignals(unused, f.hooks);
  const drained = s.serving();
  f.send("SIGTERM");
  await drained;
  s.done();
  expect(f.handlers.size).toBe(0);
  expect(f.events).toEqual(["off SIGTERM", "off SIGINT"]);
});
