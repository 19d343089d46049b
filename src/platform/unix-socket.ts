// Safe preparation of the KMS socket path: refuse unsafe parents, never steal a live socket,
// reclaim a provably dead one once, and fail closed on anything indeterminate.

import { lstatSync, unlinkSync } from "node:fs";
import { connect } from "node:net";
import { dirname } from "node:path";

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

/**
 * Checks the parent directory and any existing path before bind. Returns true when a stale
 * socket was removed. Throws SocketError; never touches anything when it throws.
 */
export async function prepareSocketPath(path: string, euid = process.geteuid?.() ?? 0): Promise<boolean> {
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
  const probe = await probeSocket(path);
  if (probe === "live") throw new SocketError("socket_in_use", `${path} is in use by a running process; refusing to start a second instance`);
  if (probe === "absent") return false;
  if (probe !== "dead") throw new SocketError("socket_state_unknown", `cannot tell whether ${path} is in use; refusing to touch it`);
  // Re-check it is still the same socket file before removing it.
  const again = lstatSync(path, { throwIfNoEntry: false });
  if (again === undefined) return false;
  if (!again.isSocket() || again.ino !== existing.ino || again.dev !== existing.dev) {
    throw new SocketError("socket_state_unknown", `${path} changed while being inspected; refusing to touch it`);
  }
  unlinkSync(path);
  return true;
}
