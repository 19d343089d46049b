// The command table completion is built from: the root help's "Commands:" section, each
// command's "Flags:" section and its subcommands, read from the same text `--help` prints.

export type Shell = "bash" | "zsh" | "fish";
export const shells: readonly Shell[] = ["bash", "zsh", "fish"];

/** What a flag's value completes to. */
export type FlagValue = { kind: "none" } | { kind: "file" } | { kind: "dir" } | { kind: "words"; words: readonly string[] } | { kind: "any" };

export interface FlagEntry {
  readonly name: string;
  readonly description: string;
  readonly value: FlagValue;
}

export interface CommandEntry {
  readonly name: string;
  readonly description: string;
  readonly flags: readonly FlagEntry[];
  readonly subcommands: readonly CommandEntry[];
}

/** Runs argv through the CLI and returns what it printed on stdout (help only). */
export type HelpRunner = (argv: readonly string[]) => Promise<string>;

const name = "bao-kms-provider";

/** The "<title>:" section of a help text: its indented lines up to the next blank line. */
function section(help: string, title: string): string[] {
  const lines = help.split("\n");
  const start = lines.findIndex((l) => l.trim() === `${title}:`);
  if (start === -1) return [];
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() === "") break;
    out.push(l);
  }
  return out;
}

/** `  word   description` rows (continuation lines, indented deeper, are joined to the row above). */
function wordRows(lines: readonly string[]): Array<{ word: string; description: string }> {
  const rows: Array<{ word: string; description: string }> = [];
  for (const l of lines) {
    const m = /^ {2}([a-z][a-z0-9-]*)(?: {2,}(.*))?$/.exec(l);
    if (m) rows.push({ word: m[1]!, description: (m[2] ?? "").trim() });
    else if (rows.length > 0 && /^ {4,}\S/.test(l)) rows[rows.length - 1]!.description += ` ${l.trim()}`;
  }
  return rows;
}

/** The Usage line(s): from "Usage:" up to the first blank line. */
function usageText(help: string): string {
  const lines = help.split("\n");
  const start = lines.findIndex((l) => l.startsWith("Usage:"));
  if (start === -1) return "";
  const out: string[] = [];
  for (const l of lines.slice(start)) {
    if (l.trim() === "") break;
    out.push(l.trim());
  }
  return out.join(" ");
}

const fileWords = new Set(["PATH", "FILE"]);

/** Flags of one help text, with value kinds from the placeholder and `--flag a|b` in Usage. */
export function flagsOf(help: string): FlagEntry[] {
  const usage = usageText(help);
  const flags: FlagEntry[] = [];
  for (const l of section(help, "Flags")) {
    const m = /^ {2}(?:-[a-zA-Z], )?--([a-z][a-z0-9-]*)(?: (\S+))?\s+(.*)$/.exec(l);
    if (!m) continue;
    const flag = m[1]!;
    if (flag === "help") continue;
    const placeholder = m[2];
    const description = m[3]!.trim();
    let value: FlagValue = { kind: "none" };
    if (placeholder !== undefined) {
      // `--output text|json` in Usage, else a description starting "debug|info|…" or "text or json".
      const alternatives =
        new RegExp(`--${flag}[ =]([a-z0-9-]+(?:\\|[a-z0-9-]+)+)`).exec(usage)?.[1] ??
        /^([a-z0-9-]+(?:\|[a-z0-9-]+)+)(?![a-z0-9-])/.exec(description)?.[1] ??
        /^([a-z0-9-]+) or ([a-z0-9-]+)(?![a-z0-9-])/.exec(description)?.slice(1, 3).join("|");
      if (alternatives !== undefined) value = { kind: "words", words: alternatives.split("|") };
      else if (fileWords.has(placeholder)) value = { kind: "file" };
      else if (placeholder === "DIR") value = { kind: "dir" };
      else value = { kind: "any" };
    }
    flags.push({ name: flag, description, value });
  }
  return flags;
}

/** Subcommands named in a help text: a "Subcommands:" section, else a fixed word after the command in Usage. */
function subcommandWords(help: string, command: string): Array<{ word: string; description: string }> {
  const rows = wordRows(section(help, "Subcommands"));
  if (rows.length > 0) return rows;
  const m = new RegExp(`^Usage: ${name} ${command} ([a-z][a-z0-9-]*(?:\\|[a-z][a-z0-9-]*)*)(?: |$)`).exec(usageText(help));
  return m ? m[1]!.split("|").map((word) => ({ word, description: "" })) : [];
}

/** Builds the command table by running `--help` for the root, every command and every subcommand. */
export async function commandTable(help: HelpRunner): Promise<CommandEntry[]> {
  const root = await help(["--help"]);
  const out: CommandEntry[] = [];
  for (const { word, description } of wordRows(section(root, "Commands"))) {
    if (word === "help") {
      out.push({ name: word, description, flags: [], subcommands: [] });
      continue;
    }
    const text = await help([word, "--help"]);
    const subs: CommandEntry[] = [];
    for (const s of subcommandWords(text, word)) {
      const subText = await help([word, s.word, "--help"]);
      subs.push({ name: s.word, description: s.description, flags: flagsOf(subText), subcommands: [] });
    }
    // A command whose help is its only subcommand's help (`policy openbao`) keeps the flags on the subcommand.
    out.push({ name: word, description, flags: subs.length > 0 ? [] : flagsOf(text), subcommands: subs });
  }
  return out;
}

// ---- bash -------------------------------------------------------------------------------
