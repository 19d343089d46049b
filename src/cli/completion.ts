// `completion bash|zsh|fish`: shell completion scripts read from the same text `--help` prints.
// The command list is the "Commands:" section of the root help; each command's flags are the
// "Flags:" section of its own `--help`; subcommands are a "Subcommands:" section or a fixed
// word in the Usage line (`policy openbao`, `install systemd`). A new command or flag that
// appears in `--help` therefore appears in the completion with no edit here.

import { parseFlags } from "./args.ts";
import { bashScript, fishScript, zshScript } from "./completion-shells.ts";
import { type CommandEntry, commandTable, type HelpRunner, type Shell, shells } from "./completion-table.ts";
import { CliError, exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";

export { bashScript, fishScript, zshScript } from "./completion-shells.ts";
export { commandTable, type CommandEntry, type FlagEntry, type HelpRunner, type Shell } from "./completion-table.ts";

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

/** The CLI's dispatcher, passed in by src/cli/root.ts (so this module never imports root). */
export type CliRunner = (argv: readonly string[], io: Io) => Promise<ExitCode>;

/** The completion script for `shell`, from the CLI's own help. */
export async function generateCompletion(shell: Shell, runCli: CliRunner): Promise<string> {
  return completionScript(shell, await commandTable(helpRunner(runCli)));
}

export async function runCompletion(argv: readonly string[], io: Io, runCli: CliRunner): Promise<ExitCode> {
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
  io.out(await generateCompletion(shell as Shell, runCli));
  return exitCodes.ok;
}
