// argv → flag values for one command (pure). Supports --name value, --name=value and boolean
// flags; unknown flags, missing values and positional arguments are usage errors (exit 2).

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

export function parseFlags<S extends FlagSpecs>(argv: readonly string[], specs: S): FlagValues<S> & { help: boolean } {
  const values: Record<string, string | boolean | undefined> = { help: false };
  for (const [name, spec] of Object.entries(specs)) values[name] = spec.type === "boolean" ? false : spec.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") {
      values.help = true;
      continue;
    }
    if (!arg.startsWith("--")) throw usageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = specs[name];
    if (spec === undefined) throw usageError(`unknown flag --${name}`);
    if (spec.type === "boolean") {
      if (eq !== -1) {
        const raw = arg.slice(eq + 1);
        if (raw !== "true" && raw !== "false") throw usageError(`--${name} takes true or false`);
        values[name] = raw === "true";
      } else values[name] = true;
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq === -1 && value.startsWith("--"))) throw usageError(`--${name} needs a value`);
    values[name] = value;
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
