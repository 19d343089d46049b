// The only environment variables the config reads, and how they rank: flag > env > file > default
// (config path, logging.level, server.metrics_address, server.health_address).
// Nothing here touches process.env; callers pass the environment in.

/** Environment as passed in by the caller (usually process.env). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Env var naming the config file when no --config flag is given. */
export const configPathEnvVar = "BAO_KMS_PROVIDER_CONFIG";

/** Env var overriding logging.level (itself beaten by an explicit --log-level). */
export const logLevelEnvVar = "BAO_KMS_PROVIDER_LOG_LEVEL";

/** Env var overriding server.metrics_address (itself beaten by an explicit --metrics-address). */
export const metricsAddressEnvVar = "BAO_KMS_PROVIDER_METRICS_ADDRESS";

/** Env var overriding server.health_address (itself beaten by an explicit --health-address). */
export const healthAddressEnvVar = "BAO_KMS_PROVIDER_HEALTH_ADDRESS";

/** Config path used when neither flag nor env names one. */
export const defaultConfigPath = "/etc/openbao-kms/config.toml";

/** Picks the config path: `flag` (if given) > BAO_KMS_PROVIDER_CONFIG (if non-empty) > default. */
export function resolveConfigPath(flag: string | undefined, env: Env): string {
  if (flag !== undefined) return flag;
  const fromEnv = env[configPathEnvVar];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : defaultConfigPath;
}

/** A log level that replaces the file's, and where it came from (for messages). */
export interface LogLevelOverride {
  readonly value: string;
  readonly origin: string;
}

/** The log level that beats the file: an explicit override, else a non-empty env var, else none. */
export function logLevelOverride(env: Env, overrideLevel: string | undefined): LogLevelOverride | undefined {
  return pick(env, logLevelEnvVar, "--log-level", overrideLevel);
}

/** Flag values for the overridable keys (undefined = flag not given). */
export interface FlagOverrides {
  readonly logLevel?: string | undefined;
  readonly metricsAddress?: string | undefined;
  readonly healthAddress?: string | undefined;
}

/** The dotted keys that flags and env may override; nothing else is read from the environment. */
export type OverridableKey = "logging.level" | "server.metrics_address" | "server.health_address";

/** A value that replaces the file's for `key`. */
export interface KeyOverride extends LogLevelOverride {
  readonly key: OverridableKey;
}

const overridable: ReadonlyArray<{ key: OverridableKey; envVar: string; flag: string; option: keyof FlagOverrides }> = [
  { key: "logging.level", envVar: logLevelEnvVar, flag: "--log-level", option: "logLevel" },
  { key: "server.metrics_address", envVar: metricsAddressEnvVar, flag: "--metrics-address", option: "metricsAddress" },
  { key: "server.health_address", envVar: healthAddressEnvVar, flag: "--health-address", option: "healthAddress" },
];

/** Every override that beats the file, flag > env. An explicit empty flag value counts (it disables a listener). */
export function keyOverrides(env: Env, flags: FlagOverrides): KeyOverride[] {
  return overridable.flatMap(({ key, envVar, flag, option }) => {
    const o = pick(env, envVar, flag, flags[option]);
    return o === undefined ? [] : [{ key, ...o }];
  });
}

function pick(env: Env, envVar: string, flag: string, flagValue: string | undefined): LogLevelOverride | undefined {
  if (flagValue !== undefined) return { value: flagValue, origin: flag };
  const fromEnv = env[envVar];
  // An empty variable counts as unset, as with Viper's default AllowEmptyEnv=false.
  return fromEnv !== undefined && fromEnv !== "" ? { value: fromEnv, origin: envVar } : undefined;
}
