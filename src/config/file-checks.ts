// Filesystem checks on the files a config names (reference §3.2 phase 4): what `serve`, `doctor`
// and `config check` add to the plain validation. Every problem is collected; messages name the
// key and the rule, never file contents. Pure apart from lstat (injectable for tests).
import { X509Certificate } from "node:crypto";
import { type Stats, lstatSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { ConfigProblem } from "./errors.ts";
import type { Config } from "./schema.ts";

/** Permission bits a file must not have, by role (reference §3.2 table). */
export const fileModeMasks = {
  config: 0o037,
  caCert: 0o022,
  jwtFile: 0o037,
  // The same bits the login itself refuses (src/openbao/auth/credential-file.ts).
  roleIdFile: 0o037,
  secretIdFile: 0o037,
  clientSecretFile: 0o137,
} as const;

export type Lstat = (path: string) => Stats | undefined;

const defaultLstat: Lstat = (path) => lstatSync(path, { throwIfNoEntry: false });

/** One regular-file check: absolute, exists, not a symlink, regular, no bits from `mask`. */
export function regularFileProblem(path: string, mask: number, lstat: Lstat = defaultLstat): string | undefined {
  if (!path.startsWith("/")) return "must be an absolute path";
  let st: Stats | undefined;
  try {
    st = lstat(path);
  } catch {
    return "must exist and be readable";
  }
  if (st === undefined) return "must exist and be readable";
  if (st.isSymbolicLink()) return "must not be a symlink";
  if (!st.isFile()) return "must be a regular file";
  const bad = st.mode & mask;
  if (bad !== 0) return `file permissions unsafe: mode must not include 0${mask.toString(8).padStart(3, "0")} (has 0${(st.mode & 0o777).toString(8).padStart(3, "0")})`;
  return undefined;
}

/** Socket parent directory: exists, a real directory, not group/world-writable; an existing target must be a socket. */
export function socketPathProblems(socketPath: string, lstat: Lstat = defaultLstat): ConfigProblem[] {
  const parent = dirname(socketPath);
  let st: Stats | undefined;
  try {
    st = lstat(parent);
  } catch {
    st = undefined;
  }
  if (st === undefined) return [{ path: "server.socket_path", message: `parent directory ${parent} must exist` }];
  if (st.isSymbolicLink()) return [{ path: "server.socket_path", message: `parent directory ${parent} must not be a symlink` }];
  if (!st.isDirectory()) return [{ path: "server.socket_path", message: `parent ${parent} must be a directory` }];
  if ((st.mode & 0o022) !== 0) return [{ path: "server.socket_path", message: `parent directory ${parent} must not be group- or world-writable` }];
  let target: Stats | undefined;
  try {
    target = lstat(socketPath);
  } catch {
    return [{ path: "server.socket_path", message: "cannot inspect the socket path" }];
  }
  if (target !== undefined && (target.isSymbolicLink() || !target.isSocket())) {
    return [{ path: "server.socket_path", message: "exists and is not a Unix socket" }];
  }
  return [];
}

/**
 * Key registry directory (reference §4.5, §4.7): exists, a real directory, not group/world-
 * writable. The state file itself may be absent (first start); when present it must be a
 * regular file without the bits 0o137. Ownership is checked by serve itself (the lock), since
 * `config check` and `doctor` usually run as root, not as the service user.
 */
export function statePathProblems(statePath: string, lstat: Lstat = defaultLstat): ConfigProblem[] {
  const parent = dirname(statePath);
  let st: Stats | undefined;
  try {
    st = lstat(parent);
  } catch {
    st = undefined;
  }
  if (st === undefined) return [{ path: "state.path", message: `directory ${parent} must exist` }];
  if (st.isSymbolicLink()) return [{ path: "state.path", message: `directory ${parent} must not be a symlink` }];
  if (!st.isDirectory()) return [{ path: "state.path", message: `${parent} must be a directory` }];
  if ((st.mode & 0o022) !== 0) return [{ path: "state.path", message: `directory ${parent} must not be group- or world-writable` }];
  let target: Stats | undefined;
  try {
    target = lstat(statePath);
  } catch {
    return [{ path: "state.path", message: "cannot inspect the state file" }];
  }
  if (target === undefined) return [];
  const p = regularFileProblem(statePath, 0o137, lstat);
  return p === undefined ? [] : [{ path: "state.path", message: p }];
}

/**
 * Every filesystem problem of a loaded config. `configPath` is the file it came from ("" when it
 * came from text, then the config file itself is not checked).
 */
export function configFileProblems(
  cfg: Config,
  configPath: string,
  lstat: Lstat = defaultLstat,
  opts: { readonly credentials?: boolean } = {},
  readCa: (path: string) => string = readSmallText,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const file = (key: string, path: string, mask: number) => {
    const p = regularFileProblem(path, mask, lstat);
    if (p !== undefined) problems.push({ path: key, message: p });
  };
  if (configPath !== "") file("", configPath, fileModeMasks.config);
  file("openbao.ca_cert_file", cfg.openbao.caCertFile, fileModeMasks.caCert);
  if (!problems.some((p) => p.path === "openbao.ca_cert_file")) {
    const p = caBundleProblem(cfg.openbao.caCertFile, readCa);
    if (p !== undefined) problems.push({ path: "openbao.ca_cert_file", message: p });
  }
  const { jwt, approle } = cfg.auth;
  if (opts.credentials === false) {
    // serve: credential files are re-read (and judged) at every login, inside the bootstrap retry.
  } else if (cfg.auth.method === "jwt" && jwt !== undefined) {
    if (jwt.source === "file") file("auth.jwt.jwt_file", jwt.jwtFile, fileModeMasks.jwtFile);
    if (jwt.source === "oauth2" && jwt.oauth2 !== undefined) {
      file("auth.jwt.oauth2.client_secret_file", jwt.oauth2.clientSecretFile, fileModeMasks.clientSecretFile);
      if (jwt.oauth2.caCertFile !== "") file("auth.jwt.oauth2.ca_cert_file", jwt.oauth2.caCertFile, fileModeMasks.caCert);
    }
  }
  if (opts.credentials !== false && cfg.auth.method === "approle" && approle !== undefined) {
    if (approle.roleIdFile !== "") file("auth.approle.role_id_file", approle.roleIdFile, fileModeMasks.roleIdFile);
    file("auth.approle.secret_id_file", approle.secretIdFile, fileModeMasks.secretIdFile);
  }
  problems.push(...socketPathProblems(cfg.server.socketPath, lstat));
  problems.push(...statePathProblems(cfg.state.path, lstat));
  // "file permissions unsafe…" reads "config file permissions unsafe…", not "config file file …".
  return problems.map((p) => (p.path === "" ? { path: "", message: `config ${p.message.startsWith("file ") ? "" : "file "}${p.message}` } : p));
}

/** The CA bundle's size cap (the same as the OpenBao client's, src/openbao/from-config.ts). */
const maxCaBundleBytes = 1024 * 1024;

function readSmallText(path: string): string {
  if (statSync(path).size > maxCaBundleBytes) throw Object.assign(new Error("too large"), { code: "EFBIG" });
  return readFileSync(path, "utf8");
}

/**
 * The CA bundle must hold at least one certificate, and every PEM certificate block in it must
 * parse: a file of something else would otherwise pass here and surface at start-up as
 * "cannot reach OpenBao", sending the operator to the network instead of the file.
 */
export function caBundleProblem(path: string, read: (path: string) => string = readSmallText): string | undefined {
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    return (e as { code?: string }).code === "EFBIG" ? `must be at most ${maxCaBundleBytes} bytes` : "must exist and be readable";
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      return `certificate ${i + 1} of ${blocks.length} does not parse as X.509`;
    }
  }
  return undefined;
}

