// Config entry points: text or file → TOML → strict validation → frozen Config. Every problem is
// collected and thrown together as one ConfigError; nothing is read from process.env.
import { placeholderProblems } from "./placeholders.ts";
import * as v from "valibot";
import { buildConfig } from "./build.ts";
import { type Env, type FlagOverrides, type KeyOverride, keyOverrides } from "./env.ts";
import { type ConfigProblem, ConfigError } from "./errors.ts";
import { describeType, isTable } from "./fields.ts";
import { issuesToProblems, unknownKeys } from "./issues.ts";
import { type ReadFileCapped, readFailureReason, readFileCapped } from "./read-file.ts";
import { listenAddressesConflict } from "./rules.ts";
import { type Config, configVersion, type FileConfig, fileSchemaFor } from "./schema.ts";
import { parseToml } from "./toml.ts";

// Callers resolve the path right before loading, so it is offered here too.
export { defaultConfigPath, resolveConfigPath } from "./env.ts";

/** Largest accepted config, in bytes (1 MiB), checked before parsing. */
export const maxConfigBytes = 1024 * 1024;

/** Inputs besides the text: environment (pass process.env explicitly), flag overrides, report name. */
export interface LoadOptions {
  readonly env?: Env;
  readonly overrides?: FlagOverrides;
  /** Shown in the error header; defaults to the file path, or "<text>". */
  readonly sourceName?: string;
}

/** Parses and validates config text; returns a frozen Config or throws ConfigError listing every problem. */
export function parseConfigText(text: string, opts: LoadOptions = {}): Config {
  const source = opts.sourceName ?? "<text>";
  if (text.length > maxConfigBytes || Buffer.byteLength(text, "utf8") > maxConfigBytes) {
    throw new ConfigError("too_large", source, [{ path: "", message: tooLargeMessage }]);
  }
  const raw = parseToml(text, source);

  // Without a known version the rest of the file cannot be interpreted, so report only that.
  const versionProblem = checkVersion(raw.config_version);
  if (versionProblem !== undefined) throw new ConfigError("invalid", source, [versionProblem]);

  const overrides = keyOverrides(opts.env ?? {}, opts.overrides ?? {});
  for (const o of overrides) applyOverride(raw, o);

  const schema = fileSchemaFor(raw);
  const result = v.safeParse(schema, raw, { abortPipeEarly: true });
  const problems = [...unknownKeys(schema, raw), ...(result.success ? [] : issuesToProblems(result.issues))];
  if (!result.success || problems.length > 0) {
    const labelled = problems.map((p) => {
      const from = overrides.find((o) => o.key === p.path);
      return from !== undefined ? { ...p, message: `${p.message} (from ${from.origin})` } : p;
    });
    throw new ConfigError("invalid", source, labelled.length > 0 ? labelled : [{ path: "", message: "is invalid" }]);
  }
  const related = relationshipProblems(result.output);
  if (related.length > 0) throw new ConfigError("invalid", source, related);
  return buildConfig(result.output);
}

/** Reads `path` (size-capped, regular files only) and parses it; throws ConfigError naming only the path. */
export async function loadConfigFile(
  path: string,
  opts: LoadOptions & { readonly readFile?: ReadFileCapped } = {},
): Promise<Config> {
  const source = opts.sourceName ?? path;
  if (path === "") throw new ConfigError("unreadable", "<none>", [{ path: "", message: "config path is empty" }]);
  let bytes: Uint8Array;
  try {
    bytes = await (opts.readFile ?? readFileCapped)(path, maxConfigBytes);
  } catch (e) {
    throw new ConfigError("unreadable", source, [{ path: "", message: readFailureReason(e) }]);
  }
  if (bytes.length > maxConfigBytes) throw new ConfigError("too_large", source, [{ path: "", message: tooLargeMessage }]);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError("syntax", source, [{ path: "", message: "is not valid UTF-8" }]);
  }
  return parseConfigText(text, { ...opts, sourceName: source });
}

/** Rules between keys, checked once every key is valid on its own. */
function relationshipProblems(f: FileConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (f.status.probe_interval >= f.status.max_staleness) {
    problems.push({ path: "status.probe_interval", message: "must be shorter than status.max_staleness" });
  }
  if (listenAddressesConflict(f.server.metrics_address, f.server.health_address)) {
    problems.push({ path: "server.health_address", message: "must differ from server.metrics_address (same host and port)" });
  }
  if (f.openbao.addresses !== undefined && f.openbao.address !== undefined) {
    problems.push({ path: "openbao.addresses", message: "give either openbao.address or openbao.addresses, not both" });
  }
  problems.push(...placeholderProblems(f.transit.key_id_scope));
  return problems;
}

const tooLargeMessage = `file is larger than ${maxConfigBytes / 1024 / 1024} MiB`;

function checkVersion(value: unknown): ConfigProblem | undefined {
  if (value === undefined) return { path: "config_version", message: `is required (set config_version = "${configVersion}")` };
  if (value !== configVersion) {
    const got = typeof value === "string" ? "" : `, got ${describeType(value)}`;
    return { path: "config_version", message: `must be "${configVersion}"${got}` };
  }
  return undefined;
}

// Flag/env beat the file (Viper order), so the file's value is replaced before validation and
// never judged. A non-table section is left alone so its type error is still reported.
function applyOverride(raw: Record<string, unknown>, o: KeyOverride): void {
  const [section, key] = o.key.split(".") as [string, string];
  const table = raw[section];
  if (table === undefined) raw[section] = { [key]: o.value };
  else if (isTable(table)) table[key] = o.value;
}
