// `bun run package [--arch x64|arm64|all] [--outdir dist/packages] [--repo DIR ...]`: builds the
// binaries and the .deb and .rpm for each arch, checks that each package carries the build output
// byte for byte, writes the SBOM and the provenance statement (scripts/package-sbom.ts) and
// SHA256SUMS, and with --repo a signed apt and yum repository (scripts/package-repo.ts).
// Everything is stamped with SOURCE_DATE_EPOCH (the commit time).

import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { buildDeb } from "./package-deb.ts";
import { type Arch, type PackageMeta, buildMeta, repoRoot, run } from "./package-meta.ts";
import { buildRpm } from "./package-rpm.ts";
import { buildOciImage, type OciImage } from "./package-oci.ts";
import { writeRepo, type Repo, type SigningKey } from "./package-repo.ts";
import { bundledKeys, makeProvenance, makeSbom } from "./package-sbom.ts";
import { binaryPath } from "../src/install/layout.ts";

export interface Artifacts {
  readonly dir: string;
  readonly version: string;
  readonly epoch: number;
  readonly binaries: Partial<Record<Arch, string>>;
  readonly debs: Partial<Record<Arch, string>>;
  readonly rpms: Partial<Record<Arch, string>>;
  /** CycloneDX SBOM and in-toto provenance, both listed in SHA256SUMS. */
  readonly sbom: string;
  readonly provenance: string;
  readonly sums: string;
  /** The static pod's OCI image archive, index and manifest (scripts/package-oci.ts). */
  readonly oci: OciImage;
  readonly repo?: Repo;
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

async function buildBinary(arch: Arch, epoch: number, outdir: string, metafile: string): Promise<string> {
  const out = await run([process.execPath, "scripts/build.ts", "--target", arch, "--outdir", outdir, "--metafile", metafile], { SOURCE_DATE_EPOCH: String(epoch) });
  return out.trim().split("\n").pop()!;
}

export async function packageAll(opts: { arches?: Arch[]; outdir?: string; log?: (s: string) => void; arm64LibcDeb?: string; repo?: { dir: string; key: SigningKey } } = {}): Promise<Artifacts> {
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
  const bundled = new Set<string>();
  try {
    for (const arch of arches) {
      const metafile = join(work, `meta-${arch}.json`);
      const built = await buildBinary(arch, id.epoch, join(work, "bin"), metafile);
      for (const k of bundledKeys(JSON.parse(readFileSync(metafile, "utf8")))) bundled.add(k);
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

  const lockText = readFileSync(join(repoRoot, "bun.lock"), "utf8");
  const sbom = join(dir, `bao-kms-provider_${id.version}_sbom.cdx.json`);
  writeFileSync(sbom, makeSbom({ ...id, bunVersion: Bun.version, bunRevision: Bun.revision, lockText, bundled: [...bundled], nodeModules: join(repoRoot, "node_modules") }));
  const provenance = join(dir, `bao-kms-provider_${id.version}_provenance.intoto.json`);
  const subjects = new Map(readdirSync(dir).filter((f) => f.startsWith("bao-kms-provider")).map((f) => [f, sha256(join(dir, f))] as const));
  const command = `bun run package --arch ${arches.length === 2 ? "all" : arches[0]}`;
  writeFileSync(provenance, makeProvenance({ ...id, bunVersion: Bun.version, command, lockSha256: createHash("sha256").update(lockText).digest("hex"), subjects }));

  const names = readdirSync(dir).filter((f) => f.startsWith("bao-kms-provider")).sort();
  const sums = names.map((f) => `${sha256(join(dir, f))}  ${f}\n`).join("");
  writeFileSync(join(dir, "SHA256SUMS"), sums);
  const repo = opts.repo === undefined ? undefined : await writeRepo(opts.repo.dir, { debs, rpms, epoch: id.epoch }, opts.repo.key);
  return { dir, version: id.version, epoch: id.epoch, binaries, debs, rpms, sbom, provenance, sums, oci, ...(repo === undefined ? {} : { repo }) };
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const a = value("--arch") ?? "all";
  const arches: Arch[] = a === "all" ? ["x64", "arm64"] : a === "x64" || a === "arm64" ? [a] : [];
  const flags = ["--arch", "--outdir", "--arm64-libc-deb", "--repo", "--signing-key", "--signing-key-id"];
  const repoDir = value("--repo");
  if (arches.length === 0 || argv.some((x, i) => x.startsWith("--") && !flags.includes(x) && !flags.includes(argv[i - 1]!)) || argv.some((x, i) => flags.includes(x) && argv[i + 1] === undefined)
    || (repoDir === undefined && (argv.includes("--signing-key") || argv.includes("--signing-key-id")))) {
    console.error("usage: bun run package [--arch x64|arm64|all] [--outdir DIR] [--arm64-libc-deb FILE] [--repo DIR [--signing-key FILE] [--signing-key-id ID]]");
    process.exit(2);
  }
  const key = { file: value("--signing-key"), gnupgHome: process.env.GNUPGHOME, id: value("--signing-key-id") };
  if (repoDir !== undefined && key.file === undefined && (key.gnupgHome ?? "") === "") {
    console.error("package: --repo needs a signing key: --signing-key FILE, or GNUPGHOME set to a GnuPG home with the secret key");
    process.exit(2);
  }
  const t0 = performance.now();
  const out = await packageAll({ arches, outdir: value("--outdir") ?? "dist/packages", arm64LibcDeb: value("--arm64-libc-deb"), ...(repoDir === undefined ? {} : { repo: { dir: repoDir, key } }) });
  process.stdout.write(out.sums);
  if (out.repo !== undefined) console.error(`package: repositories in ${out.repo.dir}, signed by ${out.repo.fingerprint}`);
  console.error(`package: ${out.dir} (SOURCE_DATE_EPOCH=${out.epoch}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
