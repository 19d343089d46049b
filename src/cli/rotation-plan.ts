// `rotation-plan`: this node's key registry against live Transit metadata (read-only).
import { rotationView } from "../app/rotation-view.ts";
import { etcdSettings } from "../app/objects-in-use.ts";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { etcdFlags, etcdOverrides } from "./etcd-flags.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { loadCliConfig } from "./load-config.ts";
import { render, reportFlags, rotationText } from "./rotation-render.ts";

const flags = { ...reportFlags, ...etcdFlags } as const;

export const rotationPlanHelp = `Usage: bao-kms-provider rotation-plan [--config PATH] [--output text|json]

Read-only report of this node's key registry (state.path) against live Transit metadata:
state generation and hash, checkpoint status (current|behind|missing|absent), the active and
latest Transit versions, any pending version with its stable observation count and the time
it can be promoted (promotesAfter; a restart waits rotation.activation_delay again), what
the next metadata probe would conclude, and retained versions that Transit archives below
min_decryption_version (archivedVersions, with archivedAdvice: lowering the minimum brings
them back). When the next probe would promote, it runs the candidate's encrypt/decrypt round
trip once (pendingRoundTrip: ok or a failure class; serve defers the promotion while it fails).
With etcd settings ([etcd] or the --etcd-* flags) it counts the objects in etcd per Transit
version (objectsByVersion; "N objects still on version V" in text). key_ids are shown as
hashes. Nothing is written.
Exit codes: 0 report printed, 2 usage, 3 config invalid, 4 state unreadable, OpenBao metadata
unreadable (auth, TLS, permission), or no state and the key is already rotated.

Flags:
${formatFlags(flags)}
`;

export async function runRotationPlan(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, flags);
  if (f.help) {
    io.out(rotationPlanHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const config = await loadCliConfig(f.config, io);
  const { view, problem } = await rotationView(config, etcdSettings(config, etcdOverrides(f)));
  io.out(format === "json" ? render({ command: "rotation-plan", ...view }, format) : rotationText("rotation-plan", view));
  // A blocked rotation is what this report is for; only an unreadable input is a failure.
  if (problem !== undefined && view.rotationState !== "blocked") {
    io.err(`bao-kms-provider rotation-plan: ${problem}\n`);
    return exitCodes.checkFailed;
  }
  return exitCodes.ok;
}
