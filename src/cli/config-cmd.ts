// `config check|show|schema`: validate a config the way `serve` does (plus the filesystem
// checks), print the effective config with its identity fingerprint, or print the JSON Schema.

import { ConfigError, type ConfigProblem } from "../config/errors.ts";
import { formatDuration } from "../config/duration.ts";
import { configFileProblems } from "../config/file-checks.ts";
import { identityFingerprint } from "../config/fingerprint.ts";
import { configJsonSchema } from "../config/json-schema.ts";
import { loadConfigFile, resolveConfigPath } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";

const configFlag = { type: "string", value: "PATH", description: "config file (env BAO_KMS_PROVIDER_CONFIG, else /etc/openbao-kms/config.toml)" } as const;
const outputFlag = { type: "string", value: "FORMAT", description: "text or json", default: "text" } as const;
const checkFlags = { config: configFlag, output: outputFlag } as const;
const showFlags = { config: configFlag, output: outputFlag } as const;
const schemaFlags = {} as const;

export const configHelp = `Usage: bao-kms-provider config <check|show|schema|import> [flags]

Subcommands:
  check    validate the config exactly as serve does, plus the filesystem checks
           (file modes, symlinks, socket directory); lists every problem. Exit 0 or 3.
  show     print the effective config (file + env + defaults; secrets omitted) and its
           identityFingerprint (cfg1.…), which must be identical on every control-plane node.
  schema   print the JSON Schema of the config file (draft-07, e.g. for taplo).
  import   convert the Go provider's YAML config to this TOML (--from FILE.yaml [--out FILE]).

Run 'bao-kms-provider config <subcommand> --help' for its flags.
`;

const checkHelp = `Usage: bao-kms-provider config check [--config PATH] [--output text|json]

Validates the config with the same loader as serve (TOML syntax, unknown keys, types, value
rules, relationships), then checks the files it names: the config file itself (no group-write
or world bits), openbao.ca_cert_file (not group/world-writable), auth.jwt.jwt_file (no
group-write or world bits), each absolute, regular and not a symlink; the socket directory
must exist, be a real directory and not be group/world-writable. Every problem is listed.
Exit codes: 0 valid, 2 usage, 3 invalid.

Flags:
${formatFlags(checkFlags)}
`;

const showHelp = `Usage: bao-kms-provider config show [--config PATH] [--output text|json]

Prints the effective config (dotted snake_case keys, durations as strings, secrets omitted)
followed by identityFingerprint. Exit codes: 0 ok, 2 usage, 3 config unreadable or invalid.

Flags:
${formatFlags(showFlags)}
`;

const schemaHelp = `Usage: bao-kms-provider config schema

Prints the JSON Schema (draft-07) of the config file, generated from the loader's own schema.
Editors such as taplo can use it ("#:schema ./config.schema.json" or taplo's schema settings).
Rules JSON Schema cannot express (URL and socket policy, relationships) are checked only by
'config check'. Exit code 0.

Flags:
${formatFlags(schemaFlags)}
`;

export async function runConfig(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.out(configHelp);
    return exitCodes.ok;
  }
  switch (sub) {
    case "check":
      return runCheck(rest, io);
    case "show":
      return runShow(rest, io);
    case "import":
      return (await import("./config-import.ts")).runConfigImport(rest, io);
    case "schema": {
      const f = parseFlags(rest, schemaFlags);
      io.out(f.help ? schemaHelp : JSON.stringify(configJsonSchema(), null, 2) + "\n");
      return exitCodes.ok;
    }
    default:
      throw usageError(`unknown config subcommand "${sub}" (expected check, show, schema or import)`);
  }
}

async function runCheck(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, checkFlags);
  if (f.help) {
    io.out(checkHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const path = resolveConfigPath(f.config, io.env);
  let problems: ConfigProblem[];
  let config: Config | undefined;
  try {
    config = await loadConfigFile(path, { env: io.env });
    problems = configFileProblems(config, path);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems = [...e.problems];
  }
  const valid = problems.length === 0;
  const fingerprint = valid && config !== undefined ? identityFingerprint(config) : undefined;
  if (format === "json") {
    io.out(JSON.stringify({ config: path, valid, problems, ...(fingerprint ? { identityFingerprint: fingerprint } : {}) }, null, 2) + "\n");
  } else if (valid) {
    io.out(`config ok: ${path}\nidentityFingerprint: ${fingerprint}\n`);
  } else {
    io.out(new ConfigError("invalid", path, problems).message + "\n");
  }
  return valid ? exitCodes.ok : exitCodes.config;
}

async function runShow(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, showFlags);
  if (f.help) {
    io.out(showHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const path = resolveConfigPath(f.config, io.env);
  let config: Config;
  try {
    config = await loadConfigFile(path, { env: io.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message + "\n");
      return exitCodes.config;
    }
    throw e;
  }
  const flat = effectiveConfig(config);
  const fingerprint = identityFingerprint(config);
  if (format === "json") io.out(JSON.stringify({ config: Object.fromEntries(flat), identityFingerprint: fingerprint }, null, 2) + "\n");
  else io.out(flat.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join("\n") + `\nidentityFingerprint: ${fingerprint}\n`);
  return exitCodes.ok;
}

// Values that must never be printed even if a later config key holds one directly (ours keep
// secrets in files only, so today this removes nothing; it is a guard for new keys).
const secretKey = /(secret|token|password|passphrase|pin)$/i;

/**
 * The effective config as ordered [dotted snake_case key, value] pairs: `fooMs` numbers become
 * duration strings under `foo`, the socket mode becomes its octal string, secrets are omitted.
 */
export function effectiveConfig(config: Config): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const visit = (value: unknown, path: string[]) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
      return;
    }
    let key = path[path.length - 1] ?? "";
    let shown = value;
    if (secretKey.test(key)) return;
    if (key.endsWith("Ms") && typeof value === "number") {
      key = key.slice(0, -2);
      shown = formatDuration(value);
    } else if (key === "socketMode" && typeof value === "number") {
      shown = "0" + value.toString(8);
    }
    out.push([[...path.slice(0, -1), key].map(snake).join("."), shown]);
  };
  visit(config, []);
  return out;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
