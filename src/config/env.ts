// The only environment variables the config reads, and how they rank: flag > env > file > default.
// Nothing here touches process.env; callers pass the environment in.

/** Environment as passed in by the caller (usually process.env). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Env var naming the config file when no --config flag is given. */
export const configPathEnvVar = "BAO_KMS_PROVIDER_CONFIG";

/** Env var overriding logging.level (itself beaten by an explicit --log-level). */
export const logLevelEnvVar = "BAO_KMS_PROVIDER_LOG_LEVEL";

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
  if (overrideLevel !== undefined) return { value: overrideLevel, origin: "--log-level" };
  const fromEnv = env[logLevelEnvVar];
  // An empty variable counts as unset, as with Viper's default AllowEmptyEnv=false.
  return fromEnv !== undefined && fromEnv !== "" ? { value: fromEnv, origin: logLevelEnvVar } : undefined;
}
