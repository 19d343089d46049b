// Pure value rules shared by the schema: each returns a fixed problem message, or undefined when
// the value is fine. Messages never quote the offending value.
import { isIPv4, isIPv6 } from "node:net";
import { posix } from "node:path";

/** A rule: a fixed problem message, or undefined when the value passes. */
export type Rule = (value: string) => string | undefined;

/** Runs rules in order and returns the first problem. */
export function firstProblem(value: string, rules: ReadonlyArray<Rule>): string | undefined {
  for (const rule of rules) {
    const problem = rule(value);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Empty or whitespace-only → "is required". */
export const required: Rule = (s) => (s.trim() === "" ? "is required" : undefined);

/**
 * Identifier rule (reference §3): no leading/trailing whitespace, no control characters.
 * Ours also refuses every C0 control and DEL, not only NUL/CR/LF/TAB (fail closed; log safety).
 */
export const identifier: Rule = (s) => {
  if (s !== s.trim()) return "must not have leading or trailing whitespace";
  if (/[\u0000-\u001f\u007f]/.test(s)) return "must not contain control characters";
  return undefined;
};

/** Characters that would change a URL's meaning if they reached a request path unescaped. */
const urlUnsafe: Rule = (s) => (/[%?#]/.test(s) ? 'must not contain "%", "?" or "#"' : undefined);

/** Relative-path rule: identifier rule, no leading "/", no "//", no empty, "." or ".." segments. */
export const relativePath: Rule = (s) => {
  const base = identifier(s);
  if (base !== undefined) return base;
  if (s.startsWith("/")) return 'must be a relative path (no leading "/")';
  if (s.includes("//")) return 'must not contain "//"';
  if (s.endsWith("/")) return 'must not end with "/"';
  if (s.split("/").some((seg) => seg === "." || seg === "..")) return 'must not contain "." or ".." segments';
  return urlUnsafe(s);
};

/** One path segment (Transit key name): identifier rule, no "/" or "%", not "." or "..". */
export const singleSegment: Rule = (s) => {
  const base = identifier(s);
  if (base !== undefined) return base;
  if (s.includes("/") || s.includes("%")) return 'must be a single path segment (no "/" or "%")';
  if (s === "." || s === "..") return 'must not be "." or ".."';
  return urlUnsafe(s);
};

/** kube-apiserver refuses KMS provider names containing ":". */
export const noColon: Rule = (s) =>
  s.includes(":") ? 'must not contain ":" (kube-apiserver rejects it in KMS provider names)' : undefined;

/** Absolute filesystem path (identifier rule plus a leading "/"). */
export const absolutePath: Rule = (s) => identifier(s) ?? (s.startsWith("/") ? undefined : "must be an absolute path");

/** Allowed parents of the KMS socket (reference §3.2 socket policy). */
export const allowedSocketDirs: ReadonlyArray<string> = ["/run/openbao-kms", "/var/run/openbao-kms"];

/** Linux sun_path holds 108 bytes including the terminating NUL. */
export const maxSocketPathBytes = 107;

/** Lexically cleans an absolute path like Go's filepath.Clean ("//a/./b/../c/" → "/a/c"). */
export function cleanPath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/** Socket policy: absolute, cleaned parent is an allowed dir or below it, fits in sun_path. */
export const socketPath: Rule = (s) => {
  const base = absolutePath(s);
  if (base !== undefined) return base;
  const parent = posix.dirname(cleanPath(s));
  const inside = allowedSocketDirs.some((dir) => parent === dir || parent.startsWith(dir + "/"));
  if (!inside) return `must be inside ${allowedSocketDirs.join(" or ")}`;
  if (Buffer.byteLength(cleanPath(s)) > maxSocketPathBytes) {
    return `must be at most ${maxSocketPathBytes} bytes long (Unix socket path limit)`;
  }
  return undefined;
};

/** Parses an octal mode string ("0660") to a number; undefined if not 1–6 octal digits. */
export function parseOctalMode(s: string): number | undefined {
  return /^[0-7]{1,6}$/.test(s) ? Number.parseInt(s, 8) : undefined;
}

/** Socket mode: octal, at most 0777, no owner/group exec and no world bits (mode & 0o117 == 0). */
export const socketMode: Rule = (s) => {
  const mode = parseOctalMode(s);
  if (mode === undefined) return 'must be an octal mode string such as "0660"';
  if (mode > 0o777) return "must not exceed 0777";
  if ((mode & 0o117) !== 0) return 'must not allow world access or execute bits (use e.g. "0660")';
  return undefined;
};

const maxGid = 4_294_967_294; // 2^32-1 is the kernel's "no group" marker

/** Group: a decimal GID, or a name of letters, digits, "_", "." and "-" (max 32, not starting with "-" or a digit). */
export const socketGroup: Rule = (s) => {
  if (/^[0-9]+$/.test(s)) return s.length <= 10 && Number(s) <= maxGid ? undefined : "GID is out of range";
  if (/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(s)) return undefined;
  return "must be a group name or a decimal GID";
};

/** OpenBao address: https, a host, optional port, no user info, path, query or fragment. */
export const openBaoAddress: Rule = (s) => {
  const base = identifier(s);
  if (base !== undefined) return base;
  if (/^http:\/\//i.test(s)) return "must use https";
  if (!/^https:\/\/[^/]/i.test(s)) return 'must be an https URL such as "https://openbao.example.internal:8200"';
  const authority = s.slice("https://".length).split(/[/?#]/, 1)[0] ?? "";
  if (authority.includes("@")) return "must not contain user info";
  if (s.includes("?")) return "must not have a query";
  if (s.includes("#")) return "must not have a fragment";
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return 'must be an https URL such as "https://openbao.example.internal:8200"';
  }
  if (url.hostname === "") return "must include a host";
  if (url.pathname !== "/") return "must not have a path";
  return undefined;
};

/** Normalises a valid address to `https://host[:port]` (lower-case host, default port dropped, no trailing slash). */
export function normaliseAddress(s: string): string {
  return `https://${new URL(s).host}`;
}

/** A `host:port` listen address, split (IPv6 hosts without brackets). Port 0 = any free port. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const hostLabel = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const hostnamePattern = new RegExp(`^${hostLabel}(?:\\.${hostLabel})*$`);

/** Parses `host:port` or `[v6]:port` (decimal port, leading zeros allowed); undefined when malformed. */
export function parseListenAddress(s: string): ListenAddress | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(s);
  if (m === null) return undefined;
  const port = Number(m[3]);
  if (port > 65_535) return undefined;
  // Zone ids (fe80::1%eth0) are refused: they name an interface, not an address.
  if (m[1] !== undefined) return isIPv6(m[1]) && !m[1].includes("%") ? { host: m[1], port } : undefined;
  const host = m[2] as string;
  if (/^[0-9.]+$/.test(host)) return isIPv4(host) ? { host, port } : undefined;
  return host.length <= 253 && hostnamePattern.test(host) ? { host, port } : undefined;
}

/** server.metrics_address / server.health_address: `host:port` (an empty string disables the listener; checked by the caller). */
export const listenAddress: Rule = (s) => {
  const port = /:([0-9]+)$/.exec(s)?.[1];
  if (port !== undefined && port.length <= 5 && Number(port) > 65_535) return "port must be between 0 and 65535";
  return parseListenAddress(s) === undefined ? 'must be "host:port" such as "127.0.0.1:8081" (or "" to disable)' : undefined;
};

/**
 * True when two listen addresses would bind the same fixed port on the same host. Port 0 never
 * conflicts; ports compare numerically, IPs after unmapping (::ffff:127.0.0.1 = 127.0.0.1),
 * hostnames case-insensitively (no DNS). Unparsable addresses are left to their own rule.
 */
export function listenAddressesConflict(a: string, b: string): boolean {
  const x = parseListenAddress(a);
  const y = parseListenAddress(b);
  if (x === undefined || y === undefined || x.port === 0 || x.port !== y.port) return false;
  return canonicalHost(x.host) === canonicalHost(y.host);
}

function canonicalHost(host: string): string {
  if (!isIPv6(host)) return host.toLowerCase();
  const v6 = new URL(`http://[${host}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (mapped === null) return v6;
  const hi = Number.parseInt(mapped[1] as string, 16);
  const lo = Number.parseInt(mapped[2] as string, 16);
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join(".");
}
