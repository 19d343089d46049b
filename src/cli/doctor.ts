// `doctor`: the ordered check report (`[status] id: title - message`, or JSON).
// Exit 0 when nothing failed, 3 when the config could not be loaded or validated (the report
// is still printed), 4 when any other check failed.
import { resolveConfigPath } from "../config/load.ts";
import type { EtcdOverrides } from "../app/etcd.ts";
import { runDiagnostics } from "../diagnostics/checks.ts";
import type { ConfigStageInput } from "../diagnostics/stage-config.ts";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { etcdFlags, etcdOverrides } from "./etcd-flags.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import { hasFailure, renderReport } from "../diagnostics/report.ts";
import type { Io } from "./io.ts";

export const configFlag = { type: "string", value: "PATH", description: "config file (env BAO_KMS_PROVIDER_CONFIG, else /etc/openbao-kms/config.toml)" } as const;
export const outputFlag = { type: "string", value: "FORMAT", description: "text or json", default: "text" } as const;
const doctorFlags = {
  config: configFlag,
  "encryption-config": { type: "string", value: "FILE", description: "kube-apiserver EncryptionConfiguration to cross-check" },
  output: outputFlag,
  ...etcdFlags,
} as const;

export const doctorHelp = `Usage: bao-kms-provider doctor [--config PATH] [--encryption-config FILE] [--output text|json]

Preflight checks on a node, in order; a check whose prerequisite did not pass is reported as
skip (a skip is not a pass):
  config.load, config.validate (incl. file permissions and the socket directory), socket.group,
  jwt.local (the auth method's local credential check), kubernetes.encryption_config
  (kms v2, name = provider_name, endpoint = unix://socket_path; warn on an identity fallback),
  openbao.tls, openbao.auth, transit.capabilities (sys/capabilities-self: fail on any key
  management capability or a missing hot-path one), transit.metadata, transit.mount_id,
  transit.profile, transit.disable_upsert, transit.probe (round trip with AAD
  openbao-kubernetes-kms/doctor-probe/v1), key_id.deterministic, state.registry (the key
  registry at state.path loads, matches the scope and live metadata; warn when it does not
  exist yet and serve would create it), etcd.versions_in_use (with [etcd] or --etcd-*: the
  objects per key version; warn when retired versions no object uses could be retired),
  kms.status_encrypt (in-process KMS Status, Encrypt, Decrypt with the registry's active version).
Text lines: [pass|warn|fail|skip] id: title - message. JSON: see docs/cli.md.
Exit codes: 0 no failure, 2 usage, 3 config could not be loaded or validated, 4 a check failed.

Flags:
${formatFlags(doctorFlags)}
`;

export async function runDoctor(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, doctorFlags);
  if (f.help) {
    io.out(doctorHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const input: ConfigStageInput = {
    mode: "doctor",
    configPath: resolveConfigPath(f.config, io.env),
    env: io.env,
    encryptionConfigPath: f["encryption-config"],
    nowMs: Date.now,
  };
  return report("doctor", input, format, io, etcdOverrides(f));
}

/** Runs the checks, prints the report, and maps it to an exit code (shared with verify-key). */
export async function report(name: string, input: ConfigStageInput, format: "text" | "json", io: Io, etcd: EtcdOverrides = {}): Promise<ExitCode> {
  const { checks, configFailed } = await runDiagnostics(input, etcd);
  const r = { name, checks };
  io.out(renderReport(r, format));
  if (configFailed) return exitCodes.config;
  return hasFailure(r) ? exitCodes.checkFailed : exitCodes.ok;
}
