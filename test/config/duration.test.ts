// parseDuration: the accepted grammar, every refusal with its reason, and the 576h ceiling.
import { describe, expect, test } from "bun:test";
import { DurationError, formatDuration, maxDurationMs, parseDuration } from "../../src/config/duration.ts";

describe("parseDuration accepts", () => {
  test.each([
    ["0s", 0],
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["1h2m3s4ms", 3_723_004],
    ["007s", 7_000],
    ["576h", maxDurationMs],
  ])("%s → %d ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });
});

describe("parseDuration refuses", () => {
  test.each([
    ["", "empty"],
    ["30", "bare_number"],
    ["-5", "bare_number"],
    ["1.5", "bare_number"],
    ["-2s", "negative"],
    ["1.5s", "fraction"],
    ["5sec", "unknown_unit"],
    ["10us", "unknown_unit"],
    ["1d", "unknown_unit"],
    ["5S", "unknown_unit"],
    ["30s1m", "unit_order"],
    ["1s1s", "unit_order"],
    ["577h", "too_large"],
    ["99999999999999999999h", "too_large"],
    ["30 s", "malformed"],
    [" 30s", "malformed"],
    ["s", "malformed"],
    ["+5s", "malformed"],
    ["1h ", "malformed"],
    ["1".repeat(40) + "s", "malformed"],
  ])("%p (%s)", (input, kind) => {
    let err: unknown;
    try {
      parseDuration(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DurationError);
    expect((err as DurationError).kind).toBe(kind as DurationError["kind"]);
    expect((err as DurationError).name).toBe("DurationError");
  });

  test("a bare number says a unit is needed", () => {
    expect(() => parseDuration("30")).toThrow('must be a duration string with units, such as "30s"');
  });
});

describe("formatDuration", () => {
  test.each([0, 1, 999, 1000, 90_000, 3_723_004, maxDurationMs])("round-trips %d ms", (ms) => {
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  test("writes the canonical form", () => {
    expect(formatDuration(90_000)).toBe("1m30s");
    expect(formatDuration(0)).toBe("0s");
  });
});
