// What retire-versions and restore-versions share on the command line: the apply flags, the
// reviewed-hash check, and turning the application's outcome into output and an exit code.
import { type ChangeOutcome } from "../app/version-changes.ts";
import { exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { type Format, render } from "./rotation-render.ts";

export const applyFlags = {
  apply: { type: "boolean", description: "save the change (default: print the plan only)" },
  "expected-state-hash": { type: "string", value: "HASH", description: "stateHash of the reviewed plan (krs1.…); required with --apply" },
} as const;

export function parseExpectedHash(f: { apply: boolean; "expected-state-hash": string | undefined }): string | undefined {
  const h = f["expected-state-hash"];
  if (f.apply && (h === undefined || h === "")) throw usageError("--apply requires --expected-state-hash (the stateHash of the plan you reviewed)");
  if (!f.apply && h !== undefined) throw usageError("--expected-state-hash is only used with --apply");
  if (h !== undefined && !/^krs1\.[A-Za-z0-9_-]{43}$/.test(h)) throw usageError("--expected-state-hash must be a state hash (krs1. followed by 43 characters)");
  return h;
}

/** Prints the plan (if any), then the refusal (if any): exit 0, or 4 when refused. */
export function reportChange(command: string, outcome: ChangeOutcome, format: Format, io: Io): ExitCode {
  if (outcome.view !== undefined) io.out(render(outcome.view, format));
  if (outcome.refused === undefined) return exitCodes.ok;
  io.err(`bao-kms-provider ${command}: ${outcome.refused}\n`);
  return exitCodes.checkFailed;
}

/** The one-line note when a save rewrites a v1alpha1 state as v1alpha2. */
export const upgradeNote = (io: Io, statePath: string) => () => io.err(`bao-kms-provider: ${statePath} upgraded from keyregistry.openbao-kms/v1alpha1 to v1alpha2\n`);
