// Turns valibot issues and the raw TOML tree into ConfigProblems. Unknown keys are found by
// walking the schema's tables, so every unknown key is reported, not only the first per table.
import type * as v from "valibot";
import type { ConfigProblem } from "./errors.ts";
import { isTable } from "./fields.ts";
import { formatPath } from "./paths.ts";

type AnySchema = v.GenericSchema | v.BaseSchema<unknown, unknown, v.BaseIssue<unknown>>;

/** Maps schema issues to problems; unknown-key issues are skipped (unknownKeys reports them all). */
export function issuesToProblems(issues: ReadonlyArray<v.BaseIssue<unknown>>): ConfigProblem[] {
  return issues
    .filter((issue) => !(issue.type === "strict_object" && issue.expected === "never"))
    .map((issue) => ({
      path: formatPath((issue.path ?? []).map((item) => item.key as string | number)),
      message: issue.message,
    }));
}

/** Every key in `raw` that `schema` does not define, at any depth, in document order. */
export function unknownKeys(schema: AnySchema, raw: unknown, path: ReadonlyArray<string | number> = []): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const entries = tableEntries(schema);
  const item = arrayItem(schema);
  if (entries !== undefined && isTable(raw)) {
    for (const key of Object.keys(raw)) {
      const child = Object.hasOwn(entries, key) ? entries[key] : undefined;
      if (child === undefined) out.push({ path: formatPath([...path, key]), message: "unknown key" });
      else out.push(...unknownKeys(child, raw[key], [...path, key]));
    }
  } else if (item !== undefined && Array.isArray(raw)) {
    raw.forEach((element, i) => out.push(...unknownKeys(item, element, [...path, i])));
  }
  return out;
}

// Looks through optional(...) and pipe(...) wrappers to the strict object's entries, if any.
function tableEntries(schema: AnySchema): Record<string, AnySchema> | undefined {
  const s = unwrap(schema);
  return s.type === "strict_object" && "entries" in s ? (s.entries as Record<string, AnySchema>) : undefined;
}

function arrayItem(schema: AnySchema): AnySchema | undefined {
  const s = unwrap(schema);
  return s.type === "array" && "item" in s ? (s.item as AnySchema) : undefined;
}

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (let guard = 0; guard < 8; guard++) {
    if ("wrapped" in s) s = s.wrapped as AnySchema;
    else if ("pipe" in s && Array.isArray(s.pipe)) {
      const inner = (s.pipe as AnySchema[]).findLast((p) => p.kind === "schema");
      if (inner === undefined || inner === s) return s;
      s = inner;
    } else return s;
  }
  return s;
}
