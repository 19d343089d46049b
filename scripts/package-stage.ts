// Lays out one package's payload in a staging directory from the layout table the binary
// embeds (src/install/layout.ts), with exact modes and every mtime set to SOURCE_DATE_EPOCH,
// so dpkg-deb and rpmbuild see identical trees on every build of a commit.

import { chmodSync, copyFileSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { binaryMode, binaryPath, docDir, systemFiles } from "../src/install/layout.ts";

export interface StagedFile {
  /** Absolute path on the target system. */
  readonly path: string;
  readonly mode: number;
}

export interface Stage {
  readonly root: string;
  /** Every regular file of the payload, sorted by path. */
  readonly files: readonly StagedFile[];
  /** Directories the package owns (its own doc dir), sorted. */
  readonly ownedDirs: readonly string[];
}

/** Package-specific extra files (e.g. the Debian copyright), as bytes at absolute paths. */
export type Extra = { readonly path: string; readonly mode: number; readonly bytes: Uint8Array };

export function stagePayload(root: string, binary: string, extras: readonly Extra[], epoch: number): Stage {
  const files: StagedFile[] = [];
  const put = (path: string, mode: number, write: (dest: string) => void) => {
    const dest = join(root, path);
    mkdirSync(dirname(dest), { recursive: true, mode: 0o755 });
    write(dest);
    chmodSync(dest, mode);
    files.push({ path, mode });
  };
  put(binaryPath, binaryMode, (d) => copyFileSync(binary, d));
  for (const f of systemFiles) put(f.path, f.mode, (d) => writeFileSync(d, f.bytes));
  for (const e of extras) put(e.path, e.mode, (d) => writeFileSync(d, e.bytes));
  normaliseTree(root, epoch);
  chmodSync(root, 0o755);
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { root, files, ownedDirs: [docDir] };
}

/** Directories 0755 and every mtime = epoch, depth first (the root's own mode is the caller's). */
export function normaliseTree(dir: string, epoch: number): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      normaliseTree(p, epoch);
      chmodSync(p, 0o755);
    }
    utimesSync(p, epoch, epoch);
  }
  utimesSync(dir, epoch, epoch);
}
