// ConfigError: every problem found in a config, as data plus one readable multi-line message.
// Messages never contain config values; only key names (escaped, truncated) and fixed text.

/** One config problem. `path` is dotted snake_case (`openbao.timeout`, `a.b[0]`); "" = whole file. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  /** 1-based line of a TOML syntax error. */
  readonly line?: number;
  /** 1-based column of a TOML syntax error. */
  readonly column?: number;
}

/** Why loading failed: file unreadable, over the size cap, not TOML, or TOML that breaks the rules. */
export type ConfigErrorKind = "unreadable" | "too_large" | "syntax" | "invalid";

/** At most this many problems are kept; the rest are summarised in one extra line. */
export const maxReportedProblems = 50;

/** Thrown by the loader; `problems` lists every problem found, `message` renders them one per line. */
export class ConfigError extends Error {
  override name = "ConfigError" as const;
  readonly kind: ConfigErrorKind;
  readonly sourceName: string;
  readonly problems: ReadonlyArray<ConfigProblem>;

  constructor(kind: ConfigErrorKind, sourceName: string, problems: ReadonlyArray<ConfigProblem>) {
    const kept = capProblems(problems);
    super(renderProblems(sourceName, kept));
    this.kind = kind;
    this.sourceName = sourceName;
    this.problems = Object.freeze(kept.map((p) => Object.freeze({ ...p })));
  }
}

/** Renders `config invalid (<source>):` followed by one `  - <path>: <message>` line per problem. */
export function renderProblems(sourceName: string, problems: ReadonlyArray<ConfigProblem>): string {
  const lines = problems.map((p) => `  - ${problemPrefix(p)}${p.message}`);
  return [`config invalid (${safeText(sourceName, 256)}):`, ...lines].join("\n");
}

function problemPrefix(p: ConfigProblem): string {
  if (p.line !== undefined && p.column !== undefined) return `line ${p.line}, column ${p.column}: `;
  return p.path === "" ? "" : `${p.path}: `;
}

// A hostile file can hold 100k unknown keys; the report stays bounded (design: "bound everything").
function capProblems(problems: ReadonlyArray<ConfigProblem>): ConfigProblem[] {
  if (problems.length <= maxReportedProblems) return [...problems];
  const hidden = problems.length - maxReportedProblems;
  return [
    ...problems.slice(0, maxReportedProblems),
    { path: "", message: `${hidden} more problem${hidden === 1 ? "" : "s"} not shown` },
  ];
}

/** Escapes control and line-separator characters and truncates, so text cannot forge report lines. */
export function safeText(s: string, maxChars: number): string {
  const cut = s.length > maxChars ? s.slice(0, maxChars) + "…" : s;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}
