// `policy openbao`: the least-privilege OpenBao policy (HCL) for the configured mount and key,
// the same stanzas `init` writes to openbao-policy.hcl.
import { policyStanzas, renderPolicyHcl } from "../init/policy.ts";
import { formatFlags, parseFlags } from "./args.ts";
import { exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { loadCliConfig } from "./load-config.ts";

const flags = {
  config: { type: "string", value: "PATH", description: "config file (env BAO_KMS_PROVIDER_CONFIG, else /etc/openbao-kms/config.toml)" },
  "include-token-renewal": { type: "string", value: "BOOL", description: "include auth/token/renew-self (true|false)", default: "true" },
} as const;

export const policyHelp = `Usage: bao-kms-provider policy openbao [--config PATH] [--include-token-renewal true|false]

Prints the least-privilege OpenBao policy for transit.mount_path and transit.key_name, in this
order: read <mount>/keys/<key>, update <mount>/encrypt/<key>, update <mount>/decrypt/<key>,
read <mount>/config/keys, update sys/capabilities-self, update auth/token/renew-self (unless
--include-token-renewal=false). Exit codes: 0 ok, 2 usage, 3 config invalid.

Flags:
${formatFlags(flags)}
`;

export async function runPolicy(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.out(policyHelp);
    return exitCodes.ok;
  }
  if (sub !== "openbao") throw usageError(`unknown policy subcommand "${sub}" (expected openbao)`);
  const f = parseFlags(rest, flags);
  if (f.help) {
    io.out(policyHelp);
    return exitCodes.ok;
  }
  const renewal = f["include-token-renewal"];
  if (renewal !== "true" && renewal !== "false") throw usageError("--include-token-renewal takes true or false");
  const config = await loadCliConfig(f.config, io);
  const stanzas = policyStanzas(config.transit.mountPath, config.transit.keyName).filter((s) => renewal === "true" || s.path !== "auth/token/renew-self");
  const a = config.auth;
  const login = a.method === "approle" ? `approle login at ${a.approle?.mountPath}` : `jwt login at ${a.jwt?.mountPath} (role ${a.jwt?.role}, source ${a.jwt?.source})`;
  const header = [
    `bao-kms-provider policy for ${config.transit.mountPath}/keys/${config.transit.keyName}`,
    `# Auth: ${login}; logins need no policy. Attach this policy to that role only.`,
    ...(config.openbao.namespace === "" ? [] : [`# Write it in namespace ${config.openbao.namespace}.`]),
  ].join("\n");
  io.out(renderPolicyHcl(stanzas, header));
  return exitCodes.ok;
}
