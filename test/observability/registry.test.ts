// The Prometheus registry on its own: label normalisation, the reference's buckets, exact
// exposition text (escaping, cumulative buckets, +Inf/NaN), registration rules, and a
// promtool lint of a registry full of awkward label values.

import { describe, expect, test } from "bun:test";
import { escapeHelp, escapeLabelValue, formatSampleValue, normaliseLabelValue } from "../../src/observability/labels.ts";
import { durationBuckets, exponentialBuckets, Registry } from "../../src/observability/registry.ts";
import { promtoolCheck } from "./promtool.ts";

describe("label values", () => {
  test.each([
    ["Decrypt", "decrypt"],
    ["transit.read_key", "transit_read_key"],
    ["openbao-unavailable", "openbao_unavailable"],
    ["a b\"c\\d\ne", "a_b_c_d_e"],
    ["ünï", "_n_"],
    ["", "unknown"],
    ["already_ok_123", "already_ok_123"],
  ])("normalise(%p) = %p", (raw, want) => {
    expect(normaliseLabelValue(raw)).toBe(want);
  });

  test("escaping for the text format", () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(escapeHelp("x\\y\nz \"q\"")).toBe('x\\\\y\\nz "q"');
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.25, 3].map(formatSampleValue)).toEqual(["NaN", "+Inf", "-Inf", "0.25", "3"]);
  });
});

describe("histogram buckets", () => {
  test("exponential from 1 ms, doubling, 12 bounds (1 ms … 2.048 s)", () => {
    expect(durationBuckets).toEqual([0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048]);
    expect(exponentialBuckets(1, 3, 3)).toEqual([1, 3, 9]);
  });

  test("observations land in the right cumulative buckets (upper bound inclusive), +Inf, _sum and _count", () => {
    const r = new Registry();
    const h = r.histogram("x_duration_seconds", "X.", ["method"]);
    for (const v of [0.0005, 0.001, 0.0011, 0.3, 5]) h.observe(["Decrypt"], v);
    const lines = r.render().split("\n");
    const bucket = (le: string) => lines.find((l) => l.startsWith(`x_duration_seconds_bucket{method="decrypt",le="${le}"}`))?.split(" ")[1];
    expect(bucket("0.001")).toBe("2");
    expect(bucket("0.002")).toBe("3");
    expect(bucket("0.256")).toBe("3");
    expect(bucket("0.512")).toBe("4");
    expect(bucket("2.048")).toBe("4");
    expect(bucket("+Inf")).toBe("5");
    expect(lines).toContain('x_duration_seconds_count{method="decrypt"} 5');
    expect(lines.find((l) => l.startsWith("x_duration_seconds_sum"))).toBe(`x_duration_seconds_sum{method="decrypt"} ${0.0005 + 0.001 + 0.0011 + 0.3 + 5}`);
    expect(lines.filter((l) => l.includes("_bucket"))).toHaveLength(13);
  });
});

describe("exposition", () => {
  test("exact text: HELP, TYPE, normalised labels, untouched verbatim labels, insertion order, final newline", () => {
    const r = new Registry();
    const c = r.counter("demo_requests_total", "Requests.\nSecond line.", ["method", "status"]);
    c.inc(["Encrypt", "ok"]);
    c.inc(["Encrypt", "ok"], 2);
    c.inc(["Decrypt", "Key-ID unknown"]);
    r.gauge("demo_info", "Info.", ["hash"], { verbatim: true }).set(['Ab-_"\\'], 1);
    r.gauge("demo_plain", "Plain.").set([], 1.5);
    expect(r.render()).toBe(
      [
        "# HELP demo_requests_total Requests.\\nSecond line.",
        "# TYPE demo_requests_total counter",
        'demo_requests_total{method="encrypt",status="ok"} 3',
        'demo_requests_total{method="decrypt",status="key_id_unknown"} 1',
        "# HELP demo_info Info.",
        "# TYPE demo_info gauge",
        'demo_info{hash="Ab-_\\"\\\\"} 1',
        "# HELP demo_plain Plain.",
        "# TYPE demo_plain gauge",
        "demo_plain 1.5",
        "",
      ].join("\n"),
    );
  });

  test("collected families are recomputed at every scrape (stale series disappear)", () => {
    const r = new Registry();
    let series: Array<[string[], number]> = [[["a"], 1], [["b"], 2]];
    r.gauge("demo_live", "Live.", ["k"], { collect: () => series });
    expect(r.render()).toContain('demo_live{k="b"} 2');
    series = [[["c"], 3]];
    const second = r.render();
    expect(second).toContain('demo_live{k="c"} 3');
    expect(second).not.toContain('k="a"');
  });

  test("touch exports a zero series before the first event", () => {
    const r = new Registry();
    r.counter("demo_rejections_total", "R.", ["method"]).touch(["status"]);
    r.histogram("demo_seconds", "S.").touch();
    const text = r.render();
    expect(text).toContain('demo_rejections_total{method="status"} 0');
    expect(text).toContain('demo_seconds_bucket{le="+Inf"} 0');
    expect(text).toContain("demo_seconds_count 0");
  });
});

describe("registration and use are checked", () => {
  test.each([
    ["bad name", (r: Registry) => r.counter("1bad", "x")],
    ["bad label", (r: Registry) => r.counter("ok_total", "x", ["bad-label"])],
    ["reserved label", (r: Registry) => r.counter("ok_total", "x", ["__name"])],
    ["le on anything", (r: Registry) => r.histogram("ok_seconds", "x", ["le"])],
    ["duplicate labels", (r: Registry) => r.counter("ok_total", "x", ["a", "a"])],
    ["unsorted buckets", (r: Registry) => r.histogram("ok_seconds", "x", [], [1, 0.5])],
  ])("%s → throws", (_name, make) => {
    expect(() => make(new Registry())).toThrow(RangeError);
  });

  test("a name registered twice, a counter going down, or the wrong label count → throws", () => {
    const r = new Registry();
    const c = r.counter("ok_total", "x", ["a"]);
    expect(() => r.gauge("ok_total", "x")).toThrow(RangeError);
    expect(() => c.inc(["v"], -1)).toThrow(RangeError);
    expect(() => c.inc([])).toThrow(RangeError);
    expect(() => c.inc(["v", "w"])).toThrow(RangeError);
  });
});

test("promtool check metrics accepts a registry with awkward values", async () => {
  const r = new Registry();
  r.counter("demo_requests_total", 'Help with "quotes", a \\ backslash\nand a newline.', ["method", "status"]).inc(["Ünicode Method", ""]);
  r.gauge("demo_info", "Info.", ["raw"], { verbatim: true }).set(['quote " backslash \\ newline \n end'], 1);
  r.gauge("demo_special", "Special values.", ["k"]).set(["nan"], Number.NaN);
  r.histogram("demo_duration_seconds", "Durations.", ["method"]).observe(["x"], 0.003);
  const { code, output } = await promtoolCheck(r.render());
  expect(output).toBe("");
  expect(code).toBe(0);
});
