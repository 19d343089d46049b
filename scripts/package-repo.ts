// `bun run package --repo DIR`: an apt and a yum repository of the packages just built, signed
// with the operator's OpenPGP key (docs/packaging.md, "Repositories"; docs/decisions/package-repositories.md).
//
//   DIR/bao-kms-provider.gpg   the public key, binary (apt's signed-by=)
//   DIR/bao-kms-provider.asc   the public key, armored (rpm --import, yum/dnf gpgkey=)
//   DIR/apt/pool/main/b/bao-kms-provider/*.deb
//   DIR/apt/dists/stable/{Release,Release.gpg,InRelease}
//   DIR/apt/dists/stable/main/binary-{amd64,arm64}/Packages{,.gz}
//   DIR/rpm/*.rpm              signed with rpmsign
//   DIR/rpm/repodata/          createrepo_c; repomd.xml.asc is its detached signature
//
// The key: `--signing-key FILE` (a secret key export, imported into a temporary GNUPGHOME that
// is deleted afterwards) or the GNUPGHOME the operator sets; `--signing-key-id` picks one of
// several secret keys. No key, no repository: nothing unsigned is ever written.
// Packages, Release and the repodata are deterministic (dates from SOURCE_DATE_EPOCH); the
// signatures carry gpg's signing time.

import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { debArch } from "./package-deb.ts";
import { type Arch, run } from "./package-meta.ts";

export const aptSuite = "stable";
export const aptComponent = "main";
export const keyName = "bao-kms-provider";

export interface SigningKey {
  /** A file holding an exported OpenPGP secret key (armored or binary), without passphrase. */
  readonly file?: string;
  /** A GnuPG home holding the key (the operator's GNUPGHOME); used when `file` is not given. */
  readonly gnupgHome?: string;
  /** Key ID, fingerprint or user ID: which secret key, when the keyring holds several. */
  readonly id?: string;
}

export interface Repo {
  readonly dir: string;
  readonly fingerprint: string;
  readonly apt: string;
  readonly rpm: string;
  /** The signed .rpm files in DIR/rpm. */
  readonly rpms: readonly string[];
}

/** Runs gpg in batch mode with a GnuPG home; never asks a terminal for anything. */
const gpg = (home: string, args: string[]) => run(["gpg", "--batch", "--no-tty", "--homedir", home, ...args], { GNUPGHOME: home });

/** The fingerprint of the one secret key that `id` (or, without it, the keyring) names. */
async function secretKey(home: string, id: string | undefined): Promise<string> {
  let out: string;
  try {
    out = await gpg(home, ["--with-colons", "--list-secret-keys", ...(id === undefined ? [] : [id])]);
  } catch {
    throw new Error(id === undefined ? "--repo: the GnuPG home holds no secret key" : `--repo: no secret key matches --signing-key-id ${id}`);
  }
  const fprs: string[] = [];
  let primary = false;
  for (const line of out.split("\n")) {
    const f = line.split(":");
    if (f[0] === "sec") primary = true;
    else if (f[0] === "ssb") primary = false;
    else if (f[0] === "fpr" && primary) {
      fprs.push(f[9]!);
      primary = false;
    }
  }
  if (fprs.length === 0) throw new Error("--repo: the GnuPG home holds no secret key");
  if (fprs.length > 1) throw new Error(`--repo: the GnuPG home holds ${fprs.length} secret keys; choose one with --signing-key-id`);
  return fprs[0]!;
}

/** "Sat, 28 Nov 2026 12:00:00 UTC", the Date: format of Debian's Release files. */
const releaseDate = (epoch: number) => new Date(epoch * 1000).toUTCString().replace("GMT", "UTC");

async function writeApt(dir: string, debs: Partial<Record<Arch, string>>, epoch: number, home: string, fpr: string): Promise<void> {
  const pool = join(dir, "pool", aptComponent, "b", "bao-kms-provider");
  mkdirSync(pool, { recursive: true });
  const arches = (Object.keys(debs) as Arch[]).map((a) => debArch[a]).sort();
  for (const deb of Object.values(debs)) copyFileSync(deb!, join(pool, basename(deb!)));
  // Only the strong hashes; apt ignores MD5 and SHA1 for security anyway.
  const hashes = ["-o", "APT::FTPArchive::MD5=false", "-o", "APT::FTPArchive::SHA1=false"];
  for (const arch of arches) {
    const index = join(dir, "dists", aptSuite, aptComponent, `binary-${arch}`);
    mkdirSync(index, { recursive: true });
    // Run in DIR/apt so each Filename: is relative to the repository root, as apt wants.
    const packages = await run(["apt-ftparchive", ...hashes, "--arch", arch, "packages", "pool"], {}, dir);
    if (!packages.includes(`Architecture: ${arch}\n`)) throw new Error(`apt-ftparchive found no ${arch} package in ${pool}`);
    writeFileSync(join(index, "Packages"), packages);
    writeFileSync(join(index, "Packages.gz"), Bun.gzipSync(Buffer.from(packages), { level: 9 }));
  }
  const field = (name: string, value: string) => ["-o", `APT::FTPArchive::Release::${name}=${value}`];
  const release = await run([
    "apt-ftparchive", ...hashes,
    ...field("Origin", "bao-kms-provider"),
    ...field("Label", "bao-kms-provider"),
    ...field("Suite", aptSuite),
    ...field("Codename", aptSuite),
    ...field("Architectures", arches.join(" ")),
    ...field("Components", aptComponent),
    ...field("Date", releaseDate(epoch)),
    ...field("Description", "bao-kms-provider packages"),
    "release", join("dists", aptSuite),
  ], {}, dir);
  const suite = join(dir, "dists", aptSuite);
  writeFileSync(join(suite, "Release"), release);
  const sign = ["--local-user", `${fpr}!`, "--digest-algo", "SHA512", "--yes"];
  await gpg(home, [...sign, "--clearsign", "--output", join(suite, "InRelease"), join(suite, "Release")]);
  await gpg(home, [...sign, "--armor", "--detach-sign", "--output", join(suite, "Release.gpg"), join(suite, "Release")]);
}

async function writeYum(dir: string, rpms: Partial<Record<Arch, string>>, epoch: number, home: string, fpr: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const signed = Object.values(rpms).map((r) => join(dir, basename(r!))).sort();
  for (const r of Object.values(rpms)) copyFileSync(r!, join(dir, basename(r!)));
  // Debian's rpm names gpg2, which Debian does not ship; --batch: no prompt, ever.
  await run([
    "rpmsign", "--addsign",
    "--define", "__gpg /usr/bin/gpg",
    "--define", `_gpg_path ${home}`,
    "--define", `_gpg_name ${fpr}!`,
    "--define", "_gpg_digest_algo sha256",
    "--define", "_gpg_sign_cmd_extra_args --batch --no-tty",
    ...signed,
  ], { GNUPGHOME: home, HOME: home });
  await run(["createrepo_c", "--quiet", "--no-database", "--revision", String(epoch), "--set-timestamp-to-revision", dir]);
  const repomd = join(dir, "repodata", "repomd.xml");
  await gpg(home, ["--local-user", `${fpr}!`, "--digest-algo", "SHA512", "--yes", "--armor", "--detach-sign", "--output", `${repomd}.asc`, repomd]);
  return signed;
}

/** Writes DIR (see the top of this file) from the packages of one `bun run package`. */
export async function writeRepo(outdir: string, built: { debs: Partial<Record<Arch, string>>; rpms: Partial<Record<Arch, string>>; epoch: number }, key: SigningKey): Promise<Repo> {
  const dir = resolve(outdir);
  let home: string;
  let temporary: string | undefined;
  if (key.file !== undefined) {
    if (!existsSync(key.file)) throw new Error(`--signing-key ${key.file}: no such file`);
    temporary = mkdtempSync(join(tmpdir(), "bkp-gnupg-"));
    chmodSync(temporary, 0o700);
    home = temporary;
  } else if (key.gnupgHome !== undefined && key.gnupgHome !== "") {
    home = resolve(key.gnupgHome);
  } else {
    throw new Error("--repo needs a signing key: --signing-key FILE, or GNUPGHOME set to a GnuPG home with the secret key");
  }
  try {
    if (key.file !== undefined) await gpg(home, ["--import", resolve(key.file)]);
    const fpr = await secretKey(home, key.id);
    mkdirSync(dir, { recursive: true });
    // Only what this function writes is replaced; anything else in DIR is left alone.
    for (const sub of ["apt", "rpm", `${keyName}.gpg`, `${keyName}.asc`]) rmSync(join(dir, sub), { recursive: true, force: true });
    // The public key only (`fpr!`: exactly this key), without third-party signatures.
    const exportTo = (file: string, armor: boolean) => gpg(home, ["--yes", "--export-options", "export-minimal", ...(armor ? ["--armor"] : []), "--output", join(dir, file), "--export", `${fpr}!`]);
    await exportTo(`${keyName}.gpg`, false);
    await exportTo(`${keyName}.asc`, true);
    await writeApt(join(dir, "apt"), built.debs, built.epoch, home, fpr);
    const rpms = await writeYum(join(dir, "rpm"), built.rpms, built.epoch, home, fpr);
    return { dir, fingerprint: fpr, apt: join(dir, "apt"), rpm: join(dir, "rpm"), rpms };
  } finally {
    if (temporary !== undefined) {
      await run(["gpgconf", "--homedir", temporary, "--kill", "all"]).catch(() => {});
      rmSync(temporary, { recursive: true, force: true });
    }
  }
}
