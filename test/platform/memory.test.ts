// Memory trimming on a manual schedule: each tick is one interval, so "nothing happened" is
// asserted after exact ticks instead of after sleeping.
import { expect, test } from "bun:test";
import { startMemoryTrim } from "../../src/platform/memory.ts";

function manual() {
  let tick: (() => void) | undefined;
  let stopped = false;
  const every = (_ms: number, t: () => void) => ((tick = t), () => void (stopped = true));
  return { every, tick: (n = 1) => { for (let i = 0; i < n; i++) tick?.(); }, stopped: () => stopped };
}

test("never collects while requests keep arriving; collects once after they stop; not again while idle", () => {
  let collections = 0;
  const s = manual();
  const trim = startMemoryTrim(1000, () => collections++, s.every);
  s.tick(3);
  expect(collections).toBe(0); // idle from the start: nothing to give back
  for (let i = 0; i < 5; i++) {
    trim.noteActivity();
    s.tick();
  }
  expect(collections).toBe(0); // busy in every interval
  s.tick();
  expect(collections).toBe(1); // the first quiet interval collects once
  s.tick(10);
  expect(collections).toBe(1); // and not again while idle
  trim.noteActivity();
  s.tick();
  s.tick();
  expect(collections).toBe(2); // activity, then a quiet interval: one more
  trim.stop();
  expect(s.stopped()).toBe(true);
});

test("the real timer: one collection after a burst", async () => {
  let collections = 0;
  const trim = startMemoryTrim(20, () => collections++);
  trim.noteActivity();
  await Bun.sleep(90);
  trim.stop();
  expect(collections).toBe(1);
});
