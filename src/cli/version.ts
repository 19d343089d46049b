// `version`: build identity, as text or JSON.

import { buildInfo } from "../version.ts";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";

const flags = { output: { type: "string", value: "FORMAT", description: "text or json", default: "text" } } as const;

export const versionHelp = `Usage: bao-kms-provider version [--output text|json]

Prints the provider version, git commit, build date and the Bun runtime version.

Flags:
${formatFlags(flags)}
`;

export function runVersion(argv: readonly string[], out: (s: string) => void): ExitCode {
  const f = parseFlags(argv, flags);
  if (f.help) {
    out(versionHelp);
    return exitCodes.ok;
  }
  const i = buildInfo;
  if (parseOutputFormat(f.output) === "json") out(JSON.stringify({ version: i.version, commit: i.commit, buildDate: i.buildDate, bunVersion: i.bunVersion }, null, 2) + "\n");
  else out(`bao-kms-provider ${i.version}\ncommit: ${i.commit}\nbuild date: ${i.buildDate}\nbun: ${i.bunVersion}\n`);
  return exitCodes.ok;
}
