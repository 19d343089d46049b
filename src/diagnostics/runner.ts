// The ordered check gate for doctor and verify-key. Each check names the checks it needs; when
// one of them did not pass (or warn), it is reported as skip with the reason, never silently
// dropped. A check passes its typed result on to later checks as a return value (undefined when
// it did not run or failed), so no shared mutable state carries data between checks.
import type { Check, CheckStatus } from "./report.ts";

export interface Outcome {
  readonly status: CheckStatus;
  readonly message?: string;
}

export const pass = (message?: string): Outcome => (message === undefined ? { status: "pass" } : { status: "pass", message });
export const warn = (message: string): Outcome => ({ status: "warn", message });
export const fail = (message: string): Outcome => ({ status: "fail", message });
export const skip = (message: string): Outcome => ({ status: "skip", message });

/** An outcome, and the value later checks use (only when it passed or warned). */
export interface Result<T> {
  readonly outcome: Outcome;
  readonly value?: T;
}

export const withValue = <T>(outcome: Outcome, value: T): Result<T> => ({ outcome, value });
export const only = (outcome: Outcome): Result<never> => ({ outcome });

export interface CheckInfo {
  readonly id: string;
  readonly title: string;
  /** Stable name other checks' `needs` use when the shown id varies (auth method checks); default id. */
  readonly key?: string;
  /** Keys of checks that must have passed (or warned) first. */
  readonly needs?: readonly string[];
}

type Present<A extends readonly unknown[]> = { [K in keyof A]: NonNullable<A[K]> };

const allPresent = <A extends readonly unknown[]>(xs: A): xs is A & Present<A> => xs.every((x) => x !== undefined && x !== null);

export class Gate {
  readonly results: Check[] = [];
  private readonly ok = new Set<string>();
  private readonly seen = new Set<string>();

  /**
   * Runs `run` unless a needed check did not pass; a thrown error is a fail. Returns the check's
   * value when it passed or warned, else undefined.
   */
  check<T>(info: CheckInfo, run: () => Promise<Result<T>> | Result<T>): Promise<T | undefined> {
    return this.checkWith(info, [] as const, () => run());
  }

  /**
   * Like check, for a check that uses earlier checks' values: `run` gets them, all present. (A
   * needed check that passed always gave its value; were one missing, the check is skipped.)
   */
  async checkWith<const A extends readonly unknown[], T>(info: CheckInfo, inputs: A, run: (values: Present<A>) => Promise<Result<T>> | Result<T>): Promise<T | undefined> {
    const blocked = (info.needs ?? []).find((id) => !this.ok.has(id));
    let result: Result<T>;
    if (blocked !== undefined) {
      result = only(skip(`${blocked} ${this.seen.has(blocked) ? "did not pass" : "did not run"}`));
    } else if (!allPresent(inputs)) {
      result = only(skip("a prerequisite gave no result"));
    } else {
      try {
        result = await run(inputs);
      } catch (e) {
        result = only(fail(`unexpected error (${e instanceof Error ? e.name : "unknown"})`));
      }
    }
    const key = info.key ?? info.id;
    const { status, message } = result.outcome;
    this.seen.add(key);
    const good = status === "pass" || status === "warn";
    if (good) this.ok.add(key);
    this.results.push({ id: info.id, title: info.title, status, ...(message ? { message } : {}) });
    return good ? result.value : undefined;
  }
}
