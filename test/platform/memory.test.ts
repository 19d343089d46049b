import { expect, test } from "bun:test";
import { startMemoryTrim } from "../../src/platform/memory.ts";

test("never collects while requests keep arriving; collects once after they stop; not again while idle", async () => {
  let collections = 0;
  const trim = startMemoryTrim(20, () => collections++);
  await Bun.sleep(60);
  expect(collections).toBe(0); // idle from the start: nothing to give back
  const busy = setInterval(() => trim.noteActivity(), 5);
  await Bun.sleep(120);
  expect(collections).toBe(0); // busy throughout
  clearInterval(busy);
  await Bun.sleep(80);
  expect(collections).toBe(1); // one collection once the load stopped
  await Bun.sleep(80);
  expect(collections).toBe(1);
  trim.stop();
});
