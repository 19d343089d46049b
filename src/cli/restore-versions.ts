// `restore-versions`: plan or apply making removed versions decryptable again.
import { planRestore, runVersionChange } from "../app/version-changes.ts";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { loadCliConfig } from "./load-config.ts";
import { configFlag, outputFlag } from "./rotation-render.ts";
import { applyFlags, parseExpectedHash, reportChange, upgradeNote } from "./version-change.ts";

const flags = {
  config: configFlag,
  versions: { type: "string", value: "LIST", description: "comma-separated removed versions to make decryptable again, e.g. 1,2" },
  ...applyFlags,
  output: outputFlag,
} as const;

export const restoreVersionsHelp = `Usage: bao-kms-provider restore-versions --versions a,b [--apply --expected-state-hash H] [--config PATH] [--output text|json]

Plans (default) or applies making removed versions decryptable again (removed → retired) on
this node. The active key does not change. Each version must be removed in the registry and
still present in Transit with the same creation time. A version Transit archives below
min_decryption_version is refused with the command that lowers the minimum (which brings it
back unchanged); a trimmed one (min_available_version) can never come back. --apply needs the reviewed stateHash and the state lock (stop serve
on this node first, and run as the service user).
Exit codes: 0 planned or applied, 2 usage, 3 config invalid, 4 refused, stale hash, or save failed.

Flags:
${formatFlags(flags)}
`;

export async function runRestoreVersions(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, flags);
  if (f.help) {
    io.out(restoreVersionsHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const raw = f.versions;
  if (raw === undefined || raw.trim() === "") throw usageError("--versions is required (e.g. --versions 1,2)");
  const parts = raw.split(",").map((s) => s.trim());
  if (parts.length > 1000 || parts.some((p) => !/^[0-9]{1,9}$/.test(p) || Number(p) < 1)) throw usageError("--versions must be a comma-separated list of positive whole numbers");
  const versions = [...new Set(parts.map(Number))].sort((a, b) => a - b);
  const expectedHash = parseExpectedHash(f);
  const config = await loadCliConfig(f.config, io);
  const outcome = await runVersionChange({
    operation: "restore",
    config,
    apply: f.apply,
    expectedHash,
    extra: { versions },
    plan: (state, meta) => planRestore(state, meta, versions, config),
    onUpgrade: upgradeNote(io, config.state.path),
  });
  return reportChange("restore-versions", outcome, format, io);
}
