// Converts the Go provider's YAML config (camelCase keys, `configVersion: v1alpha1`, read there
// through Viper with UnmarshalExact and no weak typing) to our TOML config. Pure: text in, TOML
// text and a mapping report out, or a list of refusals. Every Go key is either mapped to exactly
// one of ours, dropped with a reason (a no-op here), or refused (cert auth, debug correlation,
// anything unknown), so nothing is silently lost. The caller validates the TOML with our own
// loader before writing it.

import { dropped, type Kind, mapped } from "./import-go-keys.ts";

/** Bigger than any real config; the YAML parser never sees more. */
export const maxImportBytes = 1024 * 1024;
/** Mappings nested deeper than this, or more nodes than maxNodes, are refused before mapping. */
const maxDepth = 8;
const maxNodes = 2000;
/** At most this many problems are reported (then a count of the rest). */
const maxReportedProblems = 50;

export interface ImportLine {
  /** The Go key as written in the YAML. */
  readonly from: string;
  /** Our key, or undefined when the key is dropped. */
  readonly to?: string;
  /** The value as written to the TOML (strings quoted); absent for dropped keys. */
  readonly value?: string;
  /** Why a key is dropped. */
  readonly note?: string;
}

export interface ImportProblem {
  /** The Go key (or "" for the whole file). */
  readonly key: string;
  readonly message: string;
}

export type ImportResult =
  | { readonly ok: true; readonly toml: string; readonly lines: readonly ImportLine[] }
  | { readonly ok: false; readonly problems: readonly ImportProblem[] };

const lower = (s: string) => s.toLowerCase();
const mappedByKey = new Map(mapped.map(([go, ours, kind]) => [lower(go), { go, ours, kind }]));
const droppedByKey = new Map(dropped.map(([go, kind, note]) => [lower(go), { go, kind, note }]));
/** Every prefix of a known key is a table (Viper matches keys case-insensitively, so we do too). */
const tables = new Set(
  [...mapped.map(([g]) => g), ...dropped.map(([g]) => g), "logging.debugCorrelation.enabled", "auth.cert.x"].flatMap((g) => {
    const parts = lower(g).split(".");
    return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("."));
  }),
);

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `a ${typeof v}`;
}

/** TOML basic string: JSON escaping is valid TOML, except that DEL must be escaped too. */
function tomlString(s: string): string {
  return JSON.stringify(s).replace(/\u007f/g, "\\u007f");
}

/**
 * Keys written twice in one block mapping (Bun's YAML parser keeps the last; Go's yaml.v3
 * refuses them). A line scan of block-style mappings, which is how the Go provider's docs and
 * init write the file; keys are compared case-insensitively, as Viper does.
 */
export function duplicateKeys(text: string): string[] {
  const dups: string[] = [];
  const stack: Array<{ indent: number; keys: Set<string>; path: string[] }> = [{ indent: -1, keys: new Set(), path: [] }];
  let blockIndent = -1; // inside a block scalar (| or >): lines indented more than this are text
  for (const line of text.split(/\r?\n/)) {
    const t = line.trimStart();
    const indent = line.length - t.length;
    if (blockIndent >= 0) {
      if (t === "" || indent > blockIndent) continue;
      blockIndent = -1;
    }
    // Comments, blank lines and sequence items (lists of strings in this config) hold no keys.
    if (t === "" || t.startsWith("#") || t.startsWith("-")) continue;
    const m = /^(["']?)([^\s:"'#]+)\1\s*:(?:\s|$)(.*)$/.exec(t);
    if (m === null) continue;
    while ((stack[stack.length - 1] as { indent: number }).indent >= indent) stack.pop();
    const top = stack[stack.length - 1] as (typeof stack)[number];
    const name = m[2] as string;
    if (top.keys.has(lower(name))) dups.push([...top.path, name].join("."));
    top.keys.add(lower(name));
    stack.push({ indent, keys: new Set(), path: [...top.path, name] });
    if (/^[|>][0-9+-]*(\s+#.*)?$/.test((m[3] as string).trim())) blockIndent = indent;
  }
  return dups;
}

/** Flattens the YAML document to dotted keys (as written) → leaf values; refuses aliases and huge trees. */
function flatten(doc: Record<string, unknown>, problems: ImportProblem[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const seen = new Set<object>();
  let nodes = 0;
  const walk = (node: Record<string, unknown>, path: string[]) => {
    if (seen.has(node)) {
      problems.push({ key: path.join("."), message: "YAML anchors and aliases are not supported: write the values out" });
      return;
    }
    seen.add(node);
    if (path.length > maxDepth) {
      problems.push({ key: path.join("."), message: `is nested deeper than ${maxDepth} levels` });
      return;
    }
    for (const [k, v] of Object.entries(node)) {
      if (++nodes > maxNodes) {
        if (nodes === maxNodes + 1) problems.push({ key: "", message: `has more than ${maxNodes} keys and values` });
        return;
      }
      const p = [...path, k];
      if (isPlainObject(v) && tables.has(lower(p.join(".")))) walk(v, p);
      else {
        if (v !== null && typeof v === "object") {
          if (seen.has(v)) {
            problems.push({ key: p.join("."), message: "YAML anchors and aliases are not supported: write the values out" });
            continue;
          }
          seen.add(v);
        }
        out.set(p.join("."), v);
      }
    }
  };
  walk(doc, []);
  return out;
}

function typeProblem(v: unknown, kind: Kind): string | undefined {
  switch (kind) {
    case "string":
      return typeof v === "string" ? undefined : `must be a string, got ${describe(v)} (the Go provider requires quotes too, e.g. "0660" or "1234")`;
    case "duration":
      return typeof v === "string" ? undefined : `must be a duration string with units such as "30s", got ${describe(v)}`;
    case "int":
      return typeof v === "number" && Number.isSafeInteger(v) ? undefined : `must be a whole number, got ${describe(v)}`;
    case "bool":
      return typeof v === "boolean" ? undefined : `must be true or false, got ${describe(v)}`;
    case "strings":
      return Array.isArray(v) && v.every((x) => typeof x === "string") ? undefined : `must be a list of strings, got ${describe(v)}`;
  }
}

function tomlValue(v: unknown, kind: Kind): string {
  if (kind === "strings") return `[${(v as string[]).map(tomlString).join(", ")}]`;
  if (kind === "int" || kind === "bool") return String(v);
  return tomlString(v as string);
}

/** Converts the Go YAML text. Never throws for bad input: every refusal is a problem. */
export function importGoConfig(text: string): ImportResult {
  if (Buffer.byteLength(text, "utf8") > maxImportBytes) return { ok: false, problems: [{ key: "", message: `file is larger than ${maxImportBytes / 1024 / 1024} MiB` }] };
  let doc: unknown;
  try {
    doc = Bun.YAML.parse(text);
  } catch (e) {
    // Bun's message names the token, not the content.
    const why = e instanceof Error ? e.message.replace(/^YAML Parse error: /, "").slice(0, 120) : "unreadable";
    return { ok: false, problems: [{ key: "", message: `is not valid YAML (${why})` }] };
  }
  if (!isPlainObject(doc)) return { ok: false, problems: [{ key: "", message: `must be one YAML mapping (got ${describe(doc)}; multiple documents are not supported)` }] };

  const problems: ImportProblem[] = duplicateKeys(text).map((key) => ({ key, message: "is given twice (the Go provider refuses duplicate keys too)" }));
  const version = Object.entries(doc).find(([k]) => lower(k) === "configversion");
  if (version === undefined) problems.push({ key: "configVersion", message: "is required (this reads the Go provider's configVersion v1alpha1 files)" });
  else if (version[1] !== "v1alpha1") problems.push({ key: "configVersion", message: 'must be "v1alpha1" (the only Go config version this import reads)' });

  const flat = flatten(doc, problems);
  const lines: ImportLine[] = [];
  const values = new Map<string, { value: string; from: string }>();
  const method = [...flat].find(([k]) => lower(k) === "auth.method")?.[1];
  if (method === "cert") problems.push({ key: "auth.method", message: "cert (TLS certificate) auth is not supported by this provider: use jwt (or approle), see docs/migrating-from-go.md" });

  for (const [key, v] of flat) {
    const k = lower(key);
    if (k === "configversion") continue;
    if (k === "auth.cert" || k.startsWith("auth.cert.")) {
      if (method !== "cert") problems.push({ key, message: "cert (TLS certificate) auth is not supported by this provider: remove the auth.cert block" });
      continue;
    }
    if (k === "logging.debugcorrelation.enabled") {
      if (v === true) problems.push({ key, message: "debug correlation is not supported by this provider: set it to false or remove the logging.debugCorrelation block" });
      else if (v !== false) problems.push({ key, message: `must be true or false, got ${describe(v)}` });
      else lines.push({ from: key, note: "debug correlation is disabled (and not supported here)" });
      continue;
    }
    const drop = droppedByKey.get(k);
    if (drop !== undefined) {
      const bad = typeProblem(v, drop.kind);
      if (bad !== undefined) problems.push({ key, message: bad });
      else lines.push({ from: key, note: drop.note });
      continue;
    }
    const m = mappedByKey.get(k);
    if (m === undefined) {
      problems.push({ key, message: tables.has(k) ? `must be a mapping, got ${describe(v)}` : "is not a key of the Go provider's config v1alpha1 that this provider supports" });
      continue;
    }
    const bad = typeProblem(v, m.kind);
    if (bad !== undefined) {
      problems.push({ key, message: bad });
      continue;
    }
    if (values.has(m.ours)) {
      problems.push({ key, message: `is given twice (also as ${values.get(m.ours)?.from})` });
      continue;
    }
    const value = tomlValue(v, m.kind);
    values.set(m.ours, { value, from: key });
    lines.push({ from: key, to: m.ours, value });
  }
  if (problems.length > maxReportedProblems) {
    const more = problems.length - maxReportedProblems;
    return { ok: false, problems: [...problems.slice(0, maxReportedProblems), { key: "", message: `… and ${more} more problems` }] };
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, toml: renderToml(values), lines };
}

/** Our TOML, tables in the order of the mapping table, keys in that order within each. */
function renderToml(values: ReadonlyMap<string, { value: string }>): string {
  const byTable = new Map<string, string[]>();
  for (const [, ours] of mapped) {
    const v = values.get(ours);
    if (v === undefined) continue;
    const dot = ours.lastIndexOf(".");
    const table = ours.slice(0, dot);
    const list = byTable.get(table) ?? [];
    list.push(`${ours.slice(dot + 1)} = ${v.value}`);
    byTable.set(table, list);
  }
  const parts = ['config_version = "v1"'];
  for (const [table, keys] of byTable) parts.push(`[${table}]\n${keys.join("\n")}`);
  return `${parts.join("\n\n")}\n`;
}
