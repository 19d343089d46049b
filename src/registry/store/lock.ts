// The state lock (reference §4.7): an exclusive, non-blocking flock(2) on `<state>.lock`, held
// by `serve` for its whole life and by `retire-versions`/`restore-versions --apply` while they
// write. The same advisory lock the Go implementation takes, so the two also exclude each
// other. Node has no flock, so it is called through bun:ffi on the C library (glibc or musl, amd64 or
// arm64, found at run time); if that is impossible the lock fails closed. The kernel drops the lock when
// the process dies, so a crash never leaves the state locked.

import { closeSync, constants, fstatSync, lstatSync, openSync } from "node:fs";
import { basename, dirname, isAbsolute } from "node:path";
import { RegistryError } from "../types.ts";

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const EWOULDBLOCK = 11;
const EINTR = 4;
/** Retries of flock(2) after EINTR before giving up as an io error. */
const maxEintrRetries = 100;

interface Libc {
  flock(fd: number, op: number): number;
  errno(): number;
}

let libc: Libc | undefined;

async function loadLibc(): Promise<Libc> {
  if (libc !== undefined) return libc;
  const { dlopen, FFIType, read } = await import("bun:ffi");
  let firstError: unknown;
  let needsJit = false;
  if (process.platform !== "linux") throw new RegistryError("io", `the state lock needs Linux flock(2) (platform ${process.platform}): refusing to run without it`);
  for (const name of libcCandidates()) {
    try {
      const lib = dlopen(name, {
        flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
        __errno_location: { args: [], returns: FFIType.ptr },
      });
      libc = {
        flock: (fd, op) => lib.symbols.flock(fd, op),
        errno: () => {
          const p = lib.symbols.__errno_location();
          return p === null ? -1 : read.i32(p, 0);
        },
      };
      return libc;
    } catch (e) {
      firstError ??= e;
      // bun:ffi compiles its call stubs at run time; without the JIT it refuses to load anything.
      if (e instanceof Error && /requires the JIT/i.test(e.message)) needsJit = true;
    }
  }
  if (needsJit) {
    throw new RegistryError(
      "io",
      "the state lock calls flock(2) through bun:ffi, which needs the JavaScript JIT: remove MemoryDenyWriteExecute=yes (or BUN_JSC_useJIT=0) from this service; refusing to run without the state lock",
    );
  }
  throw new RegistryError("io", `cannot load the C library for flock(2) (${firstError instanceof Error ? firstError.name : "unknown"}): refusing to run without the state lock`);
}

/** glibc first, then musl (whose libc is its dynamic loader), for the running architecture. */
function libcCandidates(): string[] {
  const arch = process.arch === "arm64" ? "aarch64" : process.arch === "x64" ? "x86_64" : process.arch;
  return ["libc.so.6", `libc.musl-${arch}.so.1`, `/lib/ld-musl-${arch}.so.1`, "libc.so"];
}

export interface StateLock {
  /** Unlocks and closes. The lock file stays in place. Idempotent. */
  release(): void;
}

/**
 * Takes `<statePath>.lock`. Throws RegistryError "locked" when another process holds it, and
 * "permission" when the directory or lock file is not safe.
 */
export async function acquireStateLock(statePath: string): Promise<StateLock> {
  if (!isAbsolute(statePath)) throw new RegistryError("permission", "state.path must be absolute");
  const dir = dirname(statePath);
  const lockPath = `${statePath}.lock`;
  const euid = process.geteuid?.() ?? -1;
  const d = safeLstat(dir);
  if (d === undefined || !d.isDirectory()) throw new RegistryError("permission", `state directory ${dir} does not exist or is not a directory`);
  if ((d.mode & 0o022) !== 0) throw new RegistryError("permission", `state directory ${dir} must not be group- or world-writable`);
  if (d.uid !== euid) {
    throw new RegistryError(
      "permission",
      `state directory ${dir} is owned by uid ${d.uid}, not by this process (uid ${euid}): run as the service user (e.g. runuser -u openbao-kms -- bao-kms-provider …)`,
    );
  }
  const f = await loadLibc();
  let fd: number;
  try {
    fd = openSync(lockPath, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw new RegistryError("permission", `lock file ${lockPath} is a symlink`);
    throw new RegistryError("io", `cannot open lock file ${lockPath} (${code ?? "error"})`, { errno: code });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new RegistryError("permission", `lock file ${lockPath} is not a regular file`);
    if ((st.mode & 0o077) !== 0) throw new RegistryError("permission", `lock file ${lockPath} must have mode 0600 (no group or other bits)`);
    if (st.uid !== euid) throw new RegistryError("permission", `lock file ${lockPath} is owned by uid ${st.uid}, not by this process (uid ${euid})`);
    if (st.nlink !== 1) throw new RegistryError("permission", `lock file ${lockPath} has ${st.nlink} links (want exactly 1)`);
    for (let attempt = 1; ; attempt++) {
      if (f.flock(fd, LOCK_EX | LOCK_NB) === 0) break;
      const errno = f.errno();
      // A non-blocking flock is interrupted only by a signal arriving right then: retry, boundedly.
      if (errno === EINTR && attempt < maxEintrRetries) continue;
      if (errno === EWOULDBLOCK) {
        throw new RegistryError(
          "locked",
          `state is locked by another process (${basename(lockPath)} in ${dir}): is another bao-kms-provider serve, or retire-versions/restore-versions --apply, running on this state?`,
        );
      }
      throw new RegistryError("io", `flock on ${lockPath} failed (errno ${errno}); advisory locks must work on the state filesystem`);
    }
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      try {
        f.flock(fd, LOCK_UN);
      } finally {
        closeSync(fd);
      }
    },
  };
}

function safeLstat(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
