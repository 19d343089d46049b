// The start-up half of `serve`: OpenBao clients (src/app/openbao.ts), the state lock and the
// registry, the Status controller, and the bootstrap retries, all cancelled by the start-up
// signal. Fail closed: no socket until a metadata probe (which creates generation 1 for an
// unrotated key with no state) and a deep probe of the active version have both passed.

import { openBaoClients } from "../app/openbao.ts";
import { pruneToRegistry, pruningKeyReads, seedCacheFromConfig } from "../app/seed-cache.ts";
import { endpointLogger } from "../observability/ha-metrics.ts";
import { loadRegistry, registryStore } from "../app/registry.ts";
import type { Config } from "../config/schema.ts";
import { expectedIdentityOf } from "../keys/identity.ts";
import { KeyProfileError } from "../keys/from-metadata.ts";
import { keyScopeOf } from "../keys/scope.ts";
import { ObservedStatusStore } from "../observability/observed-store.ts";
import { authObserver, openBaoObserver } from "../observability/openbao-observer.ts";
import { ProviderMetrics } from "../observability/provider-metrics.ts";
import { type Clock, systemClock } from "../platform/clock.ts";
import type { Logger } from "../platform/log.ts";
import { acquireStateLock } from "../registry/store/lock.ts";
import { StatusController } from "../status/controller.ts";
import { LiveRegistry } from "../status/live-registry.ts";
import { buildInfo } from "../version.ts";
import { retryBootstrap } from "./bootstrap-retry.ts";
import { type Serving, serveKms } from "./serve-kms.ts";
import type { ServeSignals } from "./signals.ts";
import { describeStartupFailure, isPermanentStartupError, startupErrorClass } from "./startup-errors.ts";

/** Starts everything; the returned stop() drains, then releases the state lock last. */
export async function startProvider(config: Config, log: Logger, signals: ServeSignals, clock: Clock = systemClock): Promise<Serving> {
  const metrics = new ProviderMetrics({ build: buildInfo, authMethod: config.auth.method });
  const clients = await openBaoClients(config, { http: openBaoObserver(metrics, log), auth: authObserver(metrics, log), endpoint: endpointLogger(log) });
  const { tokens, endpoints } = clients;
  // Several endpoints: health checks run from now on, in the background, through the bootstrap too.
  endpoints?.start();
  const seedCache = seedCacheFromConfig(config, clock);
  const transit = seedCache === undefined ? clients.transit : pruningKeyReads(clients.transit, seedCache);

  // The first login runs while the state lock is taken and the registry read (they need no
  // OpenBao): the bootstrap's own token() then finds it done, or reports its failure as before.
  tokens.token(signals.startup).catch(() => {});

  // The registry: locked for the life of the process (a second serve or retire-versions --apply
  // on the same state refuses), loaded and checked strictly before anything is served.
  let started = false;
  const release = () => {
    endpoints?.stop();
    seedCache?.clear();
  };
  let lock;
  try {
    lock = await acquireStateLock(config.state.path);
  } catch (e) {
    release();
    throw e;
  }
  try {
    const identity = expectedIdentityOf(config);
    const persistence = registryStore(config, log);
    const registry = new LiveRegistry();
    if (seedCache !== undefined) registry.afterPublish(() => pruneToRegistry(seedCache, registry));
    /** Loads the state if it is there (strictly; a bad one throws). Re-run by every attempt while missing. */
    const loadIfPresent = async () => {
      const loaded = await loadRegistry(config, persistence);
      if (loaded.kind === "loaded") registry.publish(loaded.state);
      return loaded;
    };
    const loaded = await loadIfPresent();
    log.info("serve.bootstrap", { outcome: loaded.kind === "loaded" ? "state_loaded" : "state_missing", generation: loaded.kind === "loaded" ? loaded.state.generation : 0 });
    const store = new ObservedStatusStore(() => clock.monotonicMs(), config.status.maxStalenessMs, (o) => metrics.metadataObserved(o));
    const controller = new StatusController({
      transit,
      store,
      registry,
      persistence,
      scope: keyScopeOf(config),
      identityFingerprint: identity.fingerprint,
      policy: config.rotation,
      statePath: config.state.path,
      clock,
      log,
      probeIntervalMs: config.status.probeIntervalMs,
      deepProbeIntervalMs: config.status.deepProbeIntervalMs,
      timeoutMs: config.openbao.timeoutMs,
    });
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
        clock,
        signal: signals.startup,
        // A bad file mode, a name mismatch, a rotated key without state, …: no wait heals them.
        isPermanent: isPermanentStartupError,
        onRetry: (attempt, error, waitMs) => {
          tokens.retryNow();
          // The cause in words (paths, modes, HTTP status; never a secret or OpenBao's text).
          log.warn("serve.bootstrap", { outcome: "retrying", attempt, error_class: startupErrorClass(error), reason: describeStartupFailure(error, config), duration_ms: waitMs });
        },
      },
    );
    signals.startup.throwIfAborted();
    const served = await serveKms(config, log, { metrics, transit, store, controller, registry, endpoints, seedCache }, signals);
    started = true;
    return {
      ...served,
      // The lock goes last: after the drain and after any probe in progress has finished its save.
      stop: (graceMs) =>
        served.stop(graceMs).finally(() => {
          release();
          lock.release();
        }),
    };
  } finally {
    if (!started) {
      release();
      lock.release();
    }
  }
}

function startupReasonMessage(reason: string, config: Config): string {
  const mount = config.transit.mountPath;
  if (reason === "upsert_allowed") return `Transit mount ${mount} allows key upsert: set ${mount}/config/keys disable_upsert=true so encrypt can never create a key`;
  if (reason === "encryption_blocked") return `min_encryption_version of ${mount}/keys/${config.transit.keyName} blocks the active version`;
  return `start-up probe failed: ${reason}`;
}
