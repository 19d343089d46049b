// `init`: from one values file (provider config format) generate the config, both
// EncryptionConfiguration phases, the OpenBao policy and setup script, the static-pod manifest
// and an installation record. Never contacts OpenBao; never writes outside --out; never
// overwrites (O_EXCL); every file is re-checked before it is written.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { chmodSync, closeSync, constants, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "smol-toml";
import { ConfigError } from "../config/errors.ts";
import { identityFingerprint } from "../config/fingerprint.ts";
import { isTable } from "../config/fields.ts";
import { maxConfigBytes, parseConfigText, defaultConfigPath } from "../config/load.ts";
import { readFailureReason, readFileCapped } from "../config/read-file.ts";
import type { Config } from "../config/schema.ts";
import { placeholderImageDigest } from "../config/placeholders.ts";
import { parseToml } from "../config/toml.ts";
import { checkEncryptionConfigText } from "../diagnostics/encryption-config.ts";
import { parsePolicyHcl, policyStanzas, renderPolicyHcl } from "../init/policy.ts";
import { nodeCredentialFiles, renderEncryptionConfig, renderStaticPod, staticPodUid } from "../init/render.ts";
import { authTarget, credentialSource, mountIdMarker, renderSetupScript } from "../init/setup-script.ts";
import { buildInfo } from "../version.ts";
import { formatFlags, parseFlags } from "./args.ts";
import { CliError, exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
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

interface Generated {
  readonly name: string;
  readonly mode: number;
  readonly purpose: string;
  readonly text: string;
}

const defaultCaFile = "/etc/openbao-kms/tls/ca.crt";
const defaultJwtFile = "/var/lib/openbao-kms/identity.jwt";
/** Static pods mount the JWT's directory (atomic replacement), so it gets one of its own. */
const staticPodJwtFile = "/var/lib/openbao-kms/credentials/identity.jwt";
/** Where the other credential files go (static pods: the credentials directory). */
const credentialFile = (name: string, staticPod: boolean) => `/var/lib/openbao-kms/${staticPod ? "credentials/" : ""}${name}`;
/** Stands in for the mount's uuid while the generated config is checked (never written). */
const pendingMountIdForChecks = "00000000-0000-4000-8000-000000000000";
const defaultSocketGroup = "openbao-kms-socket";
const policyNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
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

interface GenerateInput {
  readonly cfg: Config;
  readonly configText: string;
  readonly policyName: string;
  readonly model: string;
  readonly image: string | undefined;
  readonly socketGid: number | undefined;
  readonly lineage: { generated: boolean };
  readonly mountIdPending: boolean;
}

function generate(g: GenerateInput): Generated[] {
  const { cfg } = g;
  const header = `Generated by bao-kms-provider init ${buildInfo.version}: least privilege for ${cfg.transit.mountPath}/keys/${cfg.transit.keyName}`;
  const files: Generated[] = [
    g.mountIdPending
      ? { name: "config.toml.in", mode: 0o640, purpose: "provider config without the mount uuid (openbao-setup.sh writes config.toml)", text: g.configText }
      : { name: "config.toml", mode: 0o640, purpose: "provider config (install as /etc/openbao-kms/config.toml, root:openbao-kms 0640)", text: g.configText },
    { name: "encryption-config-readers.yaml", mode: 0o644, purpose: "phase 1 EncryptionConfiguration (identity first)", text: renderEncryptionConfig(cfg, "readers") },
    { name: "encryption-config.yaml", mode: 0o644, purpose: "phase 2 EncryptionConfiguration (kms first)", text: renderEncryptionConfig(cfg, "writers") },
    { name: "openbao-policy.hcl", mode: 0o644, purpose: `OpenBao policy ${g.policyName}`, text: renderPolicyHcl(policyStanzas(cfg.transit.mountPath, cfg.transit.keyName), header) },
    { name: "openbao-setup.sh", mode: 0o750, purpose: `OpenBao setup (${credentialSource(cfg)}) for the admin to review and run`, text: renderSetupScript({ cfg, policyName: g.policyName, version: buildInfo.version, mountIdPending: g.mountIdPending }) },
  ];
  if (g.model === "static-pod") {
    files.push({
      name: "bao-kms-provider.yaml",
      mode: 0o644,
      purpose: "static pod manifest (kubelet staticPodPath)",
      text: renderStaticPod({ cfg, image: g.image as string, socketGid: g.socketGid as number, configPath: defaultConfigPath }),
    });
  }
  const record = installationRecord(g, files);
  files.push({ name: "installation.json", mode: 0o644, purpose: "installation record (no secrets)", text: JSON.stringify(record, null, 2) + "\n" });
  return files;
}

function installationRecord(g: GenerateInput, files: readonly Generated[]) {
  const { cfg } = g;
  const socketDir = cfg.server.socketPath.slice(0, cfg.server.socketPath.lastIndexOf("/"));
  const remainingActions = [
    credentialSource(cfg) === "approle"
      ? "OpenBao admin: review and run openbao-setup.sh with BAO_ADDR, BAO_CACERT and an admin BAO_TOKEN (docs/openbao-setup.md)" + (g.mountIdPending ? "; it writes config.toml with the Transit mount's uuid" : "")
      : "OpenBao admin: review and run openbao-setup.sh with BAO_ADDR, BAO_CACERT, an admin BAO_TOKEN, JWT_ISSUER, the issuer's keys (JWT_PUBKEY_FILE, JWT_JWKS_URL or JWT_OIDC_DISCOVERY_URL), AUDIENCE and SUBJECT (docs/openbao-setup.md)" + (g.mountIdPending ? "; it writes config.toml with the Transit mount's uuid" : ""),
    ...(g.model === "systemd"
      ? [
          "Every control-plane node: install the package (or 'bao-kms-provider install systemd'), copy config.toml to /etc/openbao-kms/config.toml (root:openbao-kms 0640) and the OpenBao CA to " + cfg.openbao.caCertFile,
          `Every control-plane node: provision ${nodeCredentialFiles(cfg).map((c) => `the ${c.what} at ${c.path}`).join(" and ")} (root:openbao-kms 0640${credentialSource(cfg) === "approle" ? "; one secret ID per node: openbao-setup.sh secret-id" : ""}) and add kube-apiserver's user to group ${cfg.server.socketGroup}`,
        ]
      : [
          `Every control-plane node: copy config.toml to ${defaultConfigPath} (readable by uid ${staticPodUid}), the OpenBao CA to ${cfg.openbao.caCertFile} and ${nodeCredentialFiles(cfg).map((c) => `the ${c.what} to ${c.path}`).join(" and ")}`,
          `Every control-plane node: create ${socketDir} owned by ${staticPodUid}:${g.socketGid} mode 2750 (and a tmpfiles.d entry so it survives reboots) and ${cfg.state.path.slice(0, cfg.state.path.lastIndexOf("/"))} owned by ${staticPodUid}:${staticPodUid} mode 0750 (the key registry; back it up), run kube-apiserver with supplemental group ${g.socketGid}, then place bao-kms-provider.yaml in the kubelet's staticPodPath`,
        ]),
    "Every control-plane node: run 'bao-kms-provider doctor --encryption-config encryption-config-readers.yaml' until it reports no [fail]",
    "Phase 1: install encryption-config-readers.yaml as kube-apiserver's --encryption-provider-config on ALL API servers and restart them",
    "Phase 2: install encryption-config.yaml on ALL API servers, restart them, then rewrite every Secret (kubectl get secrets -A -o json | kubectl replace -f -)",
  ];
  return {
    schema: "bao-kms-provider/installation/v1",
    generator: { version: buildInfo.version, commit: buildInfo.commit },
    generatedAt: new Date().toISOString(),
    model: g.model,
    identityFingerprint: g.mountIdPending ? null : identityFingerprint(cfg),
    transitMountIdPending: g.mountIdPending,
    keyLineageId: cfg.transit.keyIdScope.keyLineageId,
    keyLineageIdGenerated: g.lineage.generated,
    clusterId: cfg.transit.keyIdScope.clusterId,
    providerName: cfg.transit.keyIdScope.providerName,
    openbao: { address: cfg.openbao.address, namespace: cfg.openbao.namespace, transitMount: cfg.transit.mountPath, keyName: cfg.transit.keyName, policyName: g.policyName },
    ...(g.model === "static-pod" ? { image: g.image } : {}),
    runtimeIdentity:
      g.model === "systemd"
        ? { user: "openbao-kms", group: "openbao-kms", socketGroup: cfg.server.socketGroup }
        : { uid: staticPodUid, gid: staticPodUid, socketGid: g.socketGid },
    credentialSource: credentialSource(cfg),
    hostPaths: { config: defaultConfigPath, caCert: cfg.openbao.caCertFile, credentials: nodeCredentialFiles(cfg).map((c) => c.path), socket: cfg.server.socketPath },
    files: files.map((x) => ({ name: x.name, mode: "0" + x.mode.toString(8), sha256: createHash("sha256").update(x.text).digest("hex"), purpose: x.purpose })),
    remainingActions,
  };
}

/** Re-checks a generated file by parsing it back; a problem here is a bug, so it is exit 1. */
function selfCheck(file: Generated, cfg: Config, policyName: string, socketGid: number | undefined, image: string | undefined): void {
  const problem = (why: string) => new CliError(exitCodes.error, `generated ${file.name} failed its self-check: ${why}`);
  switch (file.name) {
    case "config.toml": {
      const again = parseConfigText(file.text, { env: {} });
      if (identityFingerprint(again) !== identityFingerprint(cfg)) throw problem("fingerprint changed on reload");
      return;
    }
    case "config.toml.in": {
      if (file.text.split(mountIdMarker).length !== 2) throw problem(`${mountIdMarker} must appear exactly once`);
      const again = parseConfigText(file.text.replace(mountIdMarker, pendingMountIdForChecks), { env: {} });
      if (identityFingerprint(again) !== identityFingerprint(cfg)) throw problem("fingerprint changed on reload");
      return;
    }
    case "encryption-config-readers.yaml":
    case "encryption-config.yaml": {
      const r = checkEncryptionConfigText(file.text, { providerName: cfg.transit.keyIdScope.providerName, socketPath: cfg.server.socketPath });
      if (r.problems.length > 0) throw problem(r.problems.join("; "));
      const want = file.name === "encryption-config.yaml" ? "kms-first" : "identity-first";
      if (r.order !== want || !r.identityFallback) throw problem(`providers must be ${want}`);
      return;
    }
    case "openbao-policy.hcl": {
      const parsed = parsePolicyHcl(file.text);
      const want = policyStanzas(cfg.transit.mountPath, cfg.transit.keyName);
      if (JSON.stringify(parsed) !== JSON.stringify(want.map((s) => ({ path: s.path, capabilities: s.capabilities })))) throw problem("stanzas differ");
      if (!policyNamePattern.test(policyName)) throw problem("policy name");
      return;
    }
    case "openbao-setup.sh": {
      if (!file.text.startsWith("#!/bin/sh\n") || !file.text.includes("\nset -eu\n")) throw problem("missing #!/bin/sh or set -eu");
      if (!file.text.includes('{"disable_upsert":true}') || !file.text.includes('"exportable":false')) throw problem("missing safe key settings");
      if (/[\u0000-\u0008\u000b-\u001f]/.test(file.text)) throw problem("control characters");
      return;
    }
    case "bao-kms-provider.yaml": {
      const pod = Bun.YAML.parse(file.text) as { kind?: string; spec?: { securityContext?: { supplementalGroups?: number[]; runAsUser?: number }; containers?: Array<{ image?: string }> } };
      if (pod.kind !== "Pod") throw problem("kind must be Pod");
      if (pod.spec?.containers?.[0]?.image !== image) throw problem("image differs");
      if (!pod.spec?.securityContext?.supplementalGroups?.includes(socketGid as number)) throw problem("socket GID missing from supplementalGroups");
      if (pod.spec.securityContext.runAsUser !== staticPodUid) throw problem("runAsUser");
      return;
    }
    case "installation.json": {
      const rec = JSON.parse(file.text) as { identityFingerprint?: string };
      if (rec.identityFingerprint !== null && rec.identityFingerprint !== identityFingerprint(cfg)) throw problem("fingerprint");
      if (/token|secret/i.test(Object.keys(rec).join(","))) throw problem("secret-like field");
      return;
    }
    default:
      throw problem("unknown file");
  }
}

function prepareOutDir(dir: string): void {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (st === undefined) {
    try {
      mkdirSync(dir, { mode: 0o750 });
      chmodSync(dir, 0o750);
    } catch (e) {
      throw new CliError(exitCodes.error, `cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
    }
    return;
  }
  if (st.isSymbolicLink() || !st.isDirectory()) throw new CliError(exitCodes.error, `${dir} is not a directory`);
  if (readdirSync(dir).length > 0) throw new CliError(exitCodes.error, `${dir} is not empty; init never overwrites generated files`);
}

export function writeExclusive(path: string, text: string, mode: number): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(exitCodes.error, code === "EEXIST" ? `${path} already exists; init never overwrites files` : `cannot create ${path}: ${code ?? "error"}`);
  }
  try {
    fchmodSync(fd, mode);
    const buf = Buffer.from(text, "utf8");
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
  } catch (e) {
    throw new CliError(exitCodes.error, `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
  } finally {
    closeSync(fd);
  }
}
