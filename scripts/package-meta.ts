// What every package build shares: the identity of the build (version, commit, SOURCE_DATE_EPOCH
// from the commit time), the maintainer line, and a subprocess runner that fails loudly.

import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };

export type Arch = "x64" | "arm64";
export const repoRoot = join(import.meta.dir, "..");
export const maintainer = "bao-kms-provider maintainers <maintainers@bao-kms-provider.invalid>";

export interface PackageMeta {
  readonly version: string;
  readonly commit: string;
  /** SOURCE_DATE_EPOCH: every timestamp in every artifact. */
  readonly epoch: number;
  readonly arch: Arch;
}

async function git(args: string[]): Promise<string | undefined> {
  const p = Bun.spawn(["git", ...args], { cwd: repoRoot, stdout: "pipe", stderr: "ignore" });
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  return code === 0 ? out.trim() : undefined;
}

/** Version from package.json; commit and epoch from git (SOURCE_DATE_EPOCH wins when set). */
export async function buildMeta(): Promise<Omit<PackageMeta, "arch"> & { dirty: boolean }> {
  const commit = (await git(["rev-parse", "HEAD"])) ?? "unknown";
  const raw = process.env.SOURCE_DATE_EPOCH ?? (await git(["log", "-1", "--format=%ct"])) ?? "0";
  if (!/^[0-9]+$/.test(raw)) throw new Error(`SOURCE_DATE_EPOCH must be a number of seconds, got "${raw}"`);
  const dirty = ((await git(["status", "--porcelain", "--untracked-files=no"])) ?? "") !== "";
  return { version: pkg.version, commit, epoch: Number(raw), dirty };
}

/** Runs a command (stdout/stderr captured); throws with its output when it exits non-zero. */
export async function run(cmd: string[], env: Record<string, string> = {}, cwd = repoRoot): Promise<string> {
  const p = Bun.spawn(cmd, { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, LC_ALL: "C", TZ: "UTC", ...env } });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited ${code}\n${out}${err}`);
  return out;
}
