// `verify-key`: key suitability only, from doctor's checks (no socket, no EncryptionConfiguration,
// no encrypt or decrypt, no state).
import { resolveConfigPath } from "../config/load.ts";
import type { ConfigStageInput } from "../diagnostics/stage-config.ts";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { configFlag, outputFlag, report } from "./doctor.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";

const verifyFlags = { config: configFlag, output: outputFlag } as const;

export const verifyKeyHelp = `Usage: bao-kms-provider verify-key [--config PATH] [--output text|json]

Checks that the Transit key and mount are suitable, without encrypting or decrypting:
config.load, config.validate (no filesystem checks), jwt.local, openbao.tls, openbao.auth,
transit.capabilities, transit.metadata, transit.mount_id, transit.profile,
transit.disable_upsert, transit.version_restrictions, key_id.deterministic.
Exit codes: 0 no failure, 2 usage, 3 config could not be loaded or validated, 4 a check failed.

Flags:
${formatFlags(verifyFlags)}
`;

export async function runVerifyKey(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, verifyFlags);
  if (f.help) {
    io.out(verifyKeyHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const input: ConfigStageInput = { mode: "verify-key", configPath: resolveConfigPath(f.config, io.env), env: io.env, encryptionConfigPath: undefined, nowMs: Date.now };
  return report("verify-key", input, format, io);
}
