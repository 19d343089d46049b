import { expect, test } from "bun:test";
import { startMemoryTrim } from "../../src/platform/memory.ts";

test("collects only after activity, at most once per interval", async () => {
  let collections = 0;
  const trim = startMemoryTrim(20, () => collections++);
  await Bun.sleep(70);
  expect(collections).toBe(0);
  trim.noteActivity();
  trim.noteActivity();
  await Bun.sleep(50);
  expect(collections).toBe(1);
  await Bun.sleep(50);
  expect(collections).toBe(1);
  trim.stop();
});
