// serve's signal phases (src/cli/serve-signals.ts) with fake process hooks: during start-up a
// signal runs the abort hooks and re-raises itself with the default action (falling back to
// 128+signo); once serving it drains; a second one exits 1.

import { expect, test } from "bun:test";
import { installServeSignals, type ServeSignalName, type SignalHooks } from "../../src/cli/serve-signals.ts";

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function fake() {
  const handlers = new Map<ServeSignalName, () => void>();
  const events: string[] = [];
  const hooks: SignalHooks = {
    on: (name, fn) => void handlers.set(name, fn),
    off: (name) => void (handlers.delete(name), events.push(`off ${name}`)),
    raise: (name) => void events.push(`raise ${name}`),
    exitNow: (code) => {
      events.push(`exit ${code}`);
      throw new Exited(code);
    },
    sleepSync: (ms) => void events.push(`sleep ${ms}`),
  };
  const send = (name: ServeSignalName) => {
    try {
      handlers.get(name)?.();
    } catch (e) {
      if (!(e instanceof Exited)) throw e;
    }
  };
  return { hooks, events, send, handlers };
}

test("a signal during start-up: abort hooks, default action restored and re-raised, 128+signo only as a fallback", () => {
  for (const [name, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    const f = fake();
    const s = installServeSignals(() => { throw new Error("unused"); }, f.hooks);
    s.onStartupAbort((sig) => f.events.push(`abort ${sig}`));
    s.onStartupAbort(() => {
      throw new Error("a failing hook does not stop the others");
    });
    f.send(name);
    expect(f.events).toEqual([`abort ${name}`, "off SIGTERM", "off SIGINT", `raise ${name}`, "sleep 200", `exit ${code}`]);
  }
});

test("once serving: the first signal resolves serving() (drain), a second exits 1 after its hook", async () => {
  const f = fake();
  const s = installServeSignals(() => { throw new Error("unused"); }, f.hooks);
  s.onStartupAbort(() => f.events.push("abort"));
  const drained = s.serving((sig) => f.events.push(`second ${sig}`));
  f.send("SIGTERM");
  expect(await drained).toBe("SIGTERM");
  f.send("SIGINT");
  expect(f.events).toEqual(["second SIGINT", "exit 1"]);
});

test("after done(): a late signal is ignored", () => {
  const f = fake();
  const s = installServeSignals(() => { throw new Error("unused"); }, f.hooks);
  void s.serving();
  f.send("SIGTERM");
  s.done();
  f.send("SIGTERM");
  expect(f.events).toEqual([]);
});
