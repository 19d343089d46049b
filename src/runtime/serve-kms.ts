// The serving half of `serve`: the KMS socket, the health and metrics listeners, and the drain.
// Order at shutdown: the listeners report draining, the controller stops probing (once), the
// socket stops accepting and in-flight calls finish (up to the grace period), then the
// listeners close. The state lock is released by the caller, after all of that.

import type { Config } from "../config/schema.ts";
import { createHandlers } from "../kms/grpc/handlers.ts";
import { startKmsServer } from "../kms/grpc/server.ts";
import { ConcurrencyLimiter } from "../kms/limiter.ts";
import { KmsService } from "../kms/service.ts";
import { kmsRequestLogger } from "../observability/kms-request-log.ts";
import { startObservabilityListeners } from "../observability/listeners.ts";
import type { ObservedStatusStore } from "../observability/observed-store.ts";
import type { ProviderMetrics } from "../observability/provider-metrics.ts";
import type { TransitClient } from "../openbao/transit-client.ts";
import type { EndpointPool } from "../openbao/endpoints.ts";
import type { SeedCache } from "../kms/seed-cache.ts";
import { seedCacheWaitMs } from "../app/seed-cache.ts";
import { registerHaMetrics } from "../observability/ha-metrics.ts";
import { resolveGroupId } from "../platform/groups.ts";
import type { Logger } from "../platform/log.ts";
import { startMemoryTrim } from "../platform/memory.ts";
import { prepareSocketPath } from "../platform/unix-socket.ts";
import type { StatusController } from "../status/controller.ts";
import type { LiveRegistry } from "../status/live-registry.ts";
import { buildInfo } from "../version.ts";
import type { ServeSignalName, ServeSignals } from "./signals.ts";

/** A full GC runs once RPCs have stopped for this long (see src/platform/memory.ts). */
export const memoryTrimIntervalMs = 1_000;

export interface ServingParts {
  readonly metrics: ProviderMetrics;
  readonly transit: TransitClient;
  readonly store: ObservedStatusStore;
  readonly controller: StatusController;
  readonly registry: LiveRegistry;
  /** Several OpenBao endpoints only. */
  readonly endpoints?: EndpointPool | undefined;
  /** The opt-in seed cache, when on. */
  readonly seedCache?: SeedCache | undefined;
}

/** Expired seeds are swept (and zeroed) at least this often, ms. */
export const seedSweepIntervalMs = 10_000;

export interface Serving {
  readonly listeners: { readonly metricsAddress?: string | undefined; readonly healthAddress?: string | undefined };
  /** Resolves with the signal that asked for the drain. */
  readonly stopRequested: Promise<ServeSignalName>;
  /** Drains and closes everything but the lock; resolves with the drain's outcome. */
  stop(graceMs: number): Promise<string>;
}

export async function serveKms(config: Config, log: Logger, parts: ServingParts, signals: ServeSignals): Promise<Serving> {
  const { metrics, transit, store, controller, registry, endpoints, seedCache } = parts;
  const gid = resolveGroupId(config.server.socketGroup);
  if (await prepareSocketPath(config.server.socketPath)) {
    metrics.staleSocketRemoved();
    log.warn("socket.stale_removed", { socket_path: config.server.socketPath });
  }

  const memory = startMemoryTrim(memoryTrimIntervalMs);
  const service = new KmsService({
    transit, keys: registry, status: store, discovery: controller, pluginVersion: buildInfo.version, requestTimeoutMs: config.openbao.timeoutMs,
    ...(seedCache === undefined ? {} : { seedCache, seedCacheWaitMs: seedCacheWaitMs(config) }),
  });
  const sweep = seedCache === undefined ? undefined : setInterval(() => seedCache.sweep(), Math.min(seedSweepIntervalMs, config.cache.decryptSeedTtlMs));
  (sweep as { unref?: () => void } | undefined)?.unref?.();
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
  const rotation = () => rotationGauge(registry, store);
  // Health and metrics listen only once the socket is bound, so /live means "the provider is up".
  metrics.watch({ limiters, health: () => store.snapshot(), rotation, archivedVersions: () => controller.archivedVersions().length });
  registerHaMetrics(metrics.registry, {
    ...(endpoints === undefined ? {} : { endpoints: () => endpoints.statuses() }),
    ...(seedCache === undefined ? {} : { seedCache: () => seedCache.stats() }),
  });
  const endpointCount = endpoints === undefined ? undefined : () => ({ usable: endpoints.usableCount(), total: endpoints.members.length });
  let listeners;
  try {
    listeners = startObservabilityListeners({
      metricsAddress: config.server.metricsAddress,
      healthAddress: config.server.healthAddress,
      renderMetrics: () => metrics.render(),
      health: () => store.snapshot(),
      rotation,
      ...(endpointCount === undefined ? {} : { endpoints: endpointCount }),
    });
  } catch (e) {
    await server.stop(0);
    memory.stop();
    clearInterval(sweep);
    throw e;
  }
  controller.start();
  const open = listeners;
  return {
    listeners: open,
    stopRequested,
    async stop(graceMs) {
      open.draining();
      // No new probe starts from here; one in progress finishes (and saves) while calls drain.
      const controllerStopped = controller.stop();
      try {
        return await server.stop(graceMs);
      } finally {
        await controllerStopped;
        memory.stop();
        clearInterval(sweep);
        open.stop();
      }
    },
  };
}

/** openbao_kms_rotation_state and _persistence_degraded, from the registry and the last probe. */
function rotationGauge(registry: LiveRegistry, store: ObservedStatusStore) {
  const s = store.snapshot();
  return { state: registry.rotationState(), persistenceDegraded: s.persistenceDegraded !== undefined || s.reasons.includes("state_save_failed") } as const;
}
