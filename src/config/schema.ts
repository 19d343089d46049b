// The config file's shape (snake_case, TOML): every key, its type, rule and default, plus the
// camelCase Config type the program reads. Unknown keys are errors at every depth.
import * as v from "valibot";
import {
  bool,
  convertedString,
  durationMs,
  intInRange,
  oneOf,
  optionalString,
  optionalTable,
  requiredString,
  requiredStringOf,
  table,
} from "./fields.ts";
import * as rule from "./rules.ts";
import { type AuthConfig, authSchema } from "./auth-schema.ts";
import { type BootstrapConfig, bootstrapSchema } from "./bootstrap-schema.ts";
import { type EtcdConfig, etcdSchema } from "./etcd-schema.ts";
import { type CacheConfig, cacheSchema } from "./cache-schema.ts";
import { type OpenBaoConfig, openBaoSchema, openBaoSchemaFor } from "./openbao-schema.ts";

export { openBaoTimeoutBoundsMs } from "./openbao-schema.ts";

/** The only config_version this build reads. */
export const configVersion = "v1";

/** server.max_concurrent_* bounds (inclusive). */
export const concurrencyBounds = { min: 1, max: 1024 } as const;

/** Listener defaults: loopback only. "" disables a listener. */
export const defaultMetricsAddress = "127.0.0.1:8081";
export const defaultHealthAddress = "127.0.0.1:8082";

const concurrency = (fallback: number) => v.optional(intInRange(concurrencyBounds.min, concurrencyBounds.max), fallback);

const serverSchema = optionalTable({
  socket_path: v.optional(convertedString(rule.cleanPath, undefined, rule.socketPath), "/run/openbao-kms/kms.sock"),
  socket_mode: v.optional(
    convertedString((s) => rule.parseOctalMode(s) as number, 'an octal mode string such as "0660"', rule.socketMode),
    "0660",
  ),
  socket_group: requiredStringOf('a string (quote a numeric GID, e.g. "65532")', rule.socketGroup),
  max_concurrent_status: concurrency(16),
  max_concurrent_encrypt: concurrency(32),
  max_concurrent_decrypt: concurrency(64),
  metrics_address: optionalString(defaultMetricsAddress, rule.listenAddress),
  health_address: optionalString(defaultHealthAddress, rule.listenAddress),
});

const keyIdScopeSchema = optionalTable({
  provider_name: requiredString(rule.identifier, rule.noColon),
  cluster_id: requiredString(rule.identifier),
  transit_mount_id: requiredString(rule.identifier),
  key_lineage_id: requiredString(rule.identifier),
});

const transitSchema = optionalTable({
  mount_path: requiredString(rule.relativePath),
  key_name: requiredString(rule.singleSegment),
  key_id_scope: keyIdScopeSchema,
});

/**
 * status.* duration bounds (ms): at least 100ms (a smaller probe interval would poll OpenBao
 * hundreds of times a second per node) and at most 24h.
 */
export const statusIntervalBoundsMs = { min: 100, max: 86_400_000 } as const;
const statusDuration = (fallback: string) => v.optional(durationMs(statusIntervalBoundsMs.min, statusIntervalBoundsMs.max), fallback);

const statusSchema = optionalTable({
  probe_interval: statusDuration("30s"),
  deep_probe_interval: statusDuration("5m"),
  max_staleness: statusDuration("2m"),
});

/** Default registry state file (design.md host layout). */
export const defaultStatePath = "/var/lib/openbao-kms/state/key-registry.json";

const stateSchema = optionalTable({
  path: v.optional(convertedString(rule.cleanPath, undefined, rule.absolutePath), defaultStatePath),
});

/** rotation.activation_delay bounds (ms): above 0 and at most 30 days. */
export const activationDelayBoundsMs = { min: 1, max: 30 * 86_400_000 } as const;
/** rotation.require_stable_observation_count bounds (inclusive). */
export const stableObservationBounds = { min: 1, max: 1000 } as const;

const rotationSchema = optionalTable({
  mode: v.optional(oneOf(["observed"], 'only "observed" is supported'), "observed"),
  activation_delay: v.optional(durationMs(activationDelayBoundsMs.min, activationDelayBoundsMs.max), "2m"),
  require_stable_observation_count: v.optional(intInRange(stableObservationBounds.min, stableObservationBounds.max), 3),
  reject_version_rollback: v.optional(bool(), true),
});

const loggingSchema = optionalTable({
  level: v.optional(oneOf(["debug", "info", "warn", "error"]), "info"),
  format: v.optional(oneOf(["json", "text"]), "json"),
});

const fileEntries = (openbao: typeof openBaoSchema) => ({
  config_version: v.literal(configVersion),
  server: serverSchema,
  openbao,
  auth: authSchema,
  transit: transitSchema,
  bootstrap: bootstrapSchema,
  status: statusSchema,
  state: stateSchema,
  rotation: rotationSchema,
  logging: loggingSchema,
  etcd: etcdSchema,
  cache: cacheSchema,
});

/** The whole file. config_version is checked first, on its own, by load.ts. */
export const fileSchema = table(fileEntries(openBaoSchema));

/** The schema for one raw file: [openbao] takes the several-address shape when `addresses` is given. */
export function fileSchemaFor(raw: Record<string, unknown>): typeof fileSchema {
  return table(fileEntries(openBaoSchemaFor(raw.openbao)));
}

/** Validated file content, still in file shape (snake_case), with defaults filled and units converted. */
export type FileConfig = v.InferOutput<typeof fileSchema>;

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Effective configuration (file + env + overrides + defaults), deeply frozen. */
export interface Config {
  readonly configVersion: "v1";
  readonly server: {
    /** Cleaned absolute path of the KMS Unix socket. */
    readonly socketPath: string;
    /** Permission bits for the socket, e.g. 0o660. */
    readonly socketMode: number;
    /** Group name or decimal GID, as written. */
    readonly socketGroup: string;
    readonly maxConcurrentStatus: number;
    readonly maxConcurrentEncrypt: number;
    readonly maxConcurrentDecrypt: number;
    /** `host:port` of the /metrics listener; "" = disabled. */
    readonly metricsAddress: string;
    /** `host:port` of the /live and /ready listener; "" = disabled. */
    readonly healthAddress: string;
  };
  readonly openbao: OpenBaoConfig;
  readonly auth: AuthConfig;
  readonly bootstrap: BootstrapConfig;
  readonly transit: {
    readonly mountPath: string;
    readonly keyName: string;
    readonly keyIdScope: {
      readonly providerName: string;
      readonly clusterId: string;
      readonly transitMountId: string;
      readonly keyLineageId: string;
    };
  };
  readonly status: {
    /** Metadata probe period, ms; shorter than maxStalenessMs. */
    readonly probeIntervalMs: number;
    /** Deep (encrypt/decrypt) probe period, ms. */
    readonly deepProbeIntervalMs: number;
    /** Status is unhealthy once the last metadata probe is older than this, ms. */
    readonly maxStalenessMs: number;
  };
  readonly state: {
    /** Cleaned absolute path of key-registry.json; `.checkpoint` and `.lock` sit beside it. */
    readonly path: string;
  };
  readonly rotation: {
    readonly mode: "observed";
    /** A stable new version is promoted this long after it became stable (and after start-up), ms. */
    readonly activationDelayMs: number;
    /** Metadata probes that must see the same new version before it counts as stable. */
    readonly requireStableObservationCount: number;
    /** A latest_version below the active one fails the probe (true) or is ignored (false). */
    readonly rejectVersionRollback: boolean;
  };
  readonly logging: { readonly level: LogLevel; readonly format: "json" | "text" };
  readonly etcd: EtcdConfig;
  readonly cache: CacheConfig;
}
