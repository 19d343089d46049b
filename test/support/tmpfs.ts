// A small tmpfs for tests that need a file system to fill (needs root, as every e2e test does).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Mounts a tmpfs of `size` (e.g. "128k") on `dir`, mode 0750; throws naming why it could not. */
export function mountTmpfs(dir: string, size = "128k"): void {
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  const r = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", `size=${size},mode=0750`, "tmpfs", dir], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`mount tmpfs on ${dir} failed (needs root): ${r.stderr.toString().trim()}`);
}

/** Writes filler files (filler-N) until the file system refuses (ENOSPC). */
export function fillDisk(dir: string): void {
  const chunk = new Uint8Array(4096);
  for (let i = 0; i < 100_000; i++) {
    try {
      writeFileSync(join(dir, `filler-${i}`), chunk);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOSPC") return;
      throw e;
    }
  }
  throw new Error(`could not fill ${dir}`);
}
