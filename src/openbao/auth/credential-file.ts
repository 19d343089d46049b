// Reads a credential file (JWT, AppRole secret/role ID, OAuth2 client secret) with the file
// safety rules: absolute path, regular file, not a symlink, no forbidden mode bits, the same
// inode before and after open (checked with fstat on the opened descriptor), bounded size.
// Errors name the path and the rule, never the content.

import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from "node:fs";
import { isAbsolute } from "node:path";
import { AuthError } from "./errors.ts";

export interface CredentialFileRule {
  /** "JWT file", "secret_id_file", … (used in messages). */
  readonly what: string;
  readonly maxBytes: number;
  /** Mode bits that must be clear, e.g. 0o037 (no group write/exec, nothing for others). */
  readonly forbiddenModeBits: number;
}

/** JWT, secret ID and role ID files (reference §4.2: mask 0o037, at most 1 MiB). */
export const jwtFileRule = { what: "JWT file", maxBytes: 1024 * 1024, forbiddenModeBits: 0o037 } as const;
export const secretIdFileRule = { what: "AppRole secret_id_file", maxBytes: 64 * 1024, forbiddenModeBits: 0o037 } as const;
export const roleIdFileRule = { what: "AppRole role_id_file", maxBytes: 64 * 1024, forbiddenModeBits: 0o037 } as const;
/** OAuth2 client secret (reference §3.3: mask 0o137, at most 64 KiB). */
export const clientSecretFileRule = { what: "OAuth2 client_secret_file", maxBytes: 64 * 1024, forbiddenModeBits: 0o137 } as const;

const fail = (rule: CredentialFileRule, path: string, why: string, cause?: unknown): never => {
  throw new AuthError("credential_file_unreadable", `${rule.what} ${path} ${why}`, { kind: "unknown", cause: cause === undefined ? undefined : safeCause(cause) });
};

// Only the errno code survives: a raw error could carry anything.
function safeCause(cause: unknown): Error {
  const code = (cause as { code?: unknown }).code;
  return new Error(typeof code === "string" ? code : "read failed");
}

function checkStats(rule: CredentialFileRule, path: string, st: Stats): void {
  if (st.isSymbolicLink()) fail(rule, path, "is a symbolic link; point the config at the file itself");
  if (!st.isFile()) fail(rule, path, "is not a regular file");
  if ((st.mode & rule.forbiddenModeBits) !== 0) {
    const mode = (st.mode & 0o7777).toString(8).padStart(4, "0");
    fail(rule, path, `has mode ${mode}; it must not have any of the bits ${rule.forbiddenModeBits.toString(8).padStart(4, "0")} (use 0600 or 0640)`);
  }
  if (st.size > rule.maxBytes) fail(rule, path, `is larger than ${rule.maxBytes} bytes`);
}

/**
 * Reads the whole file as UTF-8 after every check; throws AuthError("credential_file_unreadable").
 * `lstat` is replaceable only so a test can swap the file between the check and the open.
 */
export function readCredentialFile(path: string, rule: CredentialFileRule, lstat: (p: string) => Stats = lstatSync): string {
  if (!isAbsolute(path)) fail(rule, path, "must be an absolute path");
  let before: Stats;
  try {
    before = lstat(path);
  } catch (e) {
    return fail(rule, path, `cannot be read (${(e as { code?: string }).code ?? "error"})`, e);
  }
  checkStats(rule, path, before);
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink swapped in after lstat fails here instead of being followed.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    return fail(rule, path, `cannot be opened (${(e as { code?: string }).code ?? "error"})`, e);
  }
  try {
    const after = fstatSync(fd);
    if (after.ino !== before.ino || after.dev !== before.dev) fail(rule, path, "changed while it was being opened; try again");
    checkStats(rule, path, after);
    const buf = Buffer.alloc(rule.maxBytes + 1);
    let off = 0;
    for (;;) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
      if (off > rule.maxBytes) fail(rule, path, `is larger than ${rule.maxBytes} bytes`);
      if (off === buf.length) break;
    }
    return buf.subarray(0, off).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** The file's single value: trimmed of surrounding whitespace, not empty, no inner whitespace. */
export function readSingleTokenFile(path: string, rule: CredentialFileRule): string {
  const text = readCredentialFile(path, rule).trim();
  if (text === "") fail(rule, path, "is empty");
  if (/\s/.test(text)) fail(rule, path, "must hold a single value without whitespace");
  return text;
}
