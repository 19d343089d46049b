// `init`: from one values file (provider config format) generate the config, both
// EncryptionConfiguration phases, the OpenBao policy and setup script, the static-pod manifest
// and an installation record. Never contacts OpenBao; never writes outside --out; never
// overwrites (O_EXCL); every file is re-checked before it is written.
import { randomBytes, randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { stringify } from "smol-toml";
import { ConfigError } from "../config/errors.ts";
import { identityFingerprint } from "../config/fingerprint.ts";
import { isTable } from "../config/fields.ts";
import { maxConfigBytes, parseConfigText } from "../config/load.ts";
import { readFailureReason, readFileCapped } from "../config/read-file.ts";
import type { Config } from "../config/schema.ts";
import { placeholderImageDigest } from "../config/placeholders.ts";
import { parseToml } from "../config/toml.ts";
import { authTarget, mountIdMarker } from "../init/setup-script.ts";
import { buildInfo } from "../version.ts";
import { formatFlags, parseFlags } from "./args.ts";
import { CliError, exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import { generate } from "./init-generate.ts";
import { pendingMountIdForChecks, policyNamePattern, prepareOutDir, selfCheck, writeExclusive } from "./init-write.ts";
import type { Io } from "./io.ts";
import { configOrExit } from "./load-config.ts";

const flags = {
  values: { type: "string", value: "FILE", description: "values file in the provider config format (TOML); required" },
  out: { type: "string", value: "DIR", description: "output directory: absent (created 0750) or empty; required" },
  model: { type: "string", value: "MODEL", description: "systemd or static-pod", default: "systemd" },
  "new-key": { type: "boolean", description: "generate transit.key_id_scope.key_lineage_id (16 random bytes, hex)" },
  "policy-name": { type: "string", value: "NAME", description: "OpenBao policy name (default openbao-kms-<cluster_id>)" },
  image: { type: "string", value: "REF@sha256:…", description: "container image pinned by digest (static-pod only, required)" },
  "socket-gid": { type: "string", value: "N", description: "numeric socket group for kube-apiserver (static-pod only, required)" },
} as const;

export const initHelp = `Usage: bao-kms-provider init --values FILE --out DIR [--model systemd|static-pod] [--new-key]
                             [--policy-name NAME] [--image REF@sha256:…] [--socket-gid N]

Generates, from one values file, files that match each other:
  config.toml                      provider config (0640), reloaded with the provider's own loader;
                                   config.toml.in instead when the values leave out
                                   transit.key_id_scope.transit_mount_id: openbao-setup.sh creates
                                   the mount, reads its uuid and writes config.toml from it
  encryption-config-readers.yaml   phase 1 EncryptionConfiguration: identity first, kms second
  encryption-config.yaml           phase 2 EncryptionConfiguration: kms first, identity second
  openbao-policy.hcl               least-privilege OpenBao policy
  openbao-setup.sh                 OpenBao setup for the admin to review and run (0750; curl and the
                                   HTTP API; never run by init): Transit mount and key, policy, the
                                   auth method of the credential source (JWT file, OAuth2, AppRole)
  bao-kms-provider.yaml            static pod manifest (--model static-pod only)
  installation.json                what was generated, fingerprint, lineage id, next steps (no secrets)
Defaults filled when the values file leaves them out: openbao.ca_cert_file
/etc/openbao-kms/tls/ca.crt, auth.jwt.jwt_file /var/lib/openbao-kms/identity.jwt (static pod:
/var/lib/openbao-kms/credentials/identity.jwt), auth.jwt.oauth2.client_secret_file
/var/lib/openbao-kms/oauth2-client-secret, auth.approle.secret_id_file
/var/lib/openbao-kms/secret-id (static pod: in /var/lib/openbao-kms/credentials/), a random
auth.approle.role_id (the setup script gives the role that id),
server.socket_group openbao-kms-socket (systemd) or --socket-gid (static pod; the flag wins).
Never contacts OpenBao, never writes outside --out, never overwrites a file (O_EXCL).
Exit codes: 0 ok, 1 write failure or non-empty --out, 2 usage, 3 invalid values.

Flags:
${formatFlags(flags)}
`;

const defaultCaFile = "/etc/openbao-kms/tls/ca.crt";
const defaultJwtFile = "/var/lib/openbao-kms/identity.jwt";
/** Static pods mount the JWT's directory (atomic replacement), so it gets one of its own. */
const staticPodJwtFile = "/var/lib/openbao-kms/credentials/identity.jwt";
/** Where the other credential files go (static pods: the credentials directory). */
const credentialFile = (name: string, staticPod: boolean) => `/var/lib/openbao-kms/${staticPod ? "credentials/" : ""}${name}`;
const defaultSocketGroup = "openbao-kms-socket";
const imagePattern = /^[a-z0-9][a-z0-9._\-/:]*@sha256:[0-9a-f]{64}$/;

export async function runInit(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, flags);
  if (f.help) {
    io.out(initHelp);
    return exitCodes.ok;
  }
  // Flag rules (exit 2), all reported together.
  const usage: string[] = [];
  if (f.values === undefined || f.values === "") usage.push("--values is required");
  if (f.out === undefined || f.out === "") usage.push("--out is required");
  const model = f.model ?? "systemd";
  if (model !== "systemd" && model !== "static-pod") usage.push("--model must be systemd or static-pod");
  let socketGid: number | undefined;
  if (model === "static-pod") {
    if (f.image === undefined) usage.push("--image is required with --model static-pod");
    else if (!imagePattern.test(f.image)) usage.push("--image must be pinned by digest (REF@sha256:<64 hex>)");
    else if (f.image.endsWith(`@${placeholderImageDigest}`)) usage.push("--image has the template's all-zero placeholder digest: use the digest of the image you built (the index of bao-kms-provider_<version>_oci.tar) or pulled");
    if (f["socket-gid"] === undefined) usage.push("--socket-gid is required with --model static-pod");
    else if (!/^[0-9]{1,10}$/.test(f["socket-gid"]) || Number(f["socket-gid"]) < 1 || Number(f["socket-gid"]) > 4_294_967_294) usage.push("--socket-gid must be a GID above 0");
    else socketGid = Number(f["socket-gid"]);
  } else if (model === "systemd") {
    if (f.image !== undefined) usage.push("--image is only for --model static-pod");
    if (f["socket-gid"] !== undefined) usage.push("--socket-gid is only for --model static-pod");
  }
  if (f["policy-name"] !== undefined && !validPolicyName(f["policy-name"])) usage.push("--policy-name must be 1-128 of A-Z a-z 0-9 _ . - (not root or default)");
  if (usage.length > 0) throw usageError(usage.join("; "));

  const valuesPath = f.values as string;
  const outDir = resolve(f.out as string);

  // Values: read, fill defaults, resolve the lineage id, then validate with the provider's loader.
  let raw: Record<string, unknown>;
  try {
    const bytes = await readFileCapped(valuesPath, maxConfigBytes);
    if (bytes.length > maxConfigBytes) throw new CliError(exitCodes.config, `${valuesPath}: file is larger than 1 MiB`);
    raw = parseToml(new TextDecoder("utf-8", { fatal: true }).decode(bytes), valuesPath);
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (e instanceof ConfigError) throw new CliError(exitCodes.config, e.message);
    throw new CliError(exitCodes.config, `${valuesPath}: ${readFailureReason(e)}`);
  }
  const filled = fillDefaults(raw, socketGid);
  const lineage = resolveLineage(filled, f["new-key"]);
  const scopeValues = section(section(filled, "transit"), "key_id_scope");
  const mountIdPending = scopeValues.transit_mount_id === undefined || scopeValues.transit_mount_id === "";
  if (mountIdPending) scopeValues.transit_mount_id = mountIdMarker;
  const source = (valuesPath.split("/").pop() ?? "").replace(/[^\x20-\x7e]/g, "?");
  const configText = mountIdPending
    ? `# Generated by bao-kms-provider init ${buildInfo.version} from ${source}.\n# openbao-setup.sh writes config.toml from this file, with the Transit mount's uuid as transit_mount_id.\n# config.toml is identical on every control-plane node of this cluster.\n\n${stringify(filled)}`
    : `# Generated by bao-kms-provider init ${buildInfo.version} from ${source}.\n# Identical on every control-plane node of this cluster (see identityFingerprint in installation.json).\n\n${stringify(filled)}`;
  const cfg: Config = await configOrExit(() => parseConfigText(mountIdPending ? configText.replace(mountIdMarker, pendingMountIdForChecks) : configText, { sourceName: "generated config.toml", env: {} }));
  const policyName = f["policy-name"] ?? `openbao-kms-${cfg.transit.keyIdScope.clusterId}`;
  if (!validPolicyName(policyName)) throw new CliError(exitCodes.config, `default policy name ${JSON.stringify(policyName)} is not usable: pass --policy-name`);
  const shellProblem = shellUnsafe(cfg);
  if (shellProblem !== undefined) throw new CliError(exitCodes.config, shellProblem);

  const files = generate({ cfg, configText, policyName, model, image: f.image, socketGid, lineage, mountIdPending });
  for (const file of files) selfCheck(file, cfg, policyName, socketGid, f.image);

  prepareOutDir(outDir);
  for (const file of files) writeExclusive(join(outDir, file.name), file.text, file.mode);

  const fp = mountIdPending ? "known once openbao-setup.sh has written config.toml (bao-kms-provider config show)" : identityFingerprint(cfg);
  const lines = [`Wrote ${files.length} files to ${outDir}:`, ...files.map((x) => `  ${x.name.padEnd(32)} ${x.purpose}`), `identityFingerprint: ${fp}`];
  if (lineage.generated) lines.push(`keyLineageId: ${cfg.transit.keyIdScope.keyLineageId} (generated; record it with your values file)`);
  lines.push(`Next: the OpenBao admin reviews and runs openbao-setup.sh (docs/openbao-setup.md)${mountIdPending ? ", which writes config.toml" : ""}; then follow "remainingActions" in installation.json.`);
  io.out(lines.join("\n") + "\n");
  return exitCodes.ok;
}

function validPolicyName(name: string): boolean {
  return policyNamePattern.test(name) && name !== "root" && name !== "default";
}

function section(raw: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = raw[key];
  if (existing === undefined) {
    const created: Record<string, unknown> = {};
    raw[key] = created;
    return created;
  }
  // A non-table is left for the loader to report with its path.
  return isTable(existing) ? existing : {};
}

/** Fills the documented defaults into the raw values tree (a copy). */
function fillDefaults(values: Record<string, unknown>, socketGid: number | undefined): Record<string, unknown> {
  const raw = structuredClone(values);
  const server = section(raw, "server");
  if (socketGid !== undefined) server.socket_group = String(socketGid);
  else server.socket_group ??= defaultSocketGroup;
  section(raw, "openbao").ca_cert_file ??= defaultCaFile;
  const auth = section(raw, "auth");
  const staticPod = socketGid !== undefined;
  if (auth.method === undefined || auth.method === "jwt") {
    const jwt = section(auth, "jwt");
    if (jwt.source === undefined || jwt.source === "file") jwt.jwt_file ??= staticPod ? staticPodJwtFile : defaultJwtFile;
    else if (jwt.source === "oauth2") section(jwt, "oauth2").client_secret_file ??= credentialFile("oauth2-client-secret", staticPod);
  } else if (auth.method === "approle") {
    const approle = section(auth, "approle");
    approle.secret_id_file ??= credentialFile("secret-id", staticPod);
    // The role's id is not secret (the secret ID is): the setup script gives the role this one.
    if (approle.role_id === undefined && approle.role_id_file === undefined) approle.role_id = randomUUID();
  }
  return raw;
}

function resolveLineage(raw: Record<string, unknown>, newKey: boolean): { generated: boolean } {
  const scope = section(section(raw, "transit"), "key_id_scope");
  const present = scope.key_lineage_id !== undefined && scope.key_lineage_id !== "";
  if (newKey && present) throw new CliError(exitCodes.config, "transit.key_id_scope.key_lineage_id is set in the values file and --new-key asks for a new one: drop one of them");
  if (!newKey && !present) throw new CliError(exitCodes.config, "transit.key_id_scope.key_lineage_id is required (or pass --new-key for a new Transit key)");
  if (newKey) scope.key_lineage_id = randomBytes(16).toString("hex");
  return { generated: newKey };
}

// The setup script quotes every value, but values with quotes or control characters have no
// business in a mount, key, role or namespace name; refuse them rather than rely on quoting.
function shellUnsafe(cfg: Config): string | undefined {
  const plain = /^[A-Za-z0-9_.\/:@-]+$/;
  const target = authTarget(cfg, "policy");
  const named: Array<[string, string]> = [
    ["transit.mount_path", cfg.transit.mountPath],
    ["transit.key_name", cfg.transit.keyName],
    [`auth.${cfg.auth.method}.mount_path`, target.mount],
    ...(cfg.auth.method === "jwt" ? [["auth.jwt.role", target.role] as [string, string]] : []),
    ...(cfg.auth.approle?.roleId ? [["auth.approle.role_id", cfg.auth.approle.roleId] as [string, string]] : []),
    ["transit.key_id_scope.transit_mount_id", cfg.transit.keyIdScope.transitMountId],
    ...(cfg.openbao.namespace !== "" ? [["openbao.namespace", cfg.openbao.namespace] as [string, string]] : []),
  ];
  const bad = named.find(([, v]) => !plain.test(v));
  return bad === undefined ? undefined : `${bad[0]} may only use A-Z a-z 0-9 _ . / : @ - for the generated OpenBao setup script`;
}

