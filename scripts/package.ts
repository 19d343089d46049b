// `bun run package [--arch x64|arm64|all] [--outdir dist/packages]`: builds the binaries and the
// .deb and .rpm for each arch, checks that each package carries the build output byte for byte,
// and writes SHA256SUMS. Everything is stamped with SOURCE_DATE_EPOCH (the commit time).

import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { buildDeb } from "./package-deb.ts";
import { type Arch, type PackageMeta, buildMeta, repoRoot, run } from "./package-meta.ts";
import { buildRpm } from "./package-rpm.ts";
import { buildOciImage, type OciImage } from "./package-oci.ts";
import { binaryPath } from "../src/install/layout.ts";

export interface Artifacts {
  readonly dir: string;
  readonly version: string;
  readonly epoch: number;
  readonly binaries: Partial<Record<Arch, string>>;
  readonly debs: Partial<Record<Arch, string>>;
  readonly rpms: Partial<Record<Arch, string>>;
  readonly sums: string;
  /** The static pod's OCI image archive, index and manifest (scripts/package-oci.ts). */
  readonly oci: OciImage;
}

const releaseArch = { x64: "amd64", arm64: "arm64" } as const;
export const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Extracts /usr/bin/bao-kms-provider from a .deb or .rpm and returns its sha256. */
export async function packagedBinarySha(pkgFile: string, workdir: string): Promise<string> {
  const dir = mkdtempSync(join(workdir, "x-"));
  const cmd = pkgFile.endsWith(".deb")
    ? `dpkg-deb --fsys-tarfile '${pkgFile}' | tar -x -C '${dir}' '.${binaryPath}'`
    : `cd '${dir}' && rpm2cpio '${pkgFile}' | cpio -id --quiet '.${binaryPath}'`;
  await run(["sh", "-c", cmd]);
  const sum = sha256(join(dir, binaryPath));
  rmSync(dir, { recursive: true, force: true });
  return sum;
}

async function buildBinary(arch: Arch, epoch: number, outdir: string): Promise<string> {
  const out = await run([process.execPath, "scripts/build.ts", "--target", arch, "--outdir", outdir], { SOURCE_DATE_EPOCH: String(epoch) });
  return out.trim().split("\n").pop()!;
}

export async function packageAll(opts: { arches?: Arch[]; outdir?: string; log?: (s: string) => void; arm64LibcDeb?: string } = {}): Promise<Artifacts> {
  const arches = opts.arches ?? ["x64", "arm64"];
  const dir = resolve(repoRoot, opts.outdir ?? "dist/packages");
  const log = opts.log ?? ((s: string) => console.error(s));
  const id = await buildMeta();
  if (id.dirty) log("package: warning: the work tree has uncommitted changes; these packages do not match any commit");
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.startsWith("bao-kms-provider") || f === "SHA256SUMS") rmSync(join(dir, f), { force: true });

  const work = mkdtempSync(join(tmpdir(), "bkp-package-"));
  const binaries: Partial<Record<Arch, string>> = {};
  const debs: Partial<Record<Arch, string>> = {};
  const rpms: Partial<Record<Arch, string>> = {};
  let oci: OciImage;
  try {
    for (const arch of arches) {
      const built = await buildBinary(arch, id.epoch, join(work, "bin"));
      const release = join(dir, `bao-kms-provider_${id.version}_linux_${releaseArch[arch]}`);
      copyFileSync(built, release);
      binaries[arch] = release;
    }
    // dpkg-deb and rpmbuild spend their time compressing: run them all at once.
    await Promise.all(arches.map(async (arch) => {
      const meta: PackageMeta = { version: id.version, commit: id.commit, epoch: id.epoch, arch };
      [debs[arch], rpms[arch]] = await Promise.all([buildDeb(binaries[arch]!, meta, work, dir), buildRpm(binaries[arch]!, meta, work, dir)]);
    }));
    for (const arch of arches) {
      const want = sha256(binaries[arch]!);
      for (const p of [debs[arch]!, rpms[arch]!]) {
        const got = await packagedBinarySha(p, work);
        if (got !== want) throw new Error(`${basename(p)} carries a binary with sha256 ${got}, the build output is ${want}`);
      }
    }
    oci = await buildOciImage(binaries, id, dir, { arm64LibcDeb: opts.arm64LibcDeb, log });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const names = readdirSync(dir).filter((f) => f.startsWith("bao-kms-provider")).sort();
  const sums = names.map((f) => `${sha256(join(dir, f))}  ${f}\n`).join("");
  writeFileSync(join(dir, "SHA256SUMS"), sums);
  return { dir, version: id.version, epoch: id.epoch, binaries, debs, rpms, sums, oci };
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const a = value("--arch") ?? "all";
  const arches: Arch[] = a === "all" ? ["x64", "arm64"] : a === "x64" || a === "arm64" ? [a] : [];
  if (arches.length === 0 || argv.some((x, i) => x.startsWith("--") && !["--arch", "--outdir", "--arm64-libc-deb"].includes(x) && argv[i - 1] !== "--arch")) {
    console.error("usage: bun run package [--arch x64|arm64|all] [--outdir DIR] [--arm64-libc-deb FILE]");
    process.exit(2);
  }
  const t0 = performance.now();
  const out = await packageAll({ arches, outdir: value("--outdir") ?? "dist/packages", arm64LibcDeb: value("--arm64-libc-deb") });
  process.stdout.write(out.sums);
  console.error(`package: ${out.dir} (SOURCE_DATE_EPOCH=${out.epoch}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
