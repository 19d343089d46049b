// `verify-rotation`: the rotation-plan view plus a verdict (exit 4 unless complete).
import { objectsOffActive, rotationLimitations, rotationView } from "../app/rotation-view.ts";
import { etcdSettings } from "../app/objects-in-use.ts";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { etcdFlags, etcdOverrides } from "./etcd-flags.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { loadCliConfig } from "./load-config.ts";
import { render, reportFlags, rotationText } from "./rotation-render.ts";

const flags = { ...reportFlags, ...etcdFlags } as const;

export const verifyRotationHelp = `Usage: bao-kms-provider verify-rotation [--config PATH] [--output text|json]

The rotation-plan view plus a verdict: the rotation is complete on this node when the state
loads, live metadata validates it, nothing is pending, and the active version is Transit's
latest. With etcd settings ([etcd] or the --etcd-* flags) it also counts the objects in etcd
per version and is not complete while any object is on a version other than the active one.
Confidence is limited: backups and other nodes are not seen (the limitations are listed).
Nothing is written.
Exit codes: 0 complete, 2 usage, 3 config invalid, 4 not complete or not verifiable.

Flags:
${formatFlags(flags)}
`;

export async function runVerifyRotation(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, flags);
  if (f.help) {
    io.out(verifyRotationHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const config = await loadCliConfig(f.config, io);
  const { view, problem } = await rotationView(config, etcdSettings(config, etcdOverrides(f)));
  const reasons: string[] = [];
  if (problem !== undefined) reasons.push(problem);
  else if (view.rotationState !== "stable") reasons.push(`rotation state is ${view.rotationState}`);
  if (view.pendingTransitVersion !== null) reasons.push(`version ${view.pendingTransitVersion} is pending`);
  if (view.activeTransitVersion !== null && view.latestTransitVersion !== null && view.activeTransitVersion !== view.latestTransitVersion) {
    reasons.push(`active version ${view.activeTransitVersion} is not Transit's latest (${view.latestTransitVersion})`);
  }
  reasons.push(...objectsOffActive(view));
  const complete = reasons.length === 0;
  // Counted in etcd, the first limitation (objects not rewritten) no longer applies.
  const limitations = view.objectsByVersion === undefined ? [...rotationLimitations] : rotationLimitations.slice(1);
  const result = { command: "verify-rotation", complete, ...view, confidence: "limited", limitations, ...(complete ? {} : { incomplete: reasons }) };
  if (format === "json") io.out(render(result, format));
  else {
    const verdict = complete ? ["Rotation complete on this node (confidence: limited):", ...limitations.map((l) => `  - ${l}`)] : ["Rotation NOT complete on this node:", ...reasons.map((r) => `  - ${r}`)];
    io.out(`${rotationText("verify-rotation", view)}\n${verdict.join("\n")}\n`);
  }
  return complete ? exitCodes.ok : exitCodes.checkFailed;
}
