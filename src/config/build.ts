// Maps validated file data (snake_case) to the camelCase Config and freezes it all the way down,
// so no part of the program can change configuration after startup.
import { buildAuth } from "./auth-schema.ts";
import { buildBootstrap } from "./bootstrap-schema.ts";
import type { Config, FileConfig } from "./schema.ts";
import { buildEtcdConfig } from "./etcd-schema.ts";
import { buildCache } from "./cache-schema.ts";
import { buildOpenBao } from "./openbao-schema.ts";

/** Builds the frozen Config from validated file data. */
export function buildConfig(f: FileConfig): Config {
  const { server: s, openbao: o, auth: a, transit: t, status: st, logging: l } = f;
  const scope = t.key_id_scope;
  return deepFreeze({
    configVersion: f.config_version,
    server: {
      socketPath: s.socket_path,
      socketMode: s.socket_mode,
      socketGroup: s.socket_group,
      maxConcurrentStatus: s.max_concurrent_status,
      maxConcurrentEncrypt: s.max_concurrent_encrypt,
      maxConcurrentDecrypt: s.max_concurrent_decrypt,
      metricsAddress: s.metrics_address,
      healthAddress: s.health_address,
    },
    openbao: buildOpenBao(o),
    auth: buildAuth(a),
    bootstrap: buildBootstrap(f.bootstrap),
    transit: {
      mountPath: t.mount_path,
      keyName: t.key_name,
      keyIdScope: {
        providerName: scope.provider_name,
        clusterId: scope.cluster_id,
        transitMountId: scope.transit_mount_id,
        keyLineageId: scope.key_lineage_id,
      },
    },
    status: { probeIntervalMs: st.probe_interval, deepProbeIntervalMs: st.deep_probe_interval, maxStalenessMs: st.max_staleness },
    state: { path: f.state.path },
    rotation: {
      mode: f.rotation.mode,
      activationDelayMs: f.rotation.activation_delay,
      requireStableObservationCount: f.rotation.require_stable_observation_count,
      rejectVersionRollback: f.rotation.reject_version_rollback,
    },
    logging: { level: l.level, format: l.format },
    etcd: buildEtcdConfig(f.etcd),
    cache: buildCache(f.cache),
  });
}

/** Freezes `value` and every object reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
