// Shared by the packaging tests: builds the packages once per test process into a temp dir
// (`bun run package`'s own code), runs commands asynchronously (the emulator lives in this
// process), and reads the file lists of a .deb (dpkg-deb -c) and a .rpm (rpm -qlp --dump).

import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageAll, type Artifacts } from "../../scripts/package.ts";
import type { Arch } from "../../scripts/package-meta.ts";

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (bounded by timeoutMs, then SIGKILL); never throws on exit codes. */
export async function sh(cmd: readonly string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; stdin?: string } = {}): Promise<Run> {
  const p = Bun.spawn([...cmd], {
    cwd: opts.cwd ?? "/",
    stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
    stdout: "pipe",
    stderr: "pipe",
    env: opts.env ?? { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" },
  });
  const timer = setTimeout(() => p.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Like sh, but throws (with the output) unless the command exits 0; returns stdout. */
export async function must(cmd: readonly string[], opts: Parameters<typeof sh>[1] = {}): Promise<string> {
  const r = await sh(cmd, opts);
  if (r.code !== 0) throw new Error(`${cmd.join(" ")} exited ${r.code}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const prefix = "bkp-pkgtest-";
/** True while a process with this pid exists (signal 0 probes without sending anything). */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Removes artifact dirs left by earlier test processes that are gone (a run killed mid-way). */
function removeStale(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(name.slice(prefix.length).split("-")[0]);
    if (name.startsWith(prefix) && Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

const made: string[] = [];

/** A fresh temp dir, removed by removeWorkDirs() (or by removeStale() once this process is gone). */
export function workDir(tag: string): string {
  const dir = join(tmpdir(), `${prefix}${process.pid}-${tag}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  made.push(dir);
  return dir;
}

/** Removes every dir workDir() made in this process (the packages included). */
export function removeWorkDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Builds amd64 and arm64 .deb/.rpm once (into a temp dir) and returns them; with a signing key file, also the repositories (--repo). */
export async function buildPackages(arches: Arch[] = ["x64", "arm64"], signingKey?: string): Promise<Artifacts> {
  removeStale();
  const repo = signingKey === undefined ? {} : { repo: { dir: workDir("repo"), key: { file: signingKey } } };
  return packageAll({ arches, outdir: workDir(arches.join("+")), log: () => {}, ...repo });
}

export function removeArtifacts(a: Artifacts | undefined): void {
  if (a !== undefined && existsSync(a.dir)) rmSync(a.dir, { recursive: true, force: true });
}

export interface Entry {
  /** Absolute path on the target system, no trailing slash ("/" for the root). */
  readonly path: string;
  readonly type: "file" | "dir" | "symlink" | "other";
  /** Permission bits with set-id and sticky bits. */
  readonly mode: number;
  readonly owner: string;
  readonly group: string;
}

const symbolicBits = (s: string): number => {
  // s = the 9 characters after the type letter, e.g. "rwxr-sr-x"
  let m = 0;
  const bit = (i: number, on: number) => (s[i] !== "-" && s[i] !== "S" && s[i] !== "T" ? on : 0);
  m |= bit(0, 0o400) | bit(1, 0o200) | bit(2, 0o100) | bit(3, 0o40) | bit(4, 0o20) | bit(5, 0o10) | bit(6, 0o4) | bit(7, 0o2) | bit(8, 0o1);
  if (s[2] === "s" || s[2] === "S") m |= 0o4000;
  if (s[5] === "s" || s[5] === "S") m |= 0o2000;
  if (s[8] === "t" || s[8] === "T") m |= 0o1000;
  return m;
};

/** `dpkg-deb -c`: "-rwxr-xr-x root/root 114317488 2026-11-28 12:00 ./usr/bin/bao-kms-provider". */
export async function debEntries(deb: string): Promise<Entry[]> {
  const out = await must(["dpkg-deb", "-c", deb]);
  return out.trim().split("\n").map((line) => {
    const m = /^([-dlcbps])([-rwxsStT]{9})\s+([^/\s]+)\/(\S+)\s+\d+\s+\S+\s+\S+\s+\.(\/.*?)(?: -> .*)?$/.exec(line);
    if (!m) throw new Error(`unexpected dpkg-deb -c line: ${line}`);
    const path = m[5]!.length > 1 ? m[5]!.replace(/\/$/, "") : "/";
    const type = m[1] === "-" ? "file" : m[1] === "d" ? "dir" : m[1] === "l" ? "symlink" : "other";
    return { path, type, mode: symbolicBits(m[2]!), owner: m[3]!, group: m[4]! };
  });
}

/** `rpm -qlp --dump`: "path size mtime digest mode owner group isconfig isdoc rdev symlink". */
export async function rpmEntries(rpm: string): Promise<Entry[]> {
  const out = await must(["rpm", "-qlp", "--dump", rpm]);
  return out.trim().split("\n").map((line) => {
    const f = line.split(" ");
    if (f.length < 11 || !f[0]!.startsWith("/")) throw new Error(`unexpected rpm --dump line: ${line}`);
    const raw = parseInt(f[4]!, 8);
    const fmt = raw & 0o170000;
    const type = fmt === 0o100000 ? "file" : fmt === 0o040000 ? "dir" : fmt === 0o120000 ? "symlink" : "other";
    return { path: f[0]!, type, mode: raw & 0o7777, owner: f[5]!, group: f[6]! };
  });
}

export const octal = (mode: number) => mode.toString(8).padStart(4, "0");

/** "path mode owner:group type" lines, sorted: easy to compare and to read in a failure. */
export const describeEntries = (entries: readonly Entry[]) => entries.map((e) => `${e.path} ${octal(e.mode)} ${e.owner}:${e.group} ${e.type}`).sort();
