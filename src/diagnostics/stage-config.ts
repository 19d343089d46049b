// Stage 1, the node itself: the config loads and validates (doctor adds file permissions), the
// socket group, the auth method's local credential, and kube-apiserver's EncryptionConfiguration.
import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Env } from "../config/env.ts";
import { ConfigError } from "../config/errors.ts";
import { configFileProblems } from "../config/file-checks.ts";
import { loadConfigFile } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { resolveGroupId } from "../platform/groups.ts";
import { authDiagnosticsFor, type AuthDiagnostics } from "./auth.ts";
import { checkEncryptionConfigText } from "./encryption-config.ts";
import { fail, type Gate, only, pass, skip, warn, withValue } from "./runner.ts";

/** Largest EncryptionConfiguration read. */
export const maxEncryptionConfigBytes = 1024 * 1024;

export interface ConfigStageInput {
  readonly mode: "doctor" | "verify-key";
  readonly configPath: string;
  readonly env: Env;
  readonly encryptionConfigPath: string | undefined;
  readonly nowMs: () => number;
}

export interface ConfigStage {
  /** The validated config (undefined when loading or validating failed: exit 3). */
  readonly config: Config | undefined;
  readonly auth: AuthDiagnostics | undefined;
}

type Loaded = { readonly config: Config } | { readonly problems: ReadonlyArray<{ readonly path: string; readonly message: string }> };

const problemText = (ps: ReadonlyArray<{ readonly path: string; readonly message: string }>) => ps.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join("; ");

export async function configStage(gate: Gate, input: ConfigStageInput): Promise<ConfigStage> {
  const loaded = await gate.check<Loaded>({ id: "config.load", title: "load config" }, async () => {
    try {
      return withValue(pass(input.configPath), { config: await loadConfigFile(input.configPath, { env: input.env }) });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      // Readable TOML that does not validate: config.validate reports the problems.
      if (e.kind === "invalid") return withValue(pass(input.configPath), { problems: e.problems });
      const first = e.problems[0];
      return only(fail(`${input.configPath}: ${first ? (first.line !== undefined ? `line ${first.line}, column ${first.column}: ` : "") + first.message : e.kind}`));
    }
  });
  const config = await gate.checkWith({ id: "config.validate", title: "validate config", needs: ["config.load"] }, [loaded], ([l]) => {
    if (!("config" in l)) return only(fail(problemText(l.problems) || "config is invalid"));
    if (input.mode === "verify-key") return withValue(pass("values and relationships (no filesystem checks)"), l.config);
    const problems = configFileProblems(l.config, input.configPath);
    if (problems.length > 0) return only(fail(problemText(problems)));
    return withValue(pass("values, relationships and file permissions"), l.config);
  });
  const auth = config === undefined ? undefined : authDiagnosticsFor(config);
  if (input.mode === "doctor") await socketGroup(gate, config);
  // The method's own id and title once the config names it (jwt.local, "OpenBao JWT login").
  await gate.checkWith({ id: auth?.localId ?? "auth.local", key: "auth.local", title: auth?.localTitle ?? "local auth material", needs: ["config.validate"] }, [config, auth], ([c, a]) => only(a.localCheck(c, input.nowMs())));
  if (input.mode === "doctor") await encryptionConfig(gate, config, input.encryptionConfigPath);
  return { config, auth };
}

function socketGroup(gate: Gate, config: Config | undefined) {
  return gate.checkWith({ id: "socket.group", title: "socket group", needs: ["config.validate"] }, [config], ([c]) => {
    const group = c.server.socketGroup;
    try {
      const gid = resolveGroupId(group);
      // kube-apiserver reaches the socket through its group: the directory needs group search.
      const dir = dirname(c.server.socketPath);
      const st = statSync(dir, { throwIfNoEntry: false });
      const reachable = st !== undefined && ((st.gid === gid && (st.mode & 0o010) !== 0) || (st.mode & 0o001) !== 0);
      if (!reachable) return only(warn(`gid ${gid}, but ${dir} does not let group ${group} search it, so kube-apiserver cannot reach the socket: chgrp ${group} ${dir} && chmod 2750 ${dir}`));
      return only(pass(`${group} → gid ${gid}; ${dir} is searchable by the group`));
    } catch (e) {
      return only(fail(`${e instanceof Error ? e.message : "cannot resolve the group"}: create it (systemd-sysusers) or set server.socket_group`));
    }
  });
}

function encryptionConfig(gate: Gate, config: Config | undefined, path: string | undefined) {
  return gate.checkWith({ id: "kubernetes.encryption_config", title: "Kubernetes EncryptionConfiguration", needs: ["config.validate"] }, [config], ([c]) => {
    if (path === undefined) return only(skip("not checked: pass --encryption-config FILE"));
    let text: string;
    try {
      if (statSync(path).size > maxEncryptionConfigBytes) return only(fail(`${path} is larger than ${maxEncryptionConfigBytes} bytes`));
      text = readFileSync(path, "utf8");
    } catch {
      return only(fail(`cannot read ${path}`));
    }
    const r = checkEncryptionConfigText(text, { providerName: c.transit.keyIdScope.providerName, socketPath: c.server.socketPath });
    if (r.problems.length > 0) return only(fail(r.problems.join("; ")));
    if (r.identityFallback) {
      return only(warn(`kms provider matches; an identity provider is present (${r.order === "identity-first" ? "phase 1: reads only, writes stay plaintext" : "plaintext fallback"}): remove it once every Secret is re-encrypted`));
    }
    return only(pass("kms v2 provider matches name and socket"));
  });
}
