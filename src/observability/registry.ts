// A tiny Prometheus registry: counters, gauges and histograms rendered in text format 0.0.4.
// Names and label names are checked at registration; label values are normalised (unless a
// family is declared verbatim) and escaped, so a scrape is always well-formed.

import { escapeHelp, escapeLabelValue, formatSampleValue, normaliseLabelValue } from "./labels.ts";

export type LabelValues = readonly string[];
/** Series computed at scrape time: label values (in label-name order) and the value. */
export type CollectedSeries = ReadonlyArray<readonly [LabelValues, number]>;

export interface FamilyOptions {
  /** Label values are written as given (still escaped) instead of normalised, e.g. hashes and versions. */
  readonly verbatim?: boolean;
  /** Computes every series at scrape time (replaces set/inc). */
  readonly collect?: () => CollectedSeries;
}

/** Exponential histogram bounds: start, start·factor, … (count bounds, plus +Inf implied). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const out: number[] = [];
  for (let b = start, i = 0; i < count; i++, b *= factor) out.push(b);
  return out;
}

/** The reference's duration buckets: 1 ms doubling, 12 bounds (1 ms … 2.048 s). */
export const durationBuckets: readonly number[] = exponentialBuckets(0.001, 2, 12);

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** What the registry keeps of each metric family. */
interface Renderable {
  readonly name: string;
  readonly labelNames: readonly string[];
  render(out: string[]): void;
}

abstract class Family<S> implements Renderable {
  protected readonly series = new Map<string, { values: string[]; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge" | "histogram",
    readonly labelNames: readonly string[],
    protected readonly options: FamilyOptions,
  ) {}

  protected state(values: LabelValues, init: () => S): S {
    if (values.length !== this.labelNames.length) throw new RangeError(`${this.name}: expected ${this.labelNames.length} label values`);
    const norm = this.options.verbatim ? [...values] : values.map(normaliseLabelValue);
    const key = norm.join("\u0000");
    let entry = this.series.get(key);
    if (entry === undefined) {
      entry = { values: norm, state: init() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  protected labels(values: readonly string[], extra?: readonly [string, string]): string {
    const pairs = this.labelNames.map((n, i) => `${n}="${escapeLabelValue(values[i] as string)}"`);
    if (extra) pairs.push(`${extra[0]}="${extra[1]}"`);
    return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    this.renderSamples(out);
  }

  protected abstract renderSamples(out: string[]): void;
}

class ScalarFamily extends Family<{ v: number }> {
  protected override renderSamples(out: string[]): void {
    const collected = this.options.collect?.();
    if (collected !== undefined) {
      this.series.clear();
      for (const [values, v] of collected) this.state(values, () => ({ v: 0 })).v = v;
    }
    for (const { values, state } of this.series.values()) out.push(`${this.name}${this.labels(values)} ${formatSampleValue(state.v)}`);
  }
}

export class Counter extends ScalarFamily {
  /** Adds `by` (≥ 0) to the series for `values`. */
  inc(values: LabelValues = [], by = 1): void {
    if (!(by >= 0)) throw new RangeError(`${this.name}: a counter only goes up`);
    this.state(values, () => ({ v: 0 })).v += by;
  }

  /** Creates the series at 0 so it is exported before the first event. */
  touch(values: LabelValues = []): void {
    this.state(values, () => ({ v: 0 }));
  }
}

export class Gauge extends ScalarFamily {
  set(values: LabelValues, v: number): void {
    this.state(values, () => ({ v: 0 })).v = v;
  }
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Family<HistogramState> {
  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[]) {
    super(name, help, "histogram", labelNames, {});
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= (buckets[i - 1] as number)))) {
      throw new RangeError(`${name}: buckets must be finite and strictly increasing`);
    }
  }

  /** Records one value (seconds, for durations). */
  observe(values: LabelValues, v: number): void {
    const s = this.state(values, () => this.empty());
    let i = 0;
    while (i < this.buckets.length && v > (this.buckets[i] as number)) i++;
    (s.counts[i] as number)++;
    s.sum += v;
    s.count++;
  }

  touch(values: LabelValues = []): void {
    this.state(values, () => this.empty());
  }

  private empty(): HistogramState {
    return { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  protected override renderSamples(out: string[]): void {
    for (const { values, state } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += state.counts[i] as number;
        out.push(`${this.name}_bucket${this.labels(values, ["le", formatSampleValue(b)])} ${cumulative}`);
      });
      out.push(`${this.name}_bucket${this.labels(values, ["le", "+Inf"])} ${state.count}`);
      out.push(`${this.name}_sum${this.labels(values)} ${formatSampleValue(state.sum)}`);
      out.push(`${this.name}_count${this.labels(values)} ${state.count}`);
    }
  }
}

export class Registry {
  private readonly families: Renderable[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = [], options: FamilyOptions = {}): Counter {
    return this.add(new Counter(name, help, "counter", labelNames, options));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = [], options: FamilyOptions = {}): Gauge {
    return this.add(new Gauge(name, help, "gauge", labelNames, options));
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets: readonly number[] = durationBuckets): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }

  /** The whole registry in Prometheus text format 0.0.4 (ends with a newline). */
  render(): string {
    const out: string[] = [];
    for (const f of this.families) f.render(out);
    return out.length === 0 ? "" : out.join("\n") + "\n";
  }

  private add<F extends Renderable>(family: F): F {
    if (!metricName.test(family.name)) throw new RangeError(`invalid metric name ${family.name}`);
    if (this.families.some((f) => f.name === family.name)) throw new RangeError(`metric ${family.name} registered twice`);
    for (const l of family.labelNames) {
      if (!labelName.test(l) || l.startsWith("__") || l === "le") throw new RangeError(`${family.name}: invalid label name ${l}`);
    }
    if (new Set(family.labelNames).size !== family.labelNames.length) throw new RangeError(`${family.name}: duplicate label names`);
    this.families.push(family);
    return family;
  }
}

/** Prometheus text exposition content type. */
export const exposition = "text/plain; version=0.0.4; charset=utf-8";
