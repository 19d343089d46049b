// The doctor and verify-key check lists (reference §2.1 order). Each check records what later
// checks need on the shared context; a check that did not pass makes its dependants skip.
import { expectedIdentityOf } from "../keys/identity.ts";
import { keyScopeOf } from "../keys/scope.ts";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "../config/errors.ts";
import { configFileProblems } from "../config/file-checks.ts";
import { loadConfigFile } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import type { Env } from "../config/env.ts";
import { KeyProfileError, checkKeyProfile, snapshotsFromMetadata, staticKeySet } from "../keys/from-metadata.ts";
import { TransitError } from "../kms/errors.ts";
import { deriveKeyId, isWellFormedKeyId } from "../kms/key-id.ts";
import { hashValue } from "../kms/hash.ts";
import { KmsService } from "../kms/service.ts";
import { CaBundleError, openBaoHttpFromConfig, readCaBundle } from "../openbao/from-config.ts";
import type { OpenBaoHttp } from "../openbao/http.ts";
import { standbyRedirectMessage } from "../openbao/classify.ts";
import { readCapabilities, readHealth, readMountUuid, type Health } from "../openbao/sys-reads.ts";
import type { TokenSource } from "../openbao/tokens.ts";
import { createFileRegistryStore } from "../registry/store/file-store.ts";
import { RegistryError, type RegistryState } from "../registry/types.ts";
import { validateScope } from "../registry/validate.ts";
import { observe, RotationError } from "../status/rotation.ts";
import { archivedAdvice, softDeletedAdvice } from "../keys/archive-advice.ts";
import type { KeyMetadata } from "../kms/ports.ts";
import { createTransitClient, type TransitClient } from "../openbao/transit-client.ts";
import { resolveGroupId } from "../platform/groups.ts";
import { authDiagnosticsFor, type AuthDiagnostics } from "./auth.ts";
import { capabilityPaths, judgeCapabilities } from "./capabilities.ts";
import { checkEncryptionConfigText } from "./encryption-config.ts";
import { type CheckDef, fail, pass, skip, warn } from "./runner.ts";

/** AAD of doctor's Transit round trip; never used by the KMS data path. */
export const doctorProbeAad = "openbao-kubernetes-kms/doctor-probe/v1";
/** Largest EncryptionConfiguration read. */
export const maxEncryptionConfigBytes = 1024 * 1024;
/** Version the in-process KMS writes into its plugin-version annotation. */
const diagnosticPluginVersion = "doctor";

export interface DiagContext {
  readonly mode: "doctor" | "verify-key";
  readonly configPath: string;
  readonly env: Env;
  readonly encryptionConfigPath: string | undefined;
  readonly nowMs: () => number;
  config?: Config;
  /** Set when loading or validating failed: the command exits 3. */
  configFailed?: boolean;
  /** The loader's problems when the file was readable TOML but invalid. */
  configProblems?: ReadonlyArray<{ readonly path: string; readonly message: string }>;
  auth?: AuthDiagnostics;
  http?: OpenBaoHttp;
  tokens?: TokenSource;
  token?: string;
  transit?: TransitClient;
  meta?: KeyMetadata;
  /** The node's key registry, when it loaded (kms.status_encrypt uses its active version). */
  state?: RegistryState;
}

const cfg = (c: DiagContext): Config => c.config as Config;
const timeout = (c: DiagContext) => AbortSignal.timeout(cfg(c).openbao.timeoutMs);

/** Operator sentence for a failed OpenBao call; never OpenBao's own text. */
function describe(e: unknown, c: DiagContext): string {
  if (e instanceof DOMException && e.name === "TimeoutError") return `no answer within openbao.timeout (${cfg(c).openbao.timeoutMs} ms)`;
  if (e instanceof TransitError) {
    const http = e.status === undefined ? "" : ` (HTTP ${e.status})`;
    switch (e.kind) {
      case "tls_failed":
        return "TLS handshake failed: check openbao.ca_cert_file and openbao.tls_server_name";
      case "dns_failed":
        return `cannot resolve the host of ${cfg(c).openbao.address}`;
      case "connection_failed":
        return `cannot connect to ${cfg(c).openbao.address}`;
      case "sealed":
        return "OpenBao is sealed";
      case "standby_redirect":
        return standbyRedirectMessage(cfg(c).openbao.address, e);
      case "permission_denied":
        return `permission denied for ${e.operation}${http}: check the token's policy`;
      case "not_found":
        return `${e.operation}: not found${http}`;
      default:
        return `${e.operation} failed: ${e.kind}${http}`;
    }
  }
  return e instanceof Error ? e.name : "unknown error";
}

const configLoad: CheckDef<DiagContext> = {
  id: "config.load",
  title: "load config",
  async run(c) {
    try {
      c.config = await loadConfigFile(c.configPath, { env: c.env });
      return pass(c.configPath);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      if (e.kind === "invalid") {
        c.configProblems = e.problems; // readable TOML; config.validate reports the problems
        return pass(c.configPath);
      }
      c.configFailed = true;
      const first = e.problems[0];
      return fail(`${c.configPath}: ${first ? (first.line !== undefined ? `line ${first.line}, column ${first.column}: ` : "") + first.message : e.kind}`);
    }
  },
};

const configValidate: CheckDef<DiagContext> = {
  id: "config.validate",
  title: "validate config",
  needs: ["config.load"],
  run(c) {
    if (c.config === undefined) {
      c.configFailed = true;
      return fail((c.configProblems ?? []).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join("; ") || "config is invalid");
    }
    if (c.mode === "doctor") {
      const problems = configFileProblems(c.config, c.configPath);
      if (problems.length > 0) {
        c.configFailed = true;
        c.config = undefined;
        return fail(problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join("; "));
      }
      c.auth = authDiagnosticsFor(c.config);
      return pass("values, relationships and file permissions");
    }
    c.auth = authDiagnosticsFor(c.config);
    return pass("values and relationships (no filesystem checks)");
  },
};

const socketGroup: CheckDef<DiagContext> = {
  id: "socket.group",
  title: "socket group",
  needs: ["config.validate"],
  run(c) {
    const group = cfg(c).server.socketGroup;
    try {
      const gid = resolveGroupId(group);
      // kube-apiserver reaches the socket through its group: the directory needs group search.
      const dir = dirname(cfg(c).server.socketPath);
      const st = statSync(dir, { throwIfNoEntry: false });
      const reachable = st !== undefined && ((st.gid === gid && (st.mode & 0o010) !== 0) || (st.mode & 0o001) !== 0);
      if (!reachable) return warn(`gid ${gid}, but ${dir} does not let group ${group} search it, so kube-apiserver cannot reach the socket: chgrp ${group} ${dir} && chmod 2750 ${dir}`);
      return pass(`${group} → gid ${gid}; ${dir} is searchable by the group`);
    } catch (e) {
      return fail(`${e instanceof Error ? e.message : "cannot resolve the group"}: create it (systemd-sysusers) or set server.socket_group`);
    }
  },
};

/** The local-auth check for whichever auth method the config names. */
const authLocal: CheckDef<DiagContext> = {
  id: "auth.local",
  key: "auth.local",
  title: "local auth material",
  needs: ["config.validate"],
  run(c) {
    return (c.auth as AuthDiagnostics).localCheck(cfg(c), c.nowMs());
  },
};

const encryptionConfig: CheckDef<DiagContext> = {
  id: "kubernetes.encryption_config",
  title: "Kubernetes EncryptionConfiguration",
  needs: ["config.validate"],
  run(c) {
    const path = c.encryptionConfigPath;
    if (path === undefined) return skip("not checked: pass --encryption-config FILE");
    let text: string;
    try {
      if (statSync(path).size > maxEncryptionConfigBytes) return fail(`${path} is larger than ${maxEncryptionConfigBytes} bytes`);
      text = readFileSync(path, "utf8");
    } catch {
      return fail(`cannot read ${path}`);
    }
    const config = cfg(c);
    const r = checkEncryptionConfigText(text, { providerName: config.transit.keyIdScope.providerName, socketPath: config.server.socketPath });
    if (r.problems.length > 0) return fail(r.problems.join("; "));
    if (r.identityFallback) {
      return warn(`kms provider matches; an identity provider is present (${r.order === "identity-first" ? "phase 1: reads only, writes stay plaintext" : "plaintext fallback"}): remove it once every Secret is re-encrypted`);
    }
    return pass("kms v2 provider matches name and socket");
  },
};

/** Why a node that answered sys/health cannot serve the provider. */
function unusableHealth(address: string, h: Health): string {
  switch (h.state) {
    case "sealed":
      return `${address} answered but is sealed (sys/health HTTP ${h.status}): unseal it`;
    case "uninitialized":
      return `${address} answered but is not initialized (sys/health HTTP ${h.status}): initialize and unseal it`;
    default:
      // 200/429 here: the body was not OpenBao's health JSON for that code (a proxy's page, another server).
      if (h.status === 200 || h.status === 429) {
        return `${address} answered sys/health with HTTP ${h.status} but not with OpenBao's health JSON for it (initialized, sealed, standby): something other than an OpenBao node answers there`;
      }
      return `${address} answered sys/health with HTTP ${h.status}, which is neither active (200) nor standby (429): the node cannot serve requests`;
  }
}

const openbaoTls: CheckDef<DiagContext> = {
  id: "openbao.tls",
  title: "TLS to OpenBao",
  needs: ["config.validate"],
  async run(c) {
    const config = cfg(c);
    let caPem: string;
    try {
      caPem = await readCaBundle(config.openbao.caCertFile);
    } catch (e) {
      if (e instanceof CaBundleError) return fail(e.message);
      throw e;
    }
    if (!caPem.includes("-----BEGIN CERTIFICATE-----")) return fail("openbao.ca_cert_file does not contain PEM certificates");
    c.http = openBaoHttpFromConfig(config, caPem);
    try {
      const h = await readHealth(c.http, timeout(c));
      if (!h.usable) return fail(unusableHealth(config.openbao.address, h));
      // A standby serves reads itself (they may lag behind the active node) and needs the active for writes (login).
      const role = h.state === "standby" ? ", a standby: writes such as logins must reach the active node and its reads may lag behind it" : "";
      return pass(`${config.openbao.address} as ${config.openbao.tlsServerName} (sys/health HTTP ${h.status}${role})`);
    } catch (e) {
      return fail(describe(e, c));
    }
  },
};

const openbaoAuth: CheckDef<DiagContext> = {
  id: "openbao.auth",
  title: "OpenBao login",
  needs: ["openbao.tls", "auth.local"],
  async run(c) {
    const config = cfg(c);
    c.tokens = (c.auth as AuthDiagnostics).tokenSource(config, c.http as OpenBaoHttp);
    try {
      c.token = await c.tokens.token(timeout(c));
    } catch (e) {
      if (e instanceof TransitError && e.status !== undefined && (e.kind === "permission_denied" || e.kind === "invalid_request" || e.kind === "unauthenticated")) {
        return fail(`login refused (HTTP ${e.status}): check the auth role, its bound claims and the credential`);
      }
      return fail(describe(e, c));
    }
    c.transit = createTransitClient({ http: c.http as OpenBaoHttp, tokens: c.tokens, mountPath: config.transit.mountPath, keyName: config.transit.keyName });
    return pass("token obtained");
  },
};

const transitCapabilities: CheckDef<DiagContext> = {
  id: "transit.capabilities",
  title: "token capabilities (least privilege)",
  needs: ["openbao.auth"],
  async run(c) {
    const config = cfg(c);
    const paths = capabilityPaths(config.transit.mountPath, config.transit.keyName);
    let caps;
    try {
      caps = await readCapabilities(c.http as OpenBaoHttp, c.token as string, [paths.key, paths.encrypt, paths.decrypt, ...paths.management], timeout(c));
    } catch (e) {
      return fail(`cannot read sys/capabilities-self: ${describe(e, c)} (the policy needs update on sys/capabilities-self)`);
    }
    const j = judgeCapabilities(paths, caps);
    if (j.excess.length > 0) {
      const shown = j.excess.slice(0, 4).join("; ") + (j.excess.length > 4 ? `; and ${j.excess.length - 4} more` : "");
      return fail(`token can perform non-hot-path key management: ${shown}; use the policy from 'init' (read key, update encrypt/decrypt only)`);
    }
    if (j.missing.length > 0) return fail(`token lacks ${j.missing.join("; ")}`);
    return pass("read key, update encrypt and decrypt; no key management");
  },
};

const transitMetadata: CheckDef<DiagContext> = {
  id: "transit.metadata",
  title: "Transit key metadata",
  needs: ["openbao.auth"],
  async run(c) {
    try {
      c.meta = await (c.transit as TransitClient).readKey(timeout(c));
    } catch (e) {
      return fail(describe(e, c));
    }
    return pass(`${cfg(c).transit.mountPath}/keys/${cfg(c).transit.keyName}: type ${c.meta.type}, latest version ${c.meta.latestVersion}`);
  },
};

const transitMountId: CheckDef<DiagContext> = {
  id: "transit.mount_id",
  title: "transit_mount_id matches the mount",
  needs: ["openbao.auth"],
  async run(c) {
    const config = cfg(c);
    let uuid: string;
    try {
      uuid = await readMountUuid(c.http as OpenBaoHttp, c.token as string, config.transit.mountPath, timeout(c));
    } catch (e) {
      return warn(`cannot read the mount's uuid (${describe(e, c)}); compare transit.key_id_scope.transit_mount_id with 'bao read sys/mounts/${config.transit.mountPath}' by hand`);
    }
    if (uuid !== config.transit.keyIdScope.transitMountId) {
      return fail(`transit.key_id_scope.transit_mount_id differs from the uuid of mount ${config.transit.mountPath} (${uuid}): key_ids would not match other nodes`);
    }
    return pass(uuid);
  },
};

const transitProfile: CheckDef<DiagContext> = {
  id: "transit.profile",
  title: "Transit key profile",
  needs: ["transit.metadata"],
  run(c) {
    const mount = cfg(c).transit.mountPath;
    const name = cfg(c).transit.keyName;
    if ((c.meta as KeyMetadata).softDeleted === true) {
      return fail(softDeletedAdvice(mount, name));
    }
    try {
      checkKeyProfile(c.meta as KeyMetadata);
    } catch (e) {
      if (e instanceof KeyProfileError) return fail(`${e.message}; create a key with type aes256-gcm96, exportable=false, allow_plaintext_backup=false, deletion_allowed=false`);
      throw e;
    }
    return pass("aes256-gcm96, not exportable, no plaintext backup, deletion not allowed, not derived");
  },
};

const disableUpsert: CheckDef<DiagContext> = {
  id: "transit.disable_upsert",
  title: "mount forbids implicit key creation",
  needs: ["openbao.auth"],
  async run(c) {
    const mount = cfg(c).transit.mountPath;
    let disabled: boolean;
    try {
      disabled = await (c.transit as TransitClient).readDisableUpsert(timeout(c));
    } catch (e) {
      return fail(describe(e, c));
    }
    return disabled ? pass(`${mount}/config/keys disable_upsert=true`) : fail(`mount allows implicit key creation: run 'bao write ${mount}/config/keys disable_upsert=true'`);
  },
};

const versionRestrictions: CheckDef<DiagContext> = {
  id: "transit.version_restrictions",
  title: "key version restrictions",
  needs: ["transit.profile"],
  run(c) {
    const m = c.meta as KeyMetadata;
    if (m.minDecryptionVersion > m.latestVersion) return fail(`min_decryption_version ${m.minDecryptionVersion} is above the latest version ${m.latestVersion}`);
    const floor = Math.max(1, m.minDecryptionVersion, m.minAvailableVersion);
    if (floor > 1) return warn(`versions below ${floor} cannot decrypt: data written with them is unreadable until min_decryption_version is lowered`);
    return pass(`versions 1..${m.latestVersion} decryptable; encrypt with ${m.latestVersion}`);
  },
};

const transitProbe: CheckDef<DiagContext> = {
  id: "transit.probe",
  title: "Transit encrypt/decrypt round trip",
  needs: ["transit.profile"],
  async run(c) {
    const m = c.meta as KeyMetadata;
    const plaintext = new Uint8Array(randomBytes(32));
    const aad = new TextEncoder().encode(doctorProbeAad);
    const transit = c.transit as TransitClient;
    try {
      const enc = await transit.encrypt({ plaintext, associatedData: aad, keyVersion: m.latestVersion }, timeout(c));
      const back = await transit.decrypt({ ciphertext: enc.ciphertext, associatedData: aad }, timeout(c));
      if (back.byteLength !== plaintext.byteLength || !timingSafeEqual(back, plaintext)) return fail("decrypt did not return the plaintext");
      return pass(`version ${m.latestVersion}, AAD ${doctorProbeAad}`);
    } catch (e) {
      return fail(describe(e, c));
    }
  },
};

const keyIdDeterministic: CheckDef<DiagContext> = {
  id: "key_id.deterministic",
  title: "key_id deterministic",
  needs: ["transit.profile"],
  async run(c) {
    const config = cfg(c);
    const first = c.meta as KeyMetadata;
    const scope = keyScopeOf(config);
    const created = first.createdAtUnix.get(first.latestVersion);
    if (created === undefined || created <= 0) return fail(`latest version ${first.latestVersion} has no creation time`);
    let again: KeyMetadata;
    try {
      again = await (c.transit as TransitClient).readKey(timeout(c));
    } catch (e) {
      return fail(describe(e, c));
    }
    const a = deriveKeyId(scope, first.latestVersion, created);
    const b = deriveKeyId(scope, again.latestVersion, again.createdAtUnix.get(again.latestVersion) ?? -1);
    if (!isWellFormedKeyId(a)) return fail("derived key_id is not well-formed");
    if (a !== b) return fail("two metadata reads gave different key_ids (the key changed between reads, or creation times are unstable)");
    return pass(`H(key_id)=${hashValue(a)}`);
  },
};

const stateRegistry: CheckDef<DiagContext> = {
  id: "state.registry",
  title: "key registry (state.path) loads and matches live metadata",
  needs: ["config.validate", "transit.profile", "transit.mount_id"],
  async run(c) {
    const config = cfg(c);
    const meta = c.meta as KeyMetadata;
    const path = config.state.path;
    let loaded;
    try {
      loaded = await createFileRegistryStore(path, { identity: expectedIdentityOf(config) }).load();
      if (loaded.kind === "loaded") validateScope(loaded.state, keyScopeOf(config));
    } catch (e) {
      if (e instanceof RegistryError) return fail(`${path}: ${e.message}`);
      throw e;
    }
    if (loaded.kind === "missing") {
      if (meta.latestVersion === 1) return warn(`no state yet at ${path}: serve will create generation 1 with version 1 active`);
      return fail(`no state at ${path} and the key is rotated (latest_version ${meta.latestVersion}): restore ${path} and ${path}.checkpoint from a backup or another control-plane node`);
    }
    const state = loaded.state;
    let archivedVersions: number[] = [];
    try {
      const obs = observe({ records: state.snapshots, activeKeyId: state.activeKeyId, meta, scope: keyScopeOf(config), nowMs: c.nowMs(), policy: config.rotation, promotionHoldUntilMs: Number.MAX_SAFE_INTEGER, mode: "observe" });
      archivedVersions = obs.archived.map((r) => r.transitVersion);
      const active = state.snapshots.find((r) => r.kubernetesKeyId === state.activeKeyId);
      if (obs.encryptionBlocked) {
        return fail(`min_encryption_version ${meta.minEncryptionVersion} is above the registry's active version ${active?.transitVersion}: Status would be unhealthy and Encrypt refused; lower it, or let the newer version be promoted first`);
      }
    } catch (e) {
      if (e instanceof RotationError) return fail(`live metadata does not validate the registry (${e.reason}): ${e.message}`);
      throw e;
    }
    c.state = state;
    const active = state.snapshots.find((r) => r.kubernetesKeyId === state.activeKeyId);
    const pending = state.snapshots.filter((r) => r.state === "pending").map((r) => r.transitVersion);
    const checkpoint = loaded.checkpoint === "current" ? "" : `; checkpoint ${loaded.checkpoint === "absent" ? "missing" : "behind"}`;
    const archived = archivedAdvice(archivedVersions, meta, config);
    const message = `generation ${state.generation}, active version ${active?.transitVersion}, H(key_id)=${hashValue(state.activeKeyId)}${pending.length > 0 ? `, pending ${pending.join(",")}` : ""}${checkpoint}${archived === undefined ? "" : `; ${archived}`}`;
    return loaded.checkpoint === "current" && archived === undefined ? pass(message) : warn(message);
  },
};

const kmsStatusEncrypt: CheckDef<DiagContext> = {
  id: "kms.status_encrypt",
  title: "in-process KMS Status, Encrypt, Decrypt",
  needs: ["transit.probe", "key_id.deterministic"],
  async run(c) {
    const config = cfg(c);
    // The registry's active version when the node has state, else what a first start would use.
    const all = snapshotsFromMetadata(keyScopeOf(config), c.meta as KeyMetadata);
    const activeKeyId = c.state?.activeKeyId;
    const keys = staticKeySet(activeKeyId === undefined ? all : all.map((s) => ({ ...s, state: s.keyId === activeKeyId ? ("active" as const) : ("retired" as const) })));
    const kms = new KmsService({ transit: c.transit as TransitClient, keys, status: keys, pluginVersion: diagnosticPluginVersion, requestTimeoutMs: config.openbao.timeoutMs });
    const status = kms.status();
    if (status.healthz !== "ok" || !isWellFormedKeyId(status.keyId)) return fail(`Status is ${status.healthz}`);
    const seed = new Uint8Array(randomBytes(32));
    try {
      const enc = await kms.encrypt({ plaintext: seed }, timeout(c));
      if (enc.keyId !== status.keyId) return fail("Encrypt key_id differs from Status key_id");
      const encoder = new TextEncoder();
      const annotations = [...enc.annotations].map(([k, v]) => [k, encoder.encode(v)] as const);
      const back = await kms.decrypt({ ciphertext: enc.ciphertext, keyId: enc.keyId, annotations }, timeout(c));
      if (back.byteLength !== seed.byteLength || !timingSafeEqual(back, seed)) return fail("Decrypt did not return the seed");
      return pass(`ciphertext ${enc.ciphertext.byteLength} bytes, ${enc.annotations.size} annotations`);
    } catch (e) {
      return fail(`${describe(e, c)}${(e as { kind?: string }).kind ? ` (${(e as { kind: string }).kind})` : ""}`);
    }
  },
};

/** The doctor check list; the auth checks take the configured method's id and title. */
export function doctorChecks(): CheckDef<DiagContext>[] {
  return [
    configLoad, configValidate, socketGroup, authLocal, encryptionConfig, openbaoTls, openbaoAuth,
    transitCapabilities, transitMetadata, transitMountId, transitProfile, disableUpsert, transitProbe, keyIdDeterministic, stateRegistry, kmsStatusEncrypt,
  ];
}

/** verify-key: key suitability only (no socket, no EncryptionConfiguration, no encrypt or decrypt). */
export function verifyKeyChecks(): CheckDef<DiagContext>[] {
  return [
    configLoad, configValidate, authLocal, openbaoTls, openbaoAuth,
    transitCapabilities, transitMetadata, transitMountId, transitProfile, disableUpsert, versionRestrictions, keyIdDeterministic,
  ];
}

/**
 * Renames the generic auth checks once the config is known (jwt.local, "OpenBao JWT login"), so
 * the report names the method actually configured. Before that, ids stay auth.local/openbao.auth.
 */
export function withAuthNames(defs: CheckDef<DiagContext>[], ctx: DiagContext): CheckDef<DiagContext>[] {
  return defs.map((d) => {
    if (d === authLocal) {
      return {
        ...d,
        get id() {
          return ctx.auth?.localId ?? d.id;
        },
        get title() {
          return ctx.auth?.localTitle ?? d.title;
        },
      };
    }
    if (d === openbaoAuth) {
      return {
        ...d,
        get title() {
          return ctx.auth?.loginTitle ?? d.title;
        },
      };
    }
    return d;
  });
}

