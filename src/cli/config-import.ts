// `config import --from FILE.yaml [--out FILE.toml]`: convert the Go provider's YAML config to
// ours, print what was mapped, validate the result with our own loader and print its
// identityFingerprint (to compare with the Go provider's `config` output). Never overwrites.

import { closeSync, constants, openSync, writeSync } from "node:fs";
import { ConfigError } from "../config/errors.ts";
import { identityFingerprint } from "../config/fingerprint.ts";
import { importGoConfig, type ImportLine, maxImportBytes } from "../config/import-go.ts";
import { parseConfigText } from "../config/load.ts";
import { readFailureReason, readFileCapped } from "../config/read-file.ts";
import { formatFlags, parseFlags } from "./args.ts";
import { exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";

const flags = {
  from: { type: "string", value: "FILE", description: "the Go provider's YAML config (configVersion: v1alpha1)" },
  out: { type: "string", value: "FILE", description: "write the TOML here (created 0640; an existing file is never overwritten); default: standard output" },
} as const;

export const importHelp = `Usage: bao-kms-provider config import --from FILE.yaml [--out FILE.toml]

Converts the Go provider's YAML config (camelCase keys, configVersion: v1alpha1) to this
provider's TOML config. Every key is mapped to exactly one of ours (for example
transit.keyIdScope.providerName → transit.key_id_scope.provider_name and
status.statusMaxStaleness → status.max_staleness), dropped with a reason when it is a no-op
here (logging.logOpenBaoRequestIDs, a disabled logging.debugCorrelation), or refused: cert
auth (auth.method cert, auth.cert.*), enabled debug correlation, unknown keys, duplicate keys,
YAML anchors, values of the wrong type (as the Go provider refuses them: quote socketMode and
numeric group IDs). The result is validated like 'config check' (without the filesystem checks)
and its identityFingerprint printed: it must equal the one the Go provider's 'config' command
prints for the YAML, or the state file will be refused. The mapping report goes to standard
output with --out, else to standard error (the TOML then goes to standard output).
The input is read up to ${maxImportBytes / 1024 / 1024} MiB.
Exit codes: 0 converted, 1 output file exists or cannot be written, 2 usage, 3 the YAML cannot
be imported (unreadable, refused keys, or the result is not a valid config).

Flags:
${formatFlags(flags)}
`;

export async function runConfigImport(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, flags);
  if (f.help) {
    io.out(importHelp);
    return exitCodes.ok;
  }
  if (f.from === undefined || f.from === "") throw usageError("--from FILE.yaml is required");
  const refuse = (lines: string[]): ExitCode => {
    io.err(`bao-kms-provider config import: ${f.from} cannot be imported:\n${lines.map((l) => `  ${l}`).join("\n")}\n`);
    return exitCodes.config;
  };

  let bytes: Uint8Array;
  try {
    bytes = await readFileCapped(f.from, maxImportBytes);
  } catch (e) {
    return refuse([readFailureReason(e)]);
  }
  if (bytes.length > maxImportBytes) return refuse([`file is larger than ${maxImportBytes / 1024 / 1024} MiB`]);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return refuse(["is not valid UTF-8"]);
  }

  const result = importGoConfig(text);
  if (!result.ok) return refuse(result.problems.map((p) => (p.key === "" ? p.message : `${p.key}: ${p.message}`)));

  // Our own loader decides whether the result is a config we can run (rules the Go provider
  // does not have, such as duration bounds, are reported against the Go key they came from).
  let fingerprint: string;
  try {
    fingerprint = identityFingerprint(parseConfigText(result.toml, { sourceName: "the imported config" }));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const origin = new Map(result.lines.filter((l) => l.to !== undefined).map((l) => [l.to as string, l.from]));
    return refuse(["the converted config is not valid here:", ...e.problems.map((p) => `  ${p.path}${origin.has(p.path) ? ` (from ${origin.get(p.path)})` : ""}: ${p.message}`)]);
  }

  const toml = `# Converted by 'bao-kms-provider config import' from the Go provider's config (configVersion v1alpha1).\n# identityFingerprint: ${fingerprint}\n\n${result.toml}`;
  const report = renderReport(result.lines, fingerprint, f.out);
  if (f.out === undefined) {
    io.out(toml);
    io.err(report);
    return exitCodes.ok;
  }
  let fd: number;
  try {
    fd = openSync(f.out, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o640);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`bao-kms-provider config import: ${code === "EEXIST" ? `${f.out} already exists: refusing to overwrite it (choose another --out, or move it away first)` : `cannot create ${f.out} (${code ?? "error"})`}\n`);
    return exitCodes.error;
  }
  try {
    const buf = Buffer.from(toml, "utf8");
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
  } finally {
    closeSync(fd);
  }
  io.out(report);
  return exitCodes.ok;
}

function renderReport(lines: readonly ImportLine[], fingerprint: string, out: string | undefined): string {
  const mappedLines = lines.filter((l) => l.to !== undefined).map((l) => `  ${l.from} → ${l.to} = ${l.value}`);
  const droppedLines = lines.filter((l) => l.to === undefined).map((l) => `  ${l.from}: ${l.note}`);
  return [
    `mapped (${mappedLines.length}):`,
    ...mappedLines,
    ...(droppedLines.length > 0 ? [`dropped (${droppedLines.length}, no effect here):`, ...droppedLines] : []),
    ...(out !== undefined ? [`wrote ${out}`] : []),
    `identityFingerprint: ${fingerprint}`,
    "Compare it with the identityFingerprint line of the Go provider's 'config' output: they must be equal.",
    "",
  ].join("\n");
}
