// `serve`: flags and help, the config, then the runtime (src/runtime/) does the rest: start-up,
// serving, the drain and the order things are released in.

import { ConfigError } from "../config/errors.ts";
import { configFileProblems } from "../config/file-checks.ts";
import { loadConfigFile, resolveConfigPath } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { createLogger } from "../platform/log.ts";
import { startProvider } from "../runtime/start.ts";
import { installServeSignals, type ServeSignals, StartupAborted } from "../runtime/signals.ts";
import { describeStartupFailure } from "../runtime/startup-errors.ts";
import { buildInfo } from "../version.ts";
import { formatFlags, parseFlags } from "./args.ts";
import { CliError, exitCodes, type ExitCode } from "./exit-codes.ts";
import { configOrExit } from "./load-config.ts";

const flags = {
  config: { type: "string", value: "PATH", description: "config file (env BAO_KMS_PROVIDER_CONFIG)", default: undefined },
  "log-level": { type: "string", value: "LEVEL", description: "debug|info|warn|error (env BAO_KMS_PROVIDER_LOG_LEVEL)" },
  "metrics-address": { type: "string", value: "HOST:PORT", description: '/metrics listener; "" disables (env BAO_KMS_PROVIDER_METRICS_ADDRESS)' },
  "health-address": { type: "string", value: "HOST:PORT", description: '/live and /ready listener; "" disables (env BAO_KMS_PROVIDER_HEALTH_ADDRESS)' },
} as const;

export const serveHelp = `Usage: bao-kms-provider serve [--config PATH] [--log-level LEVEL] [--metrics-address HOST:PORT] [--health-address HOST:PORT]

Runs the KMS v2 provider on server.socket_path. It first takes the key registry lock
(state.path + ".lock"; a second provider on the same state exits 5) and loads the registry
strictly. Before binding the socket it logs in to OpenBao, reads the Transit key (creating
generation 1 of the registry only for an unrotated key) and round-trips 32 random bytes, retrying every
bootstrap.retry_interval until bootstrap.grace_timeout; if that never succeeds it exits 5,
naming the cause, without exposing a socket. Failures no wait can heal (a credential file's
mode or owner, a TLS name mismatch, a rotated key without state, a damaged state) exit 5 at once. The OpenBao token is renewed ahead of expiry and
replaced by a fresh login (re-reading the credential file) when needed. A new Transit
version is promoted only after rotation.require_stable_observation_count probes and
rotation.activation_delay, and is saved before Status reports it.
SIGTERM/SIGINT during start-up, before the socket exists: start-up stops at once and the
process ends by that signal (status 143 / 130). Once the socket accepts: stop accepting, finish in-flight calls (up to 15s),
remove the socket, exit 0. A second signal ends the process at once, by that signal.

Config path: --config, else $BAO_KMS_PROVIDER_CONFIG, else /etc/openbao-kms/config.toml.
Exit codes: 0 clean shutdown, 2 usage, 3 config invalid, 5 runtime failure.

Flags:
${formatFlags(flags)}
`;

export const shutdownGraceMs = 15_000;

export interface ServeIo {
  readonly out: (s: string) => void;
  readonly env: Record<string, string | undefined>;
  /** Ends the process at once (second signal). */
  readonly exitNow: (code: number) => never;
}

export async function runServe(argv: readonly string[], io: ServeIo, installed?: ServeSignals): Promise<ExitCode> {
  // Before anything else (src/cli/root.ts installs them even before this module loads).
  const signals = installed ?? installServeSignals(io.exitNow);
  const f = parseFlags(argv, flags);
  if (f.help) {
    io.out(serveHelp);
    return exitCodes.ok;
  }
  const startedAt = performance.now();
  const configPath = resolveConfigPath(f.config, io.env);
  const config: Config = await configOrExit(async () => {
    const overrides = { logLevel: f["log-level"], metricsAddress: f["metrics-address"], healthAddress: f["health-address"] };
    const loaded = await loadConfigFile(configPath, { env: io.env, overrides });
    // Filesystem checks (modes, symlinks, socket directory), as `config check` and `doctor` run them,
    // except credential files: those may be provisioned after boot, so a login judges them on
    // every attempt and the bootstrap retry waits for them (exit 5 after grace_timeout).
    const fileProblems = configFileProblems(loaded, configPath, undefined, { credentials: false });
    if (fileProblems.length > 0) throw new ConfigError("invalid", configPath, fileProblems);
    return loaded;
  });
  const log = createLogger(config.logging);
  log.info("serve.start", { version: buildInfo.version, commit: buildInfo.commit, config_path: configPath });
  // A signal before serve.ready ends start-up at once (src/runtime/signals.ts); say so in the log.
  signals.onStartupAbort((signal) => log.warn("serve.shutdown", { signal, outcome: "startup_aborted" }));

  let server;
  try {
    server = await startProvider(config, log, signals);
  } catch (e) {
    // Start-up unwound after a signal (the lock is released): end by that signal.
    if (signals.startup.aborted || e instanceof StartupAborted) signals.endByStartupSignal();
    const message = describeStartupFailure(e, config);
    log.error("serve.shutdown", { outcome: "startup_failed", reason: message });
    throw new CliError(exitCodes.runtime, message, { cause: e });
  }
  log.info("serve.ready", {
    socket_path: config.server.socketPath,
    startup_ms: Math.round(performance.now() - startedAt),
    metrics_address: server.listeners.metricsAddress,
    health_address: server.listeners.healthAddress,
  });

  const signal = await server.stopRequested;
  log.info("serve.shutdown", { signal, outcome: "draining" });
  const outcome = await server.stop(shutdownGraceMs);
  signals.done();
  log.info("serve.shutdown", { signal, outcome });
  return exitCodes.ok;
}
