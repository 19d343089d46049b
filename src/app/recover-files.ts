// Where `recover` writes: a new directory, 0700, that must not exist yet (so nothing older is
// mixed in or overwritten), holding <resource>/<namespace>/<name>.yaml (the manifest) and
// <name>.pb or .json (the stored bytes, decrypted), each 0600 and created exclusively.

import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { safeSegment } from "../k8s/keys.ts";
import type { RecoveredObject } from "./recover.ts";

export class RecoveryDirError extends Error {
  override name = "RecoveryDirError";
}

/** Creates `dir` with mode 0700; refuses one that exists (or a missing parent). */
export function createRecoveryDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new RecoveryDirError(`${dir} already exists; recover writes only into a new directory`);
    if (code === "ENOENT") throw new RecoveryDirError(`the parent of ${dir} does not exist`);
    throw new RecoveryDirError(`cannot create ${dir} (${code ?? "error"})`);
  }
  chmodSync(dir, 0o700); // whatever the umask
}

function writeExclusive(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, "wx", 0o600);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The files written for one object, relative to the recovery directory. */
export function writeRecovered(dir: string, o: RecoveredObject): string[] {
  const segments = [o.path.resource, ...o.path.rest].map(safeSegment);
  const stem = join(dir, ...segments);
  const written: string[] = [];
  // Kubernetes protobuf, or JSON for kinds kube-apiserver stores that way (custom resources).
  const ext = o.stored[0] === 0x7b ? "json" : "pb";
  writeExclusive(`${stem}.${ext}`, o.stored);
  written.push(`${segments.join("/")}.${ext}`);
  if (o.manifest !== undefined) {
    writeExclusive(`${stem}.yaml`, o.manifest);
    written.push(`${segments.join("/")}.yaml`);
  }
  return written;
}
