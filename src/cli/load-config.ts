// The one config-error path of every command: a ConfigError (or an unusable CA bundle, a file the
// config names) becomes its message and exit 3.
import { type OpenBaoClients, openBaoClients } from "../app/openbao.ts";
import { ConfigError } from "../config/errors.ts";
import { loadConfigFile, resolveConfigPath } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { CaBundleError } from "../openbao/from-config.ts";
import { CliError, exitCodes } from "./exit-codes.ts";
import type { Io } from "./io.ts";

/** Runs `load`; a ConfigError it throws ends the command with exit 3 and the error's message. */
export async function configOrExit<T>(load: () => Promise<T> | T): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(exitCodes.config, e.message);
    throw e;
  }
}

/** The config at --config, else $BAO_KMS_PROVIDER_CONFIG, else the default path (exit 3 when invalid). */
export function loadCliConfig(flag: string | undefined, io: Pick<Io, "env">): Promise<Config> {
  return configOrExit(() => loadConfigFile(resolveConfigPath(flag, io.env), { env: io.env }));
}

/** The OpenBao clients for `config`; an unreadable openbao.ca_cert_file ends the command with exit 3. */
export async function openBaoClientsOrExit(config: Config): Promise<OpenBaoClients> {
  try {
    return await openBaoClients(config);
  } catch (e) {
    if (e instanceof CaBundleError) throw new CliError(exitCodes.config, e.message);
    throw e;
  }
}
