// Bootstrap retries on a fixed clock: the grace period is a monotonic deadline, permanent
// failures end at once, and the start-up signal cancels an attempt or a wait immediately.

import { expect, test } from "bun:test";
import { BootstrapTimeoutError, retryBootstrap } from "../../src/runtime/bootstrap-retry.ts";
import { manualClock } from "../../src/platform/clock.ts";

test("retries every interval until the grace period, clamping the last wait", async () => {
  const clock = manualClock();
  const waits: number[] = [];
  let attempts = 0;
  const err = await retryBootstrap(
    async () => {
      attempts++;
      throw new Error("down");
    },
    { graceTimeoutMs: 2500, retryIntervalMs: 1000, clock, sleep: async (ms) => (waits.push(ms), clock.advance(ms)) },
  ).catch((e) => e);
  expect(err).toBeInstanceOf(BootstrapTimeoutError);
  expect(waits).toEqual([1000, 1000, 500]);
  expect(attempts).toBe(4);
});

test("a wall-clock step does not change the grace period (monotonic deadline)", async () => {
  const clock = manualClock();
  const waits: number[] = [];
  await retryBootstrap(
    async () => {
      throw new Error("down");
    },
    { graceTimeoutMs: 3000, retryIntervalMs: 1000, clock, sleep: async (ms) => (waits.push(ms), clock.stepWall(-3_600_000), clock.advance(ms)) },
  ).catch(() => undefined);
  expect(waits).toEqual([1000, 1000, 1000]);
});

test("a permanent failure ends the loop at once", async () => {
  const permanent = new Error("bad file mode");
  const err = await retryBootstrap(async () => Promise.reject(permanent), { graceTimeoutMs: 60_000, retryIntervalMs: 1000, isPermanent: (e) => e === permanent, sleep: async () => undefined }).catch((e) => e);
  expect(err).toBe(permanent);
});

test("the signal cancels a wait in progress with the real timer, well before the interval", async () => {
  const ac = new AbortController();
  const reason = new Error("SIGTERM");
  const t0 = performance.now();
  setTimeout(() => ac.abort(reason), 30);
  const err = await retryBootstrap(async () => Promise.reject(new Error("down")), { graceTimeoutMs: 60_000, retryIntervalMs: 10_000, signal: ac.signal }).catch((e) => e);
  expect(err).toBe(reason);
  expect(performance.now() - t0).toBeLessThan(500);
});

test("the signal abandons an attempt that hangs", async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error("stop")), 20);
  const err = await retryBootstrap(() => new Promise<never>(() => undefined), { graceTimeoutMs: 60_000, retryIntervalMs: 1000, signal: ac.signal }).catch((e) => e);
  expect((err as Error).message).toBe("stop");
});

test("an already aborted signal starts no attempt", async () => {
  let attempts = 0;
  const ac = new AbortController();
  ac.abort(new Error("early"));
  await retryBootstrap(async () => void attempts++, { graceTimeoutMs: 1000, retryIntervalMs: 100, signal: ac.signal }).catch(() => undefined);
  expect(attempts).toBe(0);
});
