import { expect, test } from "bun:test";

test("soak's RSS slope is a least-squares fit (flat, rising, noisy plateau)", async () => {
  process.argv.push("--minutes", "1"); // the module reads --minutes at load; 1 is valid
  const { slope } = await import("../../scripts/bench-soak.ts");
  expect(slope([[0, 50], [1, 50], [2, 50]])).toBe(0);
  expect(slope([[0, 50], [1, 52], [2, 54], [3, 56]])).toBeCloseTo(2, 10);
  expect(Math.abs(slope([[10, 80], [11, 81], [12, 79], [13, 80], [14, 80.5], [15, 79.5]]))).toBeLessThan(0.2);
});
