// Dispatches argv to a command and returns its exit code; errors become a one-line message
// on stderr. Never calls process.exit (src/main.ts does).

import { CliError, exitCodes, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { runVersion } from "./version.ts";

export const rootHelp = `bao-kms-provider — Kubernetes KMS v2 provider backed by OpenBao Transit

Usage: bao-kms-provider <command> [flags]

Commands:
  serve             run the provider on the KMS socket
  probe             act like kube-apiserver against a running socket (Status, Encrypt, Decrypt)
  doctor            preflight checks on a node: config, files, auth, TLS, Transit, EncryptionConfiguration
  verify-key        check that the Transit key and mount are suitable (no encrypt or decrypt)
  rotation-plan     report this node's key registry against live Transit metadata
  verify-rotation   check that a rotation is complete on this node
  retire-versions   plan or apply removing old retired versions from decrypt lookup
  restore-versions  plan or apply making removed versions decryptable again
  config            config check | show | schema | import
  init              generate config, EncryptionConfigurations, OpenBao policy and setup script
  policy            policy openbao: print the least-privilege OpenBao policy for the configured key
  benchmark         Transit (and with --socket, KMS RPC) latency
  backup            copy this node's key registry (state + checkpoint) consistently, with SHA-256 sums; or --verify one
  inventory         count the objects in etcd by key version (what retiring a version would strand)
  recover           disaster recovery: Secrets and ConfigMaps from etcd to manifests, without kube-apiserver
  version           print version, commit, build date and Bun version
  install           install systemd: write the unit, users, directories and example config from this binary
  completion        print a bash, zsh or fish completion script built from this help
  help              show help for a command

Run 'bao-kms-provider <command> --help' for a command's flags.
Exit codes: 0 ok, 1 error, 2 usage, 3 config, 4 check failed, 5 serve runtime failure.
`;


// Commands load their modules on demand: evaluating grpc-js and the protobuf code costs ~25 ms
// that `version` never needs (measured: 34 → 10 ms per run).
const commands: Record<string, (argv: readonly string[], io: Io) => Promise<ExitCode> | ExitCode> = {
  // Signal handlers first, before serve's modules load (src/runtime/signals.ts).
  serve: async (argv, io) => {
    const signals = (await import("../runtime/signals.ts")).installServeSignals(io.exitNow);
    return (await import("./serve.ts")).runServe(argv, io, signals);
  },
  probe: async (argv, io) => (await import("./probe.ts")).runProbe(argv, io.out),
  version: (argv, io) => runVersion(argv, io.out),
  install: async (argv, io) => (await import("./install.ts")).runInstall(argv, io),
  config: async (argv, io) => (await import("./config-cmd.ts")).runConfig(argv, io),
  doctor: async (argv, io) => (await import("./doctor.ts")).runDoctor(argv, io),
  "verify-key": async (argv, io) => (await import("./verify-key.ts")).runVerifyKey(argv, io),
  init: async (argv, io) => (await import("./init.ts")).runInit(argv, io),
  "rotation-plan": async (argv, io) => (await import("./rotation-plan.ts")).runRotationPlan(argv, io),
  "verify-rotation": async (argv, io) => (await import("./verify-rotation.ts")).runVerifyRotation(argv, io),
  "retire-versions": async (argv, io) => (await import("./retire-versions.ts")).runRetireVersions(argv, io),
  "restore-versions": async (argv, io) => (await import("./restore-versions.ts")).runRestoreVersions(argv, io),
  benchmark: async (argv, io) => (await import("./benchmark.ts")).runBenchmark(argv, io),
  policy: async (argv, io) => (await import("./policy.ts")).runPolicy(argv, io),
  backup: async (argv, io) => (await import("./backup.ts")).runBackup(argv, io),
  inventory: async (argv, io) => (await import("./inventory.ts")).runInventory(argv, io),
  recover: async (argv, io) => (await import("./recover.ts")).runRecover(argv, io),
  completion: async (argv, io) => (await import("./completion.ts")).runCompletion(argv, io, runCli),
};

export async function runCli(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h") {
      io.out(rootHelp);
      return exitCodes.ok;
    }
    if (name === "--version") return await runVersion([], io.out);
    if (name === "help") {
      const topic = rest[0];
      if (topic === undefined) {
        io.out(rootHelp);
        return exitCodes.ok;
      }
      const cmd = commands[topic];
      // Two-word topics for the group commands: `help config check`, `help policy openbao`.
      const subcommands: Record<string, readonly string[]> = { config: ["check", "show", "schema", "import"], policy: ["openbao"] };
      const sub = rest.length === 2 && (subcommands[topic] ?? []).includes(rest[1] as string) ? [rest[1] as string] : [];
      if (cmd === undefined || rest.length > 1 + sub.length) throw new CliError(exitCodes.usage, `unknown help topic "${rest.join(" ")}"`);
      return await cmd([...sub, "--help"], io);
    }
    const cmd = commands[name];
    if (cmd === undefined) throw new CliError(exitCodes.usage, `unknown command "${name}" (see 'bao-kms-provider --help')`);
    return await cmd(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`bao-kms-provider: ${e.message}\n`);
      return e.exitCode;
    }
    io.err(`bao-kms-provider: unexpected error: ${e instanceof Error ? e.name : "unknown"}\n`);
    return exitCodes.error;
  }
}
