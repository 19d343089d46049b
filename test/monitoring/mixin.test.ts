// The monitoring mixin in packaging/monitoring/: promtool accepts the rules; every alert has a
// summary, a description and a runbook_url that names a section of docs/runbook.md; and, on
// input series converted from real scrapes of the compiled provider in each state
// (test/monitoring/scenarios.ts), `promtool test rules` shows each alert firing in the scenario
// meant to trigger it and none in the healthy one. Every metric a rule or a dashboard panel
// names must exist in those scrapes, except the listed pending ones, which are printed.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureBinary, repoRoot } from "../helpers/provider.ts";
import { promtoolPath } from "../observability/promtool.ts";
import { analyse, type Selector } from "./promql-names.ts";
import { sampleLines, syntheticSeries, toInputSeries, type InputSeries } from "./promtool-series.ts";
import { leadIn, runScenario, scenarios, steps, type ScenarioRun } from "./scenarios.ts";

const monitoring = join(repoRoot, "packaging", "monitoring");
const alertsFile = join(monitoring, "prometheus-alerts.yaml");
const rulesFile = join(monitoring, "prometheus-rules.yaml");
const dashboardFile = join(monitoring, "grafana-dashboard.json");
const runbookFile = join(repoRoot, "docs", "runbook.md");
const target = { job: "bao-kms-provider", instance: "node-1:8081" } as const;

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }> }>;
}
const load = (f: string) => Bun.YAML.parse(readFileSync(f, "utf8")) as RuleFile;
const alertRules = load(alertsFile).groups.flatMap((g) => g.rules);
const recordingRules = load(rulesFile).groups.flatMap((g) => g.rules);
const alertNames = alertRules.map((r) => r.alert!);

interface Panel {
  title: string;
  datasource?: unknown;
  targets?: Array<{ expr: string }>;
}
const dashboard = JSON.parse(readFileSync(dashboardFile, "utf8")) as { uid: string; panels: Panel[]; templating: { list: Array<{ name: string; definition?: string }> } };

/**
 * Metrics the rules use that the provider does not export yet: another change delivers them.
 * Each is synthesized for the rule tests (and printed); the test fails once a real scrape
 * carries it, so it is then removed from here and the real series is used.
 */
const pending: Record<string, { labels: readonly string[]; why: string; scenario: string; from: number }> = {};

/**
 * What each scenario must show at its last step. `fires`: exactly these alerts among the ones
 * not in `may`; `may`: alerts whose firing depends on timing or on another open change, each
 * with the reason. `classes`: the status labels BaoKmsOpenBaoErrors must carry.
 */
interface Expectation {
  readonly scenario: string;
  /** Time between scrapes in the promtool test: 15s by default, 1m to cover a 30m `for`. */
  readonly interval: "15s" | "1m";
  readonly fires: readonly string[];
  readonly may?: Readonly<Record<string, string>>;
  readonly classes?: readonly string[];
  /** Alerts that must be firing at an earlier scrape (a state the scenario passes through). */
  readonly during?: { readonly step: number; readonly fires: readonly string[]; readonly why: string };
}
const expectations: readonly Expectation[] = [
  { scenario: "healthy", interval: "15s", fires: [] },
  { scenario: "healthy", interval: "1m", fires: [] },
  { scenario: "openbao_down", interval: "15s", fires: ["BaoKmsProviderNotReady", "BaoKmsOpenBaoErrors"], classes: ["connection_failed"] },
  {
    scenario: "openbao_hung",
    interval: "15s",
    fires: ["BaoKmsProviderNotReady", "BaoKmsStatusStale"],
    may: { BaoKmsOpenBaoErrors: "timeouts stop once the circuit breaker opens; whether one falls in the last 5m depends on the traffic's timing" },
  },
  {
    scenario: "token_denied",
    interval: "15s",
    fires: ["BaoKmsProviderNotReady", "BaoKmsLoginFailing"],
    may: {
      BaoKmsOpenBaoErrors: "permission_denied answers stop once the breaker opens and no token is left to send",
      BaoKmsTokenRenewalFailing: "renewals stop once the token is revoked or expired (only logins are retried), so it may have resolved by the last scrape",
    },
    // Renewals fail only while a token is left (the first ~3 s of the fault, ~20 steps); they stay
    // in the alerts' 15m window (60 steps) until about step leadIn + 80.
    during: { step: leadIn + 45, fires: ["BaoKmsLoginFailing", "BaoKmsTokenRenewalFailing"], why: "renewals and logins have failed and nothing succeeded since" },
  },
  { scenario: "rotation_pending", interval: "1m", fires: ["BaoKmsRotationPendingTooLong"] },
  { scenario: "provider_down", interval: "15s", fires: ["BaoKmsProviderDown"] },
  {
    scenario: "persistence_degraded",
    interval: "15s",
    // A failed save blocks only the promotion: Status and Encrypt stay healthy with the saved
    // active key (docs/decisions/unhealthy-conditions.md), so NotReady must stay quiet.
    fires: ["BaoKmsPersistenceDegraded"],
  },
  {
    scenario: "version_archived",
    interval: "15s",
    // An archived retained version keeps Status healthy (docs/decisions/archived-versions.md), so
    // NotReady must stay quiet here.
    fires: ["BaoKmsRetainedVersionArchived"],
  },
];

/** Every PromQL expression of the mixin: alerts, recording rules, dashboard panels and variables. */
function allExpressions(): Array<{ where: string; expr: string }> {
  return [
    ...alertRules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
    ...recordingRules.map((r) => ({ where: `record ${r.record}`, expr: r.expr })),
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
    ...dashboard.templating.list.filter((v) => v.definition).map((v) => ({ where: `variable ${v.name}`, expr: v.definition!.replace(/^label_values\((\w+), (\w+)\)$/, '$1{$2=~".+"}') })),
  ];
}

/**
 * What the expressions name that the scrapes (sample name → label → values) do not have:
 * metrics, labels in matchers, values of `=` matchers, grouping labels no series of the
 * expression carries, recording rules not defined. Pending metrics are skipped and reported.
 */
function namingProblems(exprs: ReadonlyArray<{ where: string; expr: string }>, have: Map<string, Map<string, Set<string>>>): { problems: string[]; usedPending: Set<string> } {
  const recorded = new Set(recordingRules.map((r) => r.record!));
  const problems: string[] = [];
  const usedPending = new Set<string>();
  const targetLabels = new Set(["job", "instance"]);
  for (const { where, expr } of exprs) {
    const { selectors, grouping } = analyse(expr);
    const labelsInExpr = new Set<string>([...targetLabels, "le"]);
    const check = (s: Selector) => {
      if (s.name === "up" || s.name === "ALERTS") return;
      if (s.name.includes(":")) {
        const rule = recordingRules.find((r) => r.record === s.name);
        if (!recorded.has(s.name)) problems.push(`${where}: ${s.name} is not a recording rule`);
        for (const l of rule ? analyse(rule.expr).grouping : []) labelsInExpr.add(l);
        return;
      }
      if (s.name in pending) {
        usedPending.add(s.name);
        for (const l of pending[s.name]!.labels) labelsInExpr.add(l);
        return;
      }
      const labels = have.get(s.name);
      if (labels === undefined) return void problems.push(`${where}: ${s.name} is in no scrape`);
      for (const l of labels.keys()) labelsInExpr.add(l);
      for (const m of s.matchers) {
        if (targetLabels.has(m.label)) continue;
        const values = labels.get(m.label);
        if (values === undefined) problems.push(`${where}: ${s.name} has no label ${m.label}`);
        else if (m.op === "=" && !values.has(m.value)) problems.push(`${where}: ${s.name}{${m.label}="${m.value}"} is in no scrape (seen: ${[...values].sort().join(", ")})`);
      }
    };
    selectors.forEach(check);
    for (const l of grouping) if (!labelsInExpr.has(l)) problems.push(`${where}: groups by ${l}, which no series of the expression has`);
  }
  return { problems, usedPending };
}

const dir = mkdtempSync("/tmp/bkp-monitoring-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(args: string[]): { code: number; output: string } {
  if (!existsSync(promtoolPath)) throw new Error(`${promtoolPath} is missing: run scripts/setup.sh (Debian package prometheus)`);
  const r = Bun.spawnSync([promtoolPath, ...args], { stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, output: (r.stdout.toString() + r.stderr.toString()).trim() };
}

describe("the rule files and the dashboard", () => {
  test("promtool check rules accepts both rule files", () => {
    const r = promtool(["check", "rules", alertsFile, rulesFile]);
    expect(r.output).toContain(`SUCCESS: ${alertRules.length} rules found`);
    expect(r.output).toContain(`SUCCESS: ${recordingRules.length} rules found`);
    expect(r.code).toBe(0);
  });

  test("every alert has a severity, a summary, a description and a runbook_url naming a section of docs/runbook.md", () => {
    const runbook = readFileSync(runbookFile, "utf8");
    // GitHub's anchors: lower-case heading text, punctuation dropped, spaces to hyphens.
    const anchors = new Set([...runbook.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-")));
    expect(alertRules.length).toBeGreaterThanOrEqual(9);
    for (const r of alertRules) {
      expect(["critical", "warning"]).toContain(r.labels?.severity ?? "");
      expect(r.annotations?.summary?.length).toBeGreaterThan(10);
      expect(r.annotations?.description?.length).toBeGreaterThan(40);
      const url = r.annotations?.runbook_url ?? "";
      expect(url).toBe(`docs/runbook.md#${r.alert!.toLowerCase()}`);
      expect(anchors.has(r.alert!.toLowerCase())).toBe(true);
    }
  });

  test("the dashboard: one uid, every panel queries Prometheus through the datasource variable", () => {
    expect(dashboard.uid).toBe("bao-kms-provider");
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(["datasource", "instance"]);
    expect(dashboard.panels.length).toBeGreaterThan(10);
    for (const p of dashboard.panels) {
      expect(p.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
      expect(p.targets?.length).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.expr).toContain('instance=~"$instance"');
    }
  });

  test("the PromQL reader finds names, matchers and grouping labels (and would catch a missing one)", () => {
    const a = analyse('sum by (job, status) (rate(foo_total{status!="ok",a=~"$x"}[5m])) > 0 unless on (job) bar:rec:p99 == 1e3');
    expect(a.selectors).toEqual([
      { name: "foo_total", matchers: [{ label: "status", op: "!=", value: "ok" }, { label: "a", op: "=~", value: "$x" }] },
      { name: "bar:rec:p99", matchers: [] },
    ]);
    expect(a.grouping).toEqual(["job", "status", "job"]);
    expect(a.functions).toEqual(["sum", "rate"]);
    expect(() => analyse('{__name__="x"}')).toThrow();
  });
});

describe("on real scrapes of the compiled binary", () => {
  const runs = new Map<string, ScenarioRun>();

  beforeAll(async () => {
    ensureBinary();
    // Two scenarios at a time: each is ~12 s of real time (80 scrapes, 150 ms apart).
    const queue = [...scenarios];
    await Promise.all(
      [0, 1].map(async () => {
        for (let s = queue.shift(); s !== undefined; s = queue.shift()) runs.set(s.name, await runScenario(s));
      }),
    );
  }, 300_000);

  /** Every sample name and, per name, each label's values, over all scrapes of all scenarios. */
  function scraped(): Map<string, Map<string, Set<string>>> {
    const out = new Map<string, Map<string, Set<string>>>();
    for (const run of runs.values()) {
      for (const s of run.scrapes) {
        for (const line of s.body === undefined ? [] : sampleLines(s.body)) {
          const labels = out.get(line.name) ?? new Map<string, Set<string>>();
          out.set(line.name, labels);
          for (const p of line.labels.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
            const vs = labels.get(p[1]!) ?? new Set<string>();
            vs.add(p[2]!);
            labels.set(p[1]!, vs);
          }
        }
      }
    }
    return out;
  }

  function inputSeries(run: ScenarioRun): InputSeries[] {
    const series = toInputSeries(run.scrapes.map((s) => s.body), target);
    for (const [name, p] of Object.entries(pending)) {
      const up = (i: number) => run.scrapes[i]!.body !== undefined;
      series.push(syntheticSeries(name, target, (i) => (!up(i) ? undefined : run.name === p.scenario && i >= p.from ? "1" : "0"), run.scrapes.length));
    }
    return series;
  }

  test("promtool test rules: each alert fires in its scenario, and none in the healthy one", () => {
    const groups = expectations.map((e) => {
      const run = runs.get(e.scenario);
      if (run === undefined) throw new Error(`no scenario ${e.scenario}`);
      const quiet = alertNames.filter((a) => !e.fires.includes(a) && !(a in (e.may ?? {})));
      const evalTime = `${(steps - 1) * (e.interval === "1m" ? 60 : 15)}s`;
      const firing = (names: readonly string[]) => `group by (alertname) (ALERTS{alertstate="firing",alertname=~"${names.join("|")}"})`;
      const tests = [
        { expr: firing(e.fires.length > 0 ? e.fires : ["none"]), eval_time: evalTime, exp_samples: e.fires.map((a) => ({ labels: `{alertname="${a}"}`, value: 1 })) },
        { expr: firing(quiet), eval_time: evalTime, exp_samples: [] },
        // Nothing fires while the scenario is still in its healthy lead-in.
        { expr: 'count(ALERTS{alertstate="firing"})', eval_time: `${(leadIn - 1) * (e.interval === "1m" ? 60 : 15)}s`, exp_samples: [] },
      ];
      if (e.during) {
        tests.push({ expr: firing(e.during.fires), eval_time: `${e.during.step * (e.interval === "1m" ? 60 : 15)}s`, exp_samples: e.during.fires.map((a) => ({ labels: `{alertname="${a}"}`, value: 1 })) });
      }
      if (e.classes) {
        tests.push({
          expr: 'group by (alertname, status) (ALERTS{alertstate="firing",alertname="BaoKmsOpenBaoErrors"})',
          eval_time: evalTime,
          exp_samples: e.classes.map((c) => ({ labels: `{alertname="BaoKmsOpenBaoErrors",status="${c}"}`, value: 1 })),
        });
      }
      if (e.scenario === "healthy" && e.interval === "15s") {
        // The recording rules the dashboard plots: one latency series per KMS method, p99 ≥ p50.
        tests.push(
          { expr: "count by (method) (method:openbao_kms_grpc_duration_seconds:p99_5m)", eval_time: evalTime, exp_samples: ["decrypt", "encrypt", "status"].map((m) => ({ labels: `{method="${m}"}`, value: 1 })) },
          { expr: "count(method:openbao_kms_grpc_duration_seconds:p99_5m >= on (job, instance, method) method:openbao_kms_grpc_duration_seconds:p50_5m)", eval_time: evalTime, exp_samples: [{ labels: "{}", value: 3 }] },
          {
            expr: "count by (operation) (operation:openbao_kms_openbao_duration_seconds:p99_5m > 0)",
            eval_time: evalTime,
            exp_samples: ["transit_decrypt", "transit_disable_upsert_read", "transit_encrypt", "transit_metadata_read"].map((o) => ({ labels: `{operation="${o}"}`, value: 1 })),
          },
          { expr: 'count(method_status:openbao_kms_grpc_requests:rate5m{status="ok"} > 0)', eval_time: evalTime, exp_samples: [{ labels: "{}", value: 3 }] },
        );
      }
      return { name: `${e.scenario} (${e.interval} per scrape)`, interval: e.interval, input_series: inputSeries(run), promql_expr_test: tests };
    });
    const testFile = join(dir, "mixin-tests.yaml");
    // JSON is YAML: promtool reads it as its unit-test file.
    writeFileSync(testFile, JSON.stringify({ rule_files: [alertsFile, rulesFile], evaluation_interval: "15s", tests: groups }, null, 1));
    const r = promtool(["test", "rules", testFile]);
    if (r.code !== 0) {
      const kept = "/tmp/bkp-monitoring-last-failure.yaml";
      copyFileSync(testFile, kept);
      console.error(`${r.output}\n(the promtool test file is kept in ${kept})`);
    }
    expect(r.output).toContain("SUCCESS");
    expect(r.code).toBe(0);
  }, 180_000);

  test("the check fails when an alert does not fire where it should", () => {
    // Same input as the healthy scenario, but claiming BaoKmsProviderDown fires: promtool must refuse.
    const run = runs.get("healthy")!;
    const testFile = join(dir, "negative.yaml");
    writeFileSync(testFile, JSON.stringify({
      rule_files: [alertsFile, rulesFile],
      evaluation_interval: "15s",
      tests: [{ interval: "15s", input_series: inputSeries(run), promql_expr_test: [{ expr: 'group by (alertname) (ALERTS{alertstate="firing"})', eval_time: `${(steps - 1) * 15}s`, exp_samples: [{ labels: '{alertname="BaoKmsProviderDown"}', value: 1 }] }] }],
    }));
    const r = promtool(["test", "rules", testFile]);
    expect(r.code).toBe(1);
    expect(r.output).toContain("FAILED");
  }, 60_000);

  test("every alert is expected to fire in some scenario", () => {
    const covered = new Set(expectations.flatMap((e) => [...e.fires, ...(e.during?.fires ?? [])]));
    expect(alertNames.filter((a) => !covered.has(a))).toEqual([]);
  });

  test("every metric, label and label value a rule or a dashboard panel names exists in the real scrapes (pending ones listed)", () => {
    const have = scraped();
    const { problems, usedPending } = namingProblems(allExpressions(), have);
    for (const name of Object.keys(pending)) {
      if (have.has(name)) problems.push(`${name} is now in the real scrape: remove it from the pending list in test/monitoring/mixin.test.ts`);
      console.log(`PENDING metric (not exported yet; synthesized in the rule tests): ${name}{${pending[name]!.labels.join(",")}}: ${pending[name]!.why}`);
    }
    expect(problems).toEqual([]);
    expect([...usedPending].sort()).toEqual(Object.keys(pending).sort());
    // The check itself: a misspelt metric, an unknown label, a value never exported, a missing recording rule.
    expect(namingProblems([{ where: "x", expr: 'sum by (job, nope) (openbao_kms_status_healthy) + openbao_kms_no_such{a="b"} + openbao_kms_rotation_state{state="sideways"} + method:nothing:p99 + openbao_kms_key_version{colour="red"}' }], have).problems).toEqual([
      "x: openbao_kms_no_such is in no scrape",
      'x: openbao_kms_rotation_state{state="sideways"} is in no scrape (seen: active, pending, unknown)',
      "x: method:nothing:p99 is not a recording rule",
      "x: openbao_kms_key_version has no label colour",
      "x: groups by nope, which no series of the expression has",
    ]);
  });
});
