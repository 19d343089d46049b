// File-system steps of an installation: atomic file writes (temp file + rename, so a symlink
// at the target is replaced, never followed), directories with exact modes, optional chown.

import { chmodSync, closeSync, copyFileSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, lchownSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export type Outcome = "written" | "replaced" | "unchanged";

function sameBytes(path: string, bytes: Uint8Array): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() && st.size === bytes.length && Buffer.compare(readFileSync(path), bytes) === 0;
  } catch {
    return false;
  }
}

/** Creates missing parent directories as root-style 0755 (existing ones are left alone). */
export function ensureParents(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
}

function tempBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.install-${process.pid}`);
}

/** Writes `bytes` to `path` with `mode` unless the same bytes are already there (mode is then fixed). */
export function writeFileAtomic(path: string, bytes: Uint8Array, mode: number): Outcome {
  const existed = lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  if (sameBytes(path, bytes)) {
    chmodSync(path, mode);
    return "unchanged";
  }
  ensureParents(path);
  const tmp = tempBeside(path);
  try {
    const fd = openSync(tmp, "wx", mode);
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return existed ? "replaced" : "written";
}

/** Copies a (large) file to `path` atomically; "unchanged" when it is the same file or the same bytes. */
export function copyFileAtomic(source: string, path: string, mode: number): Outcome {
  const src = statSync(source);
  const dst = statSync(path, { throwIfNoEntry: false });
  if (dst !== undefined && dst.dev === src.dev && dst.ino === src.ino) return "unchanged";
  if (dst !== undefined && dst.size === src.size && sameBytes(path, readFileSync(source))) {
    chmodSync(path, mode);
    return "unchanged";
  }
  ensureParents(path);
  const tmp = tempBeside(path);
  try {
    copyFileSync(source, tmp);
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return dst !== undefined ? "replaced" : "written";
}

/** Creates `path` (and missing parents 0755) and sets exactly `mode`, setgid bit included. */
export function ensureDirectory(path: string, mode: number): Outcome {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st !== undefined && !st.isDirectory()) throw Object.assign(new Error(`${path} exists and is not a directory`), { code: "ENOTDIR" });
  if (st === undefined) mkdirSync(path, { recursive: true, mode: 0o755 });
  chmodSync(path, mode);
  return st === undefined ? "written" : "unchanged";
}

/** chown without following a symlink at `path`. */
export function setOwner(path: string, uid: number, gid: number): void {
  lchownSync(path, uid, gid);
}
