// valibot building blocks for config fields: one issue per field, fixed messages that name the
// expected TOML type, and conversions (durations → ms, octal → number) done in the same pass.
import * as v from "valibot";
import { DurationError, bareNumberMessage, formatDuration, parseDuration } from "./duration.ts";
import { type Rule, firstProblem, required } from "./rules.ts";

/** Names a parsed TOML value's type for messages ("integer", "table", …); never its content. */
export function describeType(x: unknown): string {
  if (typeof x === "string") return "a string";
  if (typeof x === "number" || typeof x === "bigint") {
    return typeof x === "number" && !Number.isInteger(x) ? "a float" : "an integer";
  }
  if (typeof x === "boolean") return "a boolean";
  if (x instanceof Date) return "a date-time";
  if (Array.isArray(x)) return "an array";
  if (x !== null && typeof x === "object") return "a table";
  return "nothing";
}

/** True for a TOML table (not an array or date-time). */
export function isTable(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x) && !(x instanceof Date);
}

const stringOf = (what = "a string") =>
  v.string((issue) => `must be ${what}, got ${describeType(issue.input)}`);

const checked = (rules: ReadonlyArray<Rule>) =>
  v.rawCheck<string>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = firstProblem(dataset.value, rules);
    if (problem !== undefined) addIssue({ message: problem });
  });

/**
 * JSON Schema keywords for `config schema` (src/config/json-schema.ts), attached as valibot
 * metadata; they describe the rule for editors and never replace it.
 */
export const jsonSchemaHint = <T>(keywords: Record<string, unknown>) => v.metadata<T, { readonly jsonSchema: Record<string, unknown> }>({ jsonSchema: keywords });

const nonBlank = jsonSchemaHint<string>({ minLength: 1, pattern: "\\S" });

/** A string that must be non-blank and pass `rules`. */
export const requiredString = (...rules: Rule[]) => v.pipe(stringOf(), checked([required, ...rules]), nonBlank);

/** Like requiredString, but a non-string gets "must be <what>, got <type>". */
export const requiredStringOf = (what: string, ...rules: Rule[]) => v.pipe(stringOf(what), checked([required, ...rules]), nonBlank);

/** A string that may be empty but must pass `rules` when it is not. */
export const optionalString = (fallback: string, ...rules: Rule[]) =>
  v.optional(v.pipe(stringOf(), checked(rules.map((r): Rule => (s) => (s === "" ? undefined : r(s))))), fallback);

/** A required string that passes `rules` and is then converted by `convert`. */
export const convertedString = <T>(convert: (s: string) => T, what: string | undefined, ...rules: Rule[]) =>
  v.pipe(stringOf(what), checked([required, ...rules]), nonBlank, v.transform(convert));

/** One of `options` (strings); any other value or type gets `message`. */
export const oneOf = <const T extends readonly [string, ...string[]]>(options: T, message?: string) => {
  const text = message ?? `must be one of ${options.join(", ")}`;
  return v.picklist(options, (issue) => (typeof issue.input === "string" ? text : `${text}, got ${describeType(issue.input)}`));
};

/** A TOML boolean. */
export const bool = () => v.boolean((issue) => `must be true or false, got ${describeType(issue.input)}`);

/** A whole number in [min, max]. */
export const intInRange = (min: number, max: number) =>
  v.pipe(
    v.number((issue) => `must be an integer, got ${describeType(issue.input)}`),
    v.rawCheck<number>(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const n = dataset.value;
      if (!Number.isInteger(n)) addIssue({ message: "must be a whole number" });
      else if (n < min || n > max) addIssue({ message: `must be between ${min} and ${max}` });
    }),
    jsonSchemaHint<number>({ type: "integer", minimum: min, maximum: max }),
  );

/** A duration string with units → ms, within [minMs, maxMs]. A TOML number gets the "with units" message. */
export const durationMs = (minMs: number, maxMs: number) =>
  v.pipe(
    v.string((issue) =>
      typeof issue.input === "number" ? bareNumberMessage : `${bareNumberMessage}, got ${describeType(issue.input)}`,
    ),
    v.rawTransform<string, number>(({ dataset, addIssue, NEVER }) => {
      let ms: number;
      try {
        ms = parseDuration(dataset.value);
      } catch (e) {
        addIssue({ message: e instanceof DurationError ? e.message : "is not a valid duration" });
        return NEVER;
      }
      if (ms < minMs) addIssue({ message: minMs === 1 ? "must be greater than 0s" : `must be at least ${formatDuration(minMs)}` });
      else if (ms > maxMs) addIssue({ message: `must not exceed ${formatDuration(maxMs)}` });
      return ms;
    }),
    jsonSchemaHint<number>({ minLength: 1, pattern: durationPattern, description: 'duration with units, e.g. "30s", "5m", "1m30s"' }),
  );

/** Shape of a duration string (units h, m, s, ms, largest first), for editors. */
export const durationPattern = "^([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$";

const tableMessage = (issue: v.BaseIssue<unknown>): string =>
  issue.expected === "never" ? "unknown key" : "is required";

/** A TOML table with exactly these keys; a missing non-optional key is "is required". */
export const table = <const E extends v.ObjectEntries>(entries: E) =>
  v.pipe(
    v.custom<Record<string, unknown>>(isTable, (issue) => `must be a table, got ${describeType(issue.input)}`),
    v.strictObject(entries, tableMessage),
  );

/** An optional table: when absent, its keys' defaults apply and missing required keys are reported. */
export const optionalTable = <const E extends v.ObjectEntries>(entries: E) => v.optional(table(entries), () => ({}));
