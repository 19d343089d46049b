// argv → flag values for one command (pure). Supports --name value, --name=value and boolean
// flags; unknown flags, missing values and positional arguments are usage errors (exit 2).

import { parseArgs } from "node:util";
import { usageError } from "./exit-codes.ts";

export interface FlagSpec {
  readonly type: "string" | "boolean";
  readonly description: string;
  readonly default?: string;
  /** Placeholder for help text, e.g. "PATH". */
  readonly value?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;
export type FlagValues<S extends FlagSpecs> = { [K in keyof S]: S[K]["type"] extends "boolean" ? boolean : string | undefined };

/**
 * node:util parseArgs does the tokenizing (--name value, --name=value, -h); the rules and every
 * message stay ours: parseArgs' strict mode would accept a string flag's value that starts with
 * "--" and refuses --bool=true, which our flags take, so it runs non-strict and each token is
 * judged here.
 */
export function parseFlags<S extends FlagSpecs>(argv: readonly string[], specs: S): FlagValues<S> & { help: boolean } {
  const values: Record<string, string | boolean | undefined> = { help: false };
  for (const [name, spec] of Object.entries(specs)) values[name] = spec.type === "boolean" ? false : spec.default;
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = { help: { type: "boolean", short: "h" } };
  for (const [name, spec] of Object.entries(specs)) options[name] = { type: spec.type };
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    const raw = argv[token.index] as string;
    if (token.kind === "positional") throw usageError(`unexpected argument "${raw}"`);
    if (token.kind === "option-terminator") throw usageError("unknown flag --");
    if (!raw.startsWith("--") && raw !== "-h") throw usageError(`unexpected argument "${raw}"`);
    if (token.name === "help" && (raw === "-h" || raw === "--help")) {
      values.help = true;
      continue;
    }
    const spec = specs[token.name];
    if (spec === undefined) throw usageError(`unknown flag --${token.name}`);
    if (spec.type === "boolean") {
      if (token.inlineValue === true) {
        if (token.value !== "true" && token.value !== "false") throw usageError(`--${token.name} takes true or false`);
        values[token.name] = token.value === "true";
      } else values[token.name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined || (token.inlineValue !== true && value.startsWith("--"))) throw usageError(`--${token.name} needs a value`);
    values[token.name] = value;
  }
  return values as FlagValues<S> & { help: boolean };
}

/** Renders the flags section of a command's --help. */
export function formatFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const left = `  --${name}${s.type === "string" ? ` ${s.value ?? "VALUE"}` : ""}`;
    const def = s.default !== undefined ? ` (default ${s.default})` : "";
    return `${left.padEnd(30)} ${s.description}${def}`;
  });
  rows.push(`${"  -h, --help".padEnd(30)} show this help`);
  return rows.join("\n");
}

/** Validates --output; returns "text" or "json". */
export function parseOutputFormat(raw: string | undefined): "text" | "json" {
  const v = (raw ?? "text").trim().toLowerCase();
  if (v !== "text" && v !== "json") throw usageError(`unsupported output format "${raw}": expected text or json`);
  return v;
}
