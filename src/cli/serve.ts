// `serve`: the composition root. Loads config, logs in, reads the Transit key, proves the data
// path with a deep probe, binds the socket, serves until SIGTERM/SIGINT, then drains.

import { expectedIdentityOf } from "../keys/identity.ts";
import { keyScopeOf } from "../keys/scope.ts";
import { ConfigError } from "../config/errors.ts";
import { configFileProblems } from "../config/file-checks.ts";
import { loadConfigFile, resolveConfigPath } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { KeyProfileError } from "../keys/from-metadata.ts";
import { createHandlers } from "../kms/grpc/handlers.ts";
import { startKmsServer } from "../kms/grpc/server.ts";
import { ConcurrencyLimiter } from "../kms/limiter.ts";
import { KmsService } from "../kms/service.ts";
import { kmsRequestLogger } from "../observability/kms-request-log.ts";
import { startObservabilityListeners } from "../observability/listeners.ts";
import { ObservedStatusStore } from "../observability/observed-store.ts";
import { authObserver, openBaoObserver } from "../observability/openbao-observer.ts";
import { ProviderMetrics } from "../observability/provider-metrics.ts";
import { openBaoHttpFromConfig, readCaBundle } from "../openbao/from-config.ts";
import { createAuthFromConfig } from "../openbao/auth/from-config.ts";
import { createTransitClient, type TransitClient } from "../openbao/transit-client.ts";
import { resolveGroupId } from "../platform/groups.ts";
import { createLogger, type Logger } from "../platform/log.ts";
import { startMemoryTrim } from "../platform/memory.ts";
import { prepareSocketPath } from "../platform/unix-socket.ts";
import { createFileRegistryStore } from "../registry/store/file-store.ts";
import { acquireStateLock } from "../registry/store/lock.ts";
import { validateScope } from "../registry/validate.ts";
import { StatusController } from "../status/controller.ts";
import { LiveRegistry } from "../status/live-registry.ts";
import { buildInfo } from "../version.ts";
import { formatFlags, parseFlags } from "./args.ts";
import { retryBootstrap } from "./bootstrap.ts";
import { CliError, exitCodes, type ExitCode } from "./exit-codes.ts";
import { installServeSignals, type ServeSignals } from "./serve-signals.ts";
import { describeStartupFailure, isPermanentStartupError, startupErrorClass } from "./startup-errors.ts";

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
remove the socket, exit 0. A second signal exits 1 at once.

Config path: --config, else $BAO_KMS_PROVIDER_CONFIG, else /etc/openbao-kms/config.toml.
Exit codes: 0 clean shutdown, 2 usage, 3 config invalid, 5 runtime failure.

Flags:
${formatFlags(flags)}
`;

export const shutdownGraceMs = 15_000;
/** A full GC runs once RPCs have stopped for this long (see src/platform/memory.ts). */
export const memoryTrimIntervalMs = 1_000;

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
  let config: Config;
  try {
    const overrides = { logLevel: f["log-level"], metricsAddress: f["metrics-address"], healthAddress: f["health-address"] };
    config = await loadConfigFile(configPath, { env: io.env, overrides });
    // Filesystem checks (modes, symlinks, socket directory), as `config check` and `doctor` run them,
    // except credential files: those may be provisioned after boot, so a login judges them on
    // every attempt and the bootstrap retry waits for them (exit 5 after grace_timeout).
    const fileProblems = configFileProblems(config, configPath, undefined, { credentials: false });
    if (fileProblems.length > 0) throw new ConfigError("invalid", configPath, fileProblems);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(exitCodes.config, e.message);
    throw e;
  }
  const log = createLogger(config.logging);
  log.info("serve.start", { version: buildInfo.version, commit: buildInfo.commit, config_path: configPath });
  // A signal before serve.ready ends start-up at once (serve-signals.ts); say so in the log.
  signals.onStartupAbort((signal) => log.warn("serve.shutdown", { signal, outcome: "startup_aborted" }));

  let server;
  try {
    server = await start(config, log, signals);
  } catch (e) {
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

async function start(config: Config, log: Logger, signals: ServeSignals) {
  const caPem = await readCaBundle(config.openbao.caCertFile);
  const metrics = new ProviderMetrics({ build: buildInfo, authMethod: config.auth.method });
  const http = openBaoHttpFromConfig(config, caPem, openBaoObserver(metrics, log));
  const tokens = createAuthFromConfig(config, http, { onEvent: authObserver(metrics, log) });
  const transit = createTransitClient({ http, tokens, mountPath: config.transit.mountPath, keyName: config.transit.keyName });

  const scope = keyScopeOf(config);
  // The registry: locked for the life of the process (a second serve or retire-versions --apply
  // on the same state refuses), loaded and checked strictly before anything is served.
  const lock = await acquireStateLock(config.state.path);
  let started = false;
  try {
    const identity = expectedIdentityOf(config);
    const persistence = createFileRegistryStore(config.state.path, { identity, log });
    const registry = new LiveRegistry();
    /** Loads the state if it is there (strictly; a bad one throws). Re-run by every start-up attempt while missing. */
    const loadIfPresent = async () => {
      const loaded = await persistence.load();
      if (loaded.kind === "loaded") {
        validateScope(loaded.state, scope);
        registry.publish(loaded.state);
      }
      return loaded;
    };
    const loaded = await loadIfPresent();
    log.info("serve.bootstrap", { outcome: loaded.kind === "loaded" ? "state_loaded" : "state_missing", generation: loaded.kind === "loaded" ? loaded.state.generation : 0 });
    const store = new ObservedStatusStore(Date.now, config.status.maxStalenessMs, (o) => metrics.metadataObserved(o));
    const controller = new StatusController({
      transit,
      store,
      registry,
      persistence,
      scope,
      identityFingerprint: identity.fingerprint,
      policy: config.rotation,
      statePath: config.state.path,
      nowMs: Date.now,
      log,
      probeIntervalMs: config.status.probeIntervalMs,
      deepProbeIntervalMs: config.status.deepProbeIntervalMs,
      timeoutMs: config.openbao.timeoutMs,
    });
    // First login and probes, retried every bootstrap.retry_interval until bootstrap.grace_timeout.
    // Fail closed: no socket until a metadata probe (which creates generation 1 for an unrotated
    // key with no state) and a deep probe of the active version have both passed.
    await retryBootstrap(
      async () => {
        // An operator may be restoring the state files while we retry: look again (we hold the lock).
        if (registry.state === undefined) await loadIfPresent();
        // Log in first, so a login failure is reported as one (not as the first probe's read failing).
        await tokens.token();
        const metadata = await controller.probeOnce({ startup: true });
        const probed = metadata.ok ? await controller.deepProbeOnce({ startup: true }) : metadata;
        if (!probed.ok) throw probed.cause ?? new KeyProfileError(startupReasonMessage(probed.reason, config));
      },
      {
        graceTimeoutMs: config.bootstrap.graceTimeoutMs,
        retryIntervalMs: config.bootstrap.retryIntervalMs,
        // A bad file mode, a name mismatch, a rotated key without state, …: no wait heals them.
        isPermanent: isPermanentStartupError,
        onRetry: (attempt, error, waitMs) => {
          tokens.retryNow();
          // The cause in words (paths, modes, HTTP status; never a secret or OpenBao's text).
          log.warn("serve.bootstrap", { outcome: "retrying", attempt, error_class: startupErrorClass(error), reason: describeStartupFailure(error, config), duration_ms: waitMs });
        },
      },
    );
    const served = await serveKms(config, log, { metrics, transit, store, controller, registry }, signals);
    started = true;
    return {
      ...served,
      stop(graceMs: number) {
        // The lock goes only after any probe or discovery in progress has finished its save.
        return served.stop(graceMs).finally(async () => {
          await controller.stop();
          lock.release();
        });
      },
    };
  } finally {
    if (!started) lock.release();
  }
}

interface Running {
  readonly metrics: ProviderMetrics;
  readonly transit: TransitClient;
  readonly store: ObservedStatusStore;
  readonly controller: StatusController;
  readonly registry: LiveRegistry;
}

async function serveKms(config: Config, log: Logger, { metrics, transit, store, controller, registry }: Running, signals: ServeSignals) {
  const gid = resolveGroupId(config.server.socketGroup);
  if (await prepareSocketPath(config.server.socketPath)) {
    metrics.staleSocketRemoved();
    log.warn("socket.stale_removed", { socket_path: config.server.socketPath });
  }

  const memory = startMemoryTrim(memoryTrimIntervalMs);
  const service = new KmsService({ transit, keys: registry, status: store, discovery: controller, pluginVersion: buildInfo.version, requestTimeoutMs: config.openbao.timeoutMs });
  const limiters = {
    Status: new ConcurrencyLimiter(config.server.maxConcurrentStatus),
    Encrypt: new ConcurrencyLimiter(config.server.maxConcurrentEncrypt),
    Decrypt: new ConcurrencyLimiter(config.server.maxConcurrentDecrypt),
  };
  const logRequest = kmsRequestLogger(log);
  const handlers = createHandlers({
    service,
    limiters,
    observe: (o) => {
      memory.noteActivity();
      metrics.observeKmsCall(o);
      logRequest(o);
    },
  });
  const server = await startKmsServer({ socketPath: config.server.socketPath, socketMode: config.server.socketMode, socketGid: gid, handlers });
  // From the moment the socket accepts, a signal drains (no await between bind and here, so no
  // signal can be handled in between): callers that saw the socket get a clean exit 0.
  const stopRequested = signals.serving((second) => log.warn("serve.shutdown", { signal: second, outcome: "immediate" }));
  // Health and metrics listen only once the socket is bound, so /live means "the provider is up".
  metrics.watch({ limiters, health: () => store.snapshot(), rotation: () => rotationGauge(registry, store), archivedVersions: () => controller.archivedVersions().length });
  let listeners;
  try {
    listeners = startObservabilityListeners({
      metricsAddress: config.server.metricsAddress,
      healthAddress: config.server.healthAddress,
      renderMetrics: () => metrics.render(),
      health: () => store.snapshot(),
      rotation: () => rotationGauge(registry, store),
    });
  } catch (e) {
    await server.stop(0);
    throw e;
  }
  controller.start();
  return {
    listeners,
    stopRequested,
    stop(graceMs: number) {
      listeners.draining();
      void controller.stop();
      return server.stop(graceMs).finally(() => listeners.stop());
    },
  };
}

/** openbao_kms_rotation_state and _persistence_degraded, from the registry and the last probe. */
function rotationGauge(registry: LiveRegistry, store: ObservedStatusStore) {
  return { state: registry.rotationState(), persistenceDegraded: store.snapshot().reasons.includes("state_save_failed") } as const;
}

function startupReasonMessage(reason: string, config: Config): string {
  const mount = config.transit.mountPath;
  if (reason === "upsert_allowed") return `Transit mount ${mount} allows key upsert: set ${mount}/config/keys disable_upsert=true so encrypt can never create a key`;
  if (reason === "encryption_blocked") return `min_encryption_version of ${mount}/keys/${config.transit.keyName} blocks the active version`;
  return `start-up probe failed: ${reason}`;
}

