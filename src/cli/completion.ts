// `completion bash|zsh|fish`: shell completion scripts read from the same text `--help` prints.
// The command list is the "Commands:" section of the root help; each command's flags are the
// "Flags:" section of its own `--help`; subcommands are a "Subcommands:" section or a fixed
// word in the Usage line (`policy openbao`, `install systemd`). A new command or flag that
// appears in `--help` therefore appears in the completion with no edit here.

import { parseFlags } from "./args.ts";
import { CliError, exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";

export const completionHelp = `Usage: bao-kms-provider completion bash|zsh|fish

Prints a completion script for the shell, built from the commands and flags in --help.
  bash: source it, or install it as /usr/share/bash-completion/completions/bao-kms-provider
  zsh:  install it as _bao-kms-provider in a directory of $fpath
        (the packages use /usr/share/zsh/vendor-completions/_bao-kms-provider)
  fish: install it as ~/.config/fish/completions/bao-kms-provider.fish
Exit codes: 0 ok, 2 usage.

Flags:
  -h, --help                   show this help
`;

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

const bashWord = (s: string) => s.replace(/[^A-Za-z0-9_.|-]/g, "");

function bashValueCase(flags: readonly FlagEntry[]): string {
  const rows: string[] = [];
  for (const f of flags) {
    switch (f.value.kind) {
      case "words":
        rows.push(`      --${f.name}) COMPREPLY=($(compgen -W "${f.value.words.map(bashWord).join(" ")}" -- "$cur")); return 0 ;;`);
        break;
      case "file":
        rows.push(`      --${f.name}) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return 0 ;;`);
        break;
      case "dir":
        rows.push(`      --${f.name}) COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null; return 0 ;;`);
        break;
      case "any":
        rows.push(`      --${f.name}) return 0 ;;`);
        break;
      case "none":
        break;
    }
  }
  return rows.join("\n");
}

/** The key a (command, subcommand) pair has in the generated case statements. */
const key = (cmd: string, sub?: string) => (sub === undefined ? cmd : `${cmd}/${sub}`);

export function bashScript(table: readonly CommandEntry[]): string {
  const commands = table.map((c) => c.name).join(" ");
  const subsCase = table
    .filter((c) => c.subcommands.length > 0)
    .map((c) => `    ${c.name}) subs="${c.subcommands.map((s) => s.name).join(" ")}" ;;`)
    .join("\n");
  const leaves: Array<{ k: string; flags: readonly FlagEntry[] }> = [];
  for (const c of table) {
    if (c.subcommands.length === 0) leaves.push({ k: key(c.name), flags: c.flags });
    for (const s of c.subcommands) leaves.push({ k: key(c.name, s.name), flags: s.flags });
  }
  const flagsCase = leaves.map((l) => `    ${l.k}) flags="${l.flags.map((f) => `--${f.name}`).join(" ")}${l.flags.length > 0 ? " " : ""}--help" ;;`).join("\n");
  const valueCase = leaves
    .map((l) => ({ k: l.k, body: bashValueCase(l.flags) }))
    .filter((l) => l.body !== "")
    .map((l) => `  ${l.k})\n    case "$prev" in\n${l.body}\n    esac ;;`)
    .join("\n");
  return `# bash completion for ${name}
# Generated by '${name} completion bash' from the commands and flags in --help; do not edit.

_bao_kms_provider() {
  local cur prev cmd="" sub="" subs="" flags="" i w
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  COMPREPLY=()
  # The command is the first word after the program name; a subcommand is the word after it.
  if [[ \${COMP_CWORD} -gt 1 ]]; then
    cmd="\${COMP_WORDS[1]}"
  fi
  case "$cmd" in
${subsCase}
  esac
  if [[ \${COMP_CWORD} -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${commands}" -- "$cur"))
    return 0
  fi
  if [[ "$cmd" == help ]]; then
    [[ \${COMP_CWORD} -eq 2 ]] && COMPREPLY=($(compgen -W "${commands.split(" ").filter((c) => c !== "help").join(" ")}" -- "$cur"))
    return 0
  fi
  if [[ -n "$subs" ]]; then
    if [[ \${COMP_CWORD} -eq 2 ]]; then
      COMPREPLY=($(compgen -W "$subs" -- "$cur"))
      return 0
    fi
    sub="\${COMP_WORDS[2]}"
  fi
  local k="$cmd"
  [[ -n "$sub" ]] && k="$cmd/$sub"
  case "$k" in
${valueCase}
  esac
  case "$k" in
${flagsCase}
    *) return 0 ;;
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    flags=" $flags "
    flags="\${flags/" \${w%%=*} "/ }"
  done
  COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  return 0
}

complete -F _bao_kms_provider ${name}
`;
}

// ---- zsh --------------------------------------------------------------------------------

/** Text for a single-quoted zsh word: quotes closed and reopened, brackets made round (they end an _arguments description). */
const zshQuoted = (s: string) => s.replace(/'/g, "'\\''").replace(/\[/g, "(").replace(/\]/g, ")");
/** A _describe item's description: also its colons escaped (the first unescaped one separates the name). */
const zshText = (s: string) => zshQuoted(s).replace(/:/g, "\\:");

function zshFlagSpec(f: FlagEntry): string {
  const desc = zshQuoted(f.description);
  switch (f.value.kind) {
    case "none":
      return `'--${f.name}[${desc}]'`;
    case "file":
      return `'--${f.name}=[${desc}]:file:_files'`;
    case "dir":
      return `'--${f.name}=[${desc}]:directory:_files -/'`;
    case "words":
      return `'--${f.name}=[${desc}]:value:(${f.value.words.join(" ")})'`;
    case "any":
      return `'--${f.name}=[${desc}]:value: '`;
  }
}

function zshArguments(flags: readonly FlagEntry[], indent: string): string {
  const specs = [...flags.map(zshFlagSpec), "'(- *)'{-h,--help}'[show help]'"];
  return `${indent}_arguments -s \\\n${specs.map((s) => `${indent}  ${s}`).join(" \\\n")}`;
}

const zshDescribe = (items: ReadonlyArray<{ name: string; description: string }>) => items.map((i) => `'${i.name}:${zshText(i.description)}'`).join(" ");

export function zshScript(table: readonly CommandEntry[]): string {
  const cases = table.map((c) => {
    if (c.name === "help") return `    help)\n      local -a topics\n      topics=(${zshDescribe(table.filter((t) => t.name !== "help"))})\n      (( CURRENT == 2 )) && _describe -t commands 'command' topics ;;`;
    if (c.subcommands.length === 0) return `    ${c.name})\n${zshArguments(c.flags, "      ")} ;;`;
    const subCases = c.subcommands.map((s) => `        ${s.name})\n${zshArguments(s.flags, "          ")} ;;`).join("\n");
    return `    ${c.name})
      if (( CURRENT == 2 )); then
        local -a subs
        subs=(${zshDescribe(c.subcommands)})
        _describe -t subcommands '${c.name} subcommand' subs
        return
      fi
      words=("\${(@)words[2,-1]}")
      (( CURRENT-- ))
      case $words[1] in
${subCases}
      esac ;;`;
  });
  return `#compdef ${name}
# zsh completion for ${name}
# Generated by '${name} completion zsh' from the commands and flags in --help; do not edit.

_bao-kms-provider() {
  local -a commands
  commands=(${zshDescribe(table)})
  if (( CURRENT == 2 )); then
    _describe -t commands '${name} command' commands
    return
  fi
  words=("\${(@)words[2,-1]}")
  (( CURRENT-- ))
  case $words[1] in
${cases.join("\n")}
  esac
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _bao-kms-provider "$@"
else
  compdef _bao-kms-provider ${name}
fi
`;
}

// ---- fish -------------------------------------------------------------------------------

const fishQuote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

function fishFlag(condition: string, f: FlagEntry): string {
  const base = `complete -c ${name} -n ${fishQuote(condition)} -l ${f.name} -d ${fishQuote(f.description)}`;
  switch (f.value.kind) {
    case "none":
      return base;
    case "file":
      return `${base} -r -F`;
    case "dir":
      return `${base} -x -a '(__fish_complete_directories)'`;
    case "words":
      return `${base} -x -a ${fishQuote(f.value.words.join(" "))}`;
    case "any":
      return `${base} -x`;
  }
}

export function fishScript(table: readonly CommandEntry[]): string {
  const all = table.map((c) => c.name).join(" ");
  const lines: string[] = [
    `# fish completion for ${name}`,
    `# Generated by '${name} completion fish' from the commands and flags in --help; do not edit.`,
    "",
    `complete -c ${name} -f`,
    `complete -c ${name} -s h -l help -d 'show help'`,
  ];
  for (const c of table) lines.push(`complete -c ${name} -n ${fishQuote(`not __fish_seen_subcommand_from ${all}`)} -a ${c.name} -d ${fishQuote(c.description)}`);
  for (const c of table) {
    if (c.name === "help") {
      for (const t of table.filter((x) => x.name !== "help")) {
        lines.push(`complete -c ${name} -n ${fishQuote(`__fish_seen_subcommand_from help; and not __fish_seen_subcommand_from ${table.filter((x) => x.name !== "help").map((x) => x.name).join(" ")}`)} -a ${t.name} -d ${fishQuote(t.description)}`);
      }
      continue;
    }
    const inCmd = `__fish_seen_subcommand_from ${c.name}`;
    for (const f of c.flags) lines.push(fishFlag(inCmd, f));
    if (c.subcommands.length === 0) continue;
    const subNames = c.subcommands.map((s) => s.name).join(" ");
    for (const s of c.subcommands) {
      lines.push(`complete -c ${name} -n ${fishQuote(`${inCmd}; and not __fish_seen_subcommand_from ${subNames}`)} -a ${s.name} -d ${fishQuote(s.description || `${c.name} ${s.name}`)}`);
      for (const f of s.flags) lines.push(fishFlag(`${inCmd}; and __fish_seen_subcommand_from ${s.name}`, f));
    }
  }
  return lines.join("\n") + "\n";
}

export function completionScript(shell: Shell, table: readonly CommandEntry[]): string {
  return shell === "bash" ? bashScript(table) : shell === "zsh" ? zshScript(table) : fishScript(table);
}

/** A HelpRunner over the CLI's own dispatcher (in-process; help never touches the system). */
export function helpRunner(run: (argv: readonly string[], io: Io) => Promise<ExitCode>): HelpRunner {
  return async (argv) => {
    let out = "";
    const io: Io = {
      out: (s) => void (out += s),
      err: () => {},
      env: {},
      exitNow: () => {
        throw new Error("help called exitNow");
      },
    };
    const code = await run(argv, io);
    if (code !== exitCodes.ok) throw new Error(`'${argv.join(" ")}' exited ${code}`);
    return out;
  };
}

/** The completion script for `shell`, from the CLI's own help. */
export async function generateCompletion(shell: Shell): Promise<string> {
  const { runCli } = await import("./root.ts");
  return completionScript(shell, await commandTable(helpRunner(runCli)));
}

export async function runCompletion(argv: readonly string[], io: Io): Promise<ExitCode> {
  const positional = argv.filter((a) => !a.startsWith("-"));
  const f = parseFlags(argv.filter((a) => a.startsWith("-")), {});
  if (f.help) {
    io.out(completionHelp);
    return exitCodes.ok;
  }
  const shell = positional[0];
  if (shell === undefined) throw usageError("completion needs a shell: bash, zsh or fish");
  if (positional.length > 1) throw usageError(`unexpected argument "${positional[1]}"`);
  if (!(shells as readonly string[]).includes(shell)) throw new CliError(exitCodes.usage, `unsupported shell "${shell}": expected bash, zsh or fish`);
  io.out(await generateCompletion(shell as Shell));
  return exitCodes.ok;
}
