// Ordered check runner for doctor and verify-key: each check names the checks it needs; when one
// of them did not pass (or warn), it is reported as skip with the reason, never silently dropped.
import type { Check, CheckStatus } from "../cli/report.ts";

export interface Outcome {
  readonly status: Exclude<CheckStatus, "skip"> | "skip";
  readonly message?: string;
}

export interface CheckDef<C> {
  readonly id: string;
  readonly title: string;
  /** Stable name other checks' `needs` use when the shown id varies (auth method checks); default id. */
  readonly key?: string;
  /** Keys of checks that must have passed (or warned) first. */
  readonly needs?: readonly string[];
  run(ctx: C): Promise<Outcome> | Outcome;
}

export const pass = (message?: string): Outcome => (message === undefined ? { status: "pass" } : { status: "pass", message });
export const warn = (message: string): Outcome => ({ status: "warn", message });
export const fail = (message: string): Outcome => ({ status: "fail", message });
export const skip = (message: string): Outcome => ({ status: "skip", message });

/** Runs `defs` in order; a check whose prerequisite did not pass is skipped. A thrown error is a fail. */
export async function runChecks<C>(defs: readonly CheckDef<C>[], ctx: C): Promise<Check[]> {
  const results: Check[] = [];
  const ok = new Set<string>();
  const seen = new Map<string, CheckStatus>();
  for (const def of defs) {
    const blocked = (def.needs ?? []).find((id) => !ok.has(id));
    let outcome: Outcome;
    if (blocked !== undefined) {
      outcome = skip(`${blocked} ${seen.has(blocked) ? "did not pass" : "did not run"}`);
    } else {
      try {
        outcome = await def.run(ctx);
      } catch (e) {
        outcome = fail(`unexpected error (${e instanceof Error ? e.name : "unknown"})`);
      }
    }
    const key = def.key ?? def.id;
    seen.set(key, outcome.status);
    if (outcome.status === "pass" || outcome.status === "warn") ok.add(key);
    results.push({ id: def.id, title: def.title, status: outcome.status, ...(outcome.message ? { message: outcome.message } : {}) });
  }
  return results;
}
