// Safe preparation of the KMS socket path: refuse unsafe parents, never steal a live socket,
// reclaim a provably dead one once, and fail closed on anything indeterminate.

import { lstatSync, readFileSync, realpathSync, unlinkSync } from "node:fs";
import { connect } from "node:net";
import { basename, dirname, join } from "node:path";

export type SocketErrorKind =
  | "parent_missing"
  | "parent_unsafe"
  | "path_not_socket"
  | "socket_in_use"
  | "socket_state_unknown";

export class SocketError extends Error {
  override readonly name = "SocketError" as const;
  constructor(readonly kind: SocketErrorKind, message: string) {
    super(message);
  }
}

export type SocketProbe = "live" | "dead" | "absent" | "unknown";

/** Connects once to a Unix socket: live on connect, dead on ECONNREFUSED, unknown otherwise. */
export function probeSocket(path: string, timeoutMs = 1000): Promise<SocketProbe> {
  return new Promise((resolve) => {
    const sock = connect({ path });
    const done = (r: SocketProbe) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done("unknown"), timeoutMs);
    sock.once("connect", () => done("live"));
    sock.once("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" ? "dead" : e.code === "ENOENT" ? "absent" : "unknown"));
  });
}

/** How an existing socket is judged (replaceable in tests). */
export interface SocketProbes {
  readonly connect: (path: string) => Promise<SocketProbe>;
  /** True when a live socket is bound at the path, false when none is, undefined when unknown. */
  readonly bound: (path: string) => boolean | undefined;
}

export const systemProbes: SocketProbes = { connect: (p) => probeSocket(p), bound: (p) => unixSocketBound(p) };

/**
 * Checks the parent directory and any existing path before bind. Returns true when a stale
 * socket was removed. Throws SocketError; never touches anything when it throws.
 */
export async function prepareSocketPath(path: string, euid = process.geteuid?.() ?? 0, probes: SocketProbes = systemProbes): Promise<boolean> {
  const parent = dirname(path);
  let st;
  try {
    st = lstatSync(parent);
  } catch {
    throw new SocketError("parent_missing", `socket directory ${parent} does not exist`);
  }
  if (st.isSymbolicLink() || !st.isDirectory()) throw new SocketError("parent_unsafe", `socket directory ${parent} must be a real directory, not a symlink`);
  if ((st.mode & 0o022) !== 0) throw new SocketError("parent_unsafe", `socket directory ${parent} must not be group- or world-writable`);
  if (st.uid !== euid) throw new SocketError("parent_unsafe", `socket directory ${parent} must be owned by uid ${euid}`);

  let existing;
  try {
    existing = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new SocketError("socket_state_unknown", `cannot inspect ${path}`);
  }
  if (!existing.isSocket()) throw new SocketError("path_not_socket", `${path} exists and is not a socket; refusing to replace it`);
  const probe = await probes.connect(path);
  if (probe === "live") throw new SocketError("socket_in_use", `${path} is in use by a running process; refusing to start a second instance`);
  if (probe === "absent") return false;
  if (probe !== "dead") throw new SocketError("socket_state_unknown", `cannot tell whether ${path} is in use; refusing to touch it`);
  // Bun reports other connect failures as ECONNREFUSED too (a listener with a full backlog: EAGAIN;
  // a datagram socket: EPROTOTYPE), so a refusal alone does not prove the socket dead: the kernel's
  // table of live sockets must not list the path either.
  const bound = probes.bound(path);
  if (bound === true) throw new SocketError("socket_in_use", `${path} is in use by a running process; refusing to start a second instance`);
  if (bound === undefined) throw new SocketError("socket_state_unknown", `cannot tell whether ${path} is in use; refusing to touch it`);
  // Re-check it is still the same socket file before removing it.
  const again = lstatSync(path, { throwIfNoEntry: false });
  if (again === undefined) return false;
  if (!again.isSocket() || again.ino !== existing.ino || again.dev !== existing.dev) {
    throw new SocketError("socket_state_unknown", `${path} changed while being inspected; refusing to touch it`);
  }
  unlinkSync(path);
  return true;
}

/**
 * Whether any live socket (listening, connected or datagram) is bound at `path` (same directory
 * after resolving symlinks, same name), per /proc/net/unix of this network namespace; undefined
 * when that cannot be read. A socket file whose owner has exited is not listed.
 */
export function unixSocketBound(path: string, table?: string): boolean | undefined {
  let text = table;
  let want: string;
  try {
    text ??= readFileSync("/proc/net/unix", "utf8");
    want = join(realpathSync(dirname(path)), basename(path));
  } catch {
    return undefined;
  }
  const name = basename(path);
  for (const line of text.split("\n").slice(1)) {
    // Num RefCount Protocol Flags Type St Inode Path (the path may contain spaces)
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const bound = fields.slice(7).join(" ");
    if (bound === path) return true;
    if (basename(bound) !== name || !bound.startsWith("/")) continue;
    try {
      if (join(realpathSync(dirname(bound)), name) === want) return true;
    } catch {
      // A listed directory that no longer resolves is not ours.
    }
  }
  return false;
}
