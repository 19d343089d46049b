// Turns a sequence of real /metrics scrapes into promtool `input_series`, the way Prometheus
// would have stored them: scrape i is the sample at i × interval, every series gets the target's
// job and instance labels, a failed scrape is `up 0`, and a series that disappears (or whose
// target stopped answering) gets a staleness marker. Values are the scrape's own text.

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface Target {
  readonly job: string;
  readonly instance: string;
}

/** `name{labels}` and value of each sample line of a text-format scrape. */
export function sampleLines(body: string): Array<{ name: string; labels: string; value: string }> {
  const out: Array<{ name: string; labels: string; value: string }> = [];
  for (const line of body.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    out.push({ name: m[1]!, labels: m[2] ?? "", value: m[3]! });
  }
  return out;
}

/** The series of all scrapes (undefined = failed scrape), plus `up`, as promtool input. */
export function toInputSeries(scrapes: readonly (string | undefined)[], target: Target): InputSeries[] {
  const targetLabels = `job="${target.job}",instance="${target.instance}"`;
  const values = new Map<string, string[]>();
  const parsed = scrapes.map((body) => (body === undefined ? undefined : sampleLines(body)));
  for (const samples of parsed) {
    for (const s of samples ?? []) {
      const key = `${s.name}{${s.labels === "" ? "" : `${s.labels},`}${targetLabels}}`;
      if (!values.has(key)) values.set(key, []);
    }
  }
  parsed.forEach((samples, i) => {
    const now = new Map((samples ?? []).map((s) => [`${s.name}{${s.labels === "" ? "" : `${s.labels},`}${targetLabels}}`, s.value]));
    for (const [key, vs] of values) {
      const v = now.get(key);
      if (v !== undefined) vs.push(v);
      else {
        const prev = vs[i - 1];
        vs.push(prev !== undefined && prev !== "_" && prev !== "stale" ? "stale" : "_");
      }
    }
  });
  const up = { series: `up{${targetLabels}}`, values: parsed.map((p) => (p === undefined ? "0" : "1")).join(" ") };
  return [up, ...[...values].map(([series, vs]) => ({ series, values: vs.join(" ") }))];
}

/** A series built by the test (a metric another change has not delivered yet), same shape. */
export function syntheticSeries(name: string, target: Target, valueAt: (step: number) => string | undefined, steps: number): InputSeries {
  const vs: string[] = [];
  for (let i = 0; i < steps; i++) vs.push(valueAt(i) ?? "_");
  return { series: `${name}{job="${target.job}",instance="${target.instance}"}`, values: vs.join(" ") };
}
