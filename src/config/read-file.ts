// Reads a config file with a hard size cap and a fixed, non-secret message for each failure.
// The reader is a parameter so tests (and a later file-policy check) can wrap or replace it.
import { constants } from "node:fs";
import { open } from "node:fs/promises";

/** Reads at most `maxBytes + 1` bytes of `path`; rejects with a Node-style `code` on failure. */
export type ReadFileCapped = (path: string, maxBytes: number) => Promise<Uint8Array>;

const refusal = (code: string) => Object.assign(new Error("not a regular file"), { code });

/** Default reader: opens without blocking on FIFOs, refuses non-regular files, reads ≤ maxBytes+1. */
export const readFileCapped: ReadFileCapped = async (path, maxBytes) => {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw refusal("EISDIR");
    if (!stat.isFile()) throw refusal("ENOTFILE");
    const buf = new Uint8Array(maxBytes + 1);
    let filled = 0;
    while (filled < buf.length) {
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await handle.close();
  }
};

const reasons: Record<string, string> = {
  ENOENT: "file not found",
  ENOTDIR: "file not found",
  EACCES: "permission denied reading the file",
  EPERM: "permission denied reading the file",
  EISDIR: "is a directory, not a file",
  ENOTFILE: "is not a regular file",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "path is too long",
};

/** Fixed reason for a read failure (by errno code); never the OS message. */
export function readFailureReason(e: unknown): string {
  const code = e !== null && typeof e === "object" && "code" in e ? String(e.code) : "";
  return reasons[code] ?? (/^[A-Z0-9_]{1,16}$/.test(code) ? `cannot read the file (${code})` : "cannot read the file");
}
