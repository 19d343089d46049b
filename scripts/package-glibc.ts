// Where the OCI image's glibc comes from (scripts/package-oci.ts calls glibcFiles()):
// - amd64: the build machine's installed `libc6:amd64`, each file checked against dpkg's md5sums.
//   The image carries the build host's glibc patch level; the label io.bao-kms-provider.glibc
//   and SHA256SUMS say which.
// - arm64: Debian's native `libc6:arm64` .deb (not the separately built libc6-arm64-cross). By
//   default apt downloads it into a project-local cache (dist/cache/libc6-arm64/) with its own
//   state directory and APT::Architecture=arm64, so the host's dpkg architecture list and its
//   apt lists stay untouched; apt checks the Release signatures against the host's
//   sources' keyrings as usual. Or the operator gives a .deb (--arm64-libc-deb FILE /
//   BAO_KMS_PROVIDER_ARM64_LIBC_DEB) for a build machine that cannot reach a Debian mirror.
//   Its files are unpacked with dpkg-deb and checked against the .deb's own md5sums.
// Why: docs/decisions/oci-image.md.

import { createHash } from "node:crypto";
import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { repoRoot, run } from "./package-meta.ts";

/** The project-local download cache (dist/ is ignored by git). */
export const defaultLibcCache = join(repoRoot, "dist/cache/libc6-arm64");
export const arm64LibcDebEnv = "BAO_KMS_PROVIDER_ARM64_LIBC_DEB";
/** Bounds: one apt-get run, and the wait for another build's apt-get on the same cache. */
const aptTimeoutS = 300;
const lockWaitS = 600;

export interface GlibcFile {
  /** Path in the image (Debian's path on a native host of that architecture), e.g. lib/aarch64-linux-gnu/libc.so.6. */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** Permission bits of the package's file (Debian ships libc.so.6 and the loader 0755). */
  readonly mode: number;
}

export interface GlibcSource {
  /** `libc6 <version>`: the image label io.bao-kms-provider.glibc. */
  readonly label: string;
  readonly version: string;
  /** The .deb the files came from (arm64), or undefined for the installed package (amd64). */
  readonly deb?: string;
  readonly debSha256?: string;
  /** The directory the sonames are read from (the host's, or the unpacked .deb's). */
  readonly libDir: string;
  /** Reads one soname, checked against the package's md5sums; throws on any difference. */
  file(soname: string): GlibcFile;
  /** Removes the unpacked .deb, if any. */
  cleanup(): void;
}

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
export const sha256hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** md5sums lines ("<32 hex>  <path without leading />") as a map path -> md5. */
export function parseMd5sums(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const r = /^([0-9a-f]{32}) {2}(.+)$/.exec(line);
    if (!r) throw new Error(`md5sums: unexpected line ${JSON.stringify(line.slice(0, 120))}`);
    m.set(r[2]!.replace(/^\.?\//, ""), r[1]!);
  }
  return m;
}

/** amd64: the installed libc6:amd64 of this build machine. */
export async function installedGlibc(triplet: string, debArch: string, log: (s: string) => void): Promise<GlibcSource> {
  const pkg = `libc6:${debArch}`;
  const [status, version] = (await run(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}\t${Version}", pkg])).split("\t");
  if (status?.trim() !== "ii") throw new Error(`${pkg} is not fully installed on this build machine (dpkg status "${status?.trim()}")`);
  const md5sums = parseMd5sums(readFileSync((await run(["dpkg-query", "--control-path", pkg, "md5sums"])).trim(), "utf8"));
  // The image gets this host's patch level: say so when apt knows a newer libc6 than the installed one.
  try {
    const candidate = /Candidate: (\S+)/.exec(await run(["apt-cache", "policy", pkg]))?.[1];
    if (candidate !== undefined && candidate !== "(none)" && candidate !== version) {
      const newer = await Bun.spawn(["dpkg", "--compare-versions", candidate, "gt", version!]).exited;
      if (newer === 0) log(`package: warning: the amd64 image takes ${pkg} ${version} from this host; apt has ${candidate} (apt-get upgrade first for its fixes)`);
    }
  } catch {
    // apt-cache is a hint only; the installed files are checked below either way.
  }
  const libDir = `/lib/${triplet}`;
  return {
    label: `libc6 ${version}`,
    version: version!,
    libDir,
    file(so) {
      const src = join(libDir, so);
      const sum = md5sums.get(src.slice(1));
      if (sum === undefined) throw new Error(`${src} is not a file of ${pkg}`);
      const bytes = readFileSync(src);
      if (md5(bytes) !== sum) throw new Error(`${src} differs from ${pkg} ${version} (md5 ${md5(bytes)}, dpkg says ${sum})`);
      return { path: `lib/${triplet}/${so}`, bytes, mode: statSync(src).mode & 0o777 };
    },
    cleanup() {},
  };
}

/** A native libc6 .deb of debArch, unpacked and checked: Package, Architecture, md5sums. */
export async function debGlibc(deb: string, triplet: string, debArch: string): Promise<GlibcSource> {
  const fields = (await run(["dpkg-deb", "-f", deb, "Package", "Architecture", "Version"])).trim().split("\n");
  const f = Object.fromEntries(fields.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
  if (f.Package !== "libc6" || f.Architecture !== debArch) throw new Error(`${deb} is ${f.Package ?? "?"}:${f.Architecture ?? "?"}, not the native libc6:${debArch} package`);
  const version = f.Version!;
  const dir = mkdtempSync(join(tmpdir(), "bkp-libc6-"));
  try {
    await run(["dpkg-deb", "-x", deb, join(dir, "root")]);
    await run(["dpkg-deb", "-e", deb, join(dir, "DEBIAN")]);
    // Modes as the package declares them (dpkg-deb -c), not as this umask extracted them.
    const modes = new Map<string, number>();
    for (const line of (await run(["dpkg-deb", "-c", deb])).split("\n")) {
      const r = /^-([rwxsStT-]{9}) \S+\s+\d+ \S+ \S+ \.\/(.+)$/.exec(line);
      if (r) modes.set(r[2]!, permBits(r[1]!));
    }
    const md5sums = parseMd5sums(readFileSync(join(dir, "DEBIAN/md5sums"), "utf8"));
    const bytes = readFileSync(deb);
    const libDir = join(dir, "root/lib", triplet);
    return {
      label: `libc6 ${version}`,
      version,
      deb: resolve(deb),
      debSha256: sha256hex(bytes),
      libDir,
      file(so) {
        const rel = `lib/${triplet}/${so}`;
        const sum = md5sums.get(rel);
        const mode = modes.get(rel);
        if (sum === undefined || mode === undefined) throw new Error(`/${rel} is not a file of ${deb}`);
        const src = join(dir, "root", rel);
        if (!lstatSync(src).isFile()) throw new Error(`/${rel} in ${deb} is not a regular file`);
        const b = readFileSync(src);
        if (md5(b) !== sum) throw new Error(`/${rel} from ${deb} differs from its md5sums (md5 ${md5(b)}, the package says ${sum})`);
        return { path: rel, bytes: b, mode };
      },
      cleanup() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

function permBits(s: string): number {
  if (/[sStT]/.test(s)) throw new Error(`unexpected setuid/setgid/sticky mode ${s} in the libc6 package`);
  let m = 0;
  for (const c of s) m = (m << 1) | (c === "-" ? 0 : 1);
  return m;
}

/** apt-get/apt-cache with a private state and cache under cacheDir, for debArch only. */
function aptOpts(cacheDir: string, debArch: string): string[] {
  return [
    "-q",
    "-o", `Dir::State=${join(cacheDir, "state")}`,
    "-o", "Dir::State::status=/dev/null",
    "-o", `Dir::Cache=${join(cacheDir, "cache")}`,
    "-o", `APT::Architecture=${debArch}`,
    "-o", `APT::Architectures::=${debArch}`,
  ];
}

/** Serialised with other builds on the same cache (apt's own lock does not wait), bounded in time. */
const locked = (cacheDir: string, cmd: string[]) => ["flock", "-w", String(lockWaitS), join(cacheDir, "lock"), "timeout", String(aptTimeoutS), ...cmd];

/**
 * Downloads the candidate libc6:<debArch> .deb from the host's apt sources into cacheDir/debs
 * (reused when the cached file already has the SHA256 that the signed index lists), and returns
 * its path. Fails when the mirror cannot be reached: no silent fallback to an older cached file.
 */
export async function fetchLibcDeb(cacheDir: string, debArch: string, log: (s: string) => void): Promise<string> {
  const debs = join(cacheDir, "debs");
  for (const d of ["state/lists/partial", "cache/archives/partial", "debs"]) mkdirSync(join(cacheDir, d), { recursive: true });
  const opts = aptOpts(cacheDir, debArch);
  try {
    // --error-on=any: an unsigned or unverifiable Release, or a failed index download, fails the build.
    await run(locked(cacheDir, ["apt-get", ...opts, "--error-on=any", "update"]));
  } catch (e) {
    throw new Error(`cannot update the ${debArch} package lists for libc6:${debArch} (a Debian mirror in this host's apt sources is needed); on a machine without one, pass --arm64-libc-deb FILE or ${arm64LibcDebEnv}=FILE with a libc6_<version>_${debArch}.deb fetched elsewhere\n${(e as Error).message}`);
  }
  const show = await run(["apt-cache", ...opts, "show", "--no-all-versions", `libc6:${debArch}`]);
  const version = /^Version: (\S+)$/m.exec(show)?.[1];
  const want = /^SHA256: ([0-9a-f]{64})$/m.exec(show)?.[1];
  if (version === undefined || want === undefined) throw new Error(`apt-cache show libc6:${debArch} gave no Version/SHA256`);
  const file = join(debs, `libc6_${version.replace(/:/g, "%3a")}_${debArch}.deb`);
  const cachedOk = existsSync(file) && sha256hex(readFileSync(file)) === want;
  if (!cachedOk) {
    rmSync(file, { force: true });
    // apt downloads as its unprivileged _apt user when it can write the directory.
    if (process.getuid?.() === 0) {
      const apt = /^_apt:x:(\d+):(\d+):/m.exec(readFileSync("/etc/passwd", "utf8"));
      if (apt) chownSync(debs, Number(apt[1]), Number(apt[2]));
    }
    await run(locked(cacheDir, ["apt-get", ...opts, "download", `libc6:${debArch}=${version}`]), {}, debs);
    const got = existsSync(file) ? sha256hex(readFileSync(file)) : "(missing)";
    if (got !== want) throw new Error(`${file}: sha256 ${got}, the signed index says ${want}`);
    log(`package: downloaded libc6:${debArch} ${version} for the ${debArch} image`);
  }
  // Bounded cache: only the current version's .deb stays.
  for (const name of readdirSync(debs)) if (name.endsWith(".deb") && join(debs, name) !== file) rmSync(join(debs, name), { force: true });
  return file;
}

export interface GlibcOptions {
  /** A libc6_<version>_arm64.deb to use instead of downloading one. */
  readonly arm64LibcDeb?: string;
  /** Where downloads are cached (default dist/cache/libc6-arm64). */
  readonly cacheDir?: string;
  readonly log?: (s: string) => void;
}

/** The glibc source for an image architecture. */
export async function glibcSource(oci: "amd64" | "arm64", triplet: string, opts: GlibcOptions = {}): Promise<GlibcSource> {
  const log = opts.log ?? ((s: string) => console.error(s));
  if (oci === "amd64") return installedGlibc(triplet, "amd64", log);
  const given = opts.arm64LibcDeb ?? process.env[arm64LibcDebEnv];
  const deb = given !== undefined && given !== "" ? resolve(given) : await fetchLibcDeb(opts.cacheDir ?? defaultLibcCache, "arm64", log);
  if (!existsSync(deb)) throw new Error(`${deb}: no such file (--arm64-libc-deb / ${arm64LibcDebEnv})`);
  return debGlibc(deb, triplet, "arm64");
}
