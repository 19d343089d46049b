// `policy openbao`: the least-privilege OpenBao policy (HCL) for the configured Transit mount
// and key (reference §7): metadata read, encrypt, decrypt, the mount's config/keys read,
// sys/capabilities-self, and renew-self unless --include-token-renewal=false. Nothing that can
// create, rotate, delete, export or back up keys.

import { ConfigError } from "../config/errors.ts";
import { loadConfigFile, resolveConfigPath } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { formatFlags, parseFlags } from "./args.ts";
import { CliError, exitCodes, usageError, type ExitCode } from "./exit-codes.ts";

const flags = {
  config: { type: "string", value: "PATH", description: "config file (env BAO_KMS_PROVIDER_CONFIG)" },
  "include-token-renewal": { type: "boolean", description: "include auth/token/renew-self (default true; --include-token-renewal=false omits it)" },
} as const;

export const policyHelp = `Usage: bao-kms-provider policy openbao [--config PATH] [--include-token-renewal=false]

Prints the least-privilege OpenBao policy (HCL) for the configured Transit mount and key and
auth method: read the key's metadata, encrypt, decrypt, read the mount's config/keys, check
sys/capabilities-self, and renew its own token. It grants nothing that can create, rotate,
delete, export or back up keys. Exit codes: 0 ok, 2 usage, 3 config invalid.

Flags:
${formatFlags(flags)}
`;

interface Stanza {
  readonly comment: string;
  readonly path: string;
  readonly capabilities: readonly string[];
}

export function openBaoPolicy(config: Config, includeTokenRenewal: boolean): string {
  const mount = config.transit.mountPath;
  const key = encodeURIComponent(config.transit.keyName);
  const stanzas: Stanza[] = [
    { comment: "Read the Transit key's metadata (versions, profile).", path: `${mount}/keys/${key}`, capabilities: ["read"] },
    { comment: "Encrypt DEKs with the key.", path: `${mount}/encrypt/${key}`, capabilities: ["update"] },
    { comment: "Decrypt DEKs with the key.", path: `${mount}/decrypt/${key}`, capabilities: ["update"] },
    { comment: "Check that the mount refuses key upsert (disable_upsert).", path: `${mount}/config/keys`, capabilities: ["read"] },
    { comment: "Let the provider check its own capabilities.", path: "sys/capabilities-self", capabilities: ["update"] },
  ];
  if (includeTokenRenewal) stanzas.push({ comment: "Renew the provider's own token.", path: "auth/token/renew-self", capabilities: ["update"] });
  const a = config.auth;
  const login = a.method === "approle" ? `approle login at ${a.approle!.mountPath}` : `jwt login at ${a.jwt!.mountPath} (role ${a.jwt!.role}, source ${a.jwt!.source})`;
  const head = [
    `# OpenBao policy for bao-kms-provider (Transit key ${mount}/keys/${config.transit.keyName}).`,
    `# Auth: ${login}; logins need no policy. Attach this policy to that role only.`,
    ...(config.openbao.namespace === "" ? [] : [`# Write it in namespace ${config.openbao.namespace}.`]),
    "",
  ];
  const body = stanzas.map((s) => `# ${s.comment}\npath "${s.path}" {\n  capabilities = [${s.capabilities.map((c) => `"${c}"`).join(", ")}]\n}\n`);
  return head.join("\n") + body.join("\n");
}

export async function runPolicy(argv: readonly string[], io: { out: (s: string) => void; env: Record<string, string | undefined> }): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.out(policyHelp);
    return exitCodes.ok;
  }
  if (sub !== "openbao") throw usageError(`unknown policy subcommand "${sub}" (see 'bao-kms-provider policy --help')`);
  const f = parseFlags(rest, flags);
  if (f.help) {
    io.out(policyHelp);
    return exitCodes.ok;
  }
  // A boolean flag is false unless given; the default here is true, so only "=false" turns it off.
  const include = !rest.some((a) => a === "--include-token-renewal=false");
  let config: Config;
  try {
    config = await loadConfigFile(resolveConfigPath(f.config, io.env), { env: io.env });
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(exitCodes.config, e.message);
    throw e;
  }
  io.out(openBaoPolicy(config, include));
  return exitCodes.ok;
}
