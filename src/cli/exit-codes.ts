// Process exit codes (design.md "Command line"); only src/main.ts turns them into an exit.

export const exitCodes = {
  ok: 0,
  error: 1,
  usage: 2,
  config: 3,
  checkFailed: 4,
  runtime: 5,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** An error that carries the exit code it should end the process with. */
export class CliError extends Error {
  override readonly name = "CliError" as const;
  constructor(readonly exitCode: ExitCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export const usageError = (message: string) => new CliError(exitCodes.usage, message);
