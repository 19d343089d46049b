// The apt and yum repositories `bun run package --repo` writes (the first build of
// packages.test.ts is made with a throwaway key, see testSigningKey). Nothing is installed on
// this machine: apt runs with its own configuration, state, cache and a copy of dpkg's status
// file; rpm with its own database; dnf with its own install root.

import { describe, expect, test } from "bun:test";
import { appendFileSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { createHash } from "node:crypto";
import { sha256, type Artifacts } from "../../../scripts/package.ts";
import { debVersion } from "../../../scripts/package-deb.ts";
import { aptSuite, writeRepo } from "../../../scripts/package-repo.ts";
import { must, sh, workDir } from "../artifacts.ts";

const env = () => ({ PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" });

/** A fresh GnuPG home with one passphrase-less RSA signing key; returns its path. */
export async function throwawayKey(tag: string, uid = "bao-kms-provider test <test@bao-kms-provider.invalid>"): Promise<string> {
  const home = workDir(`gnupg-${tag}`);
  await must(["gpg", "--batch", "--homedir", home, "--passphrase", "", "--quick-gen-key", uid, "rsa3072", "sign", "never"], { env: { ...env(), GNUPGHOME: home } });
  return home;
}

/** Exports the secret key of a GnuPG home to a file (what an operator passes as --signing-key). */
export async function exportSecretKey(home: string): Promise<string> {
  const file = join(workDir("seckey"), "signing-key.asc");
  await must(["gpg", "--batch", "--homedir", home, "--armor", "--output", file, "--export-secret-keys"], { env: { ...env(), GNUPGHOME: home } });
  return file;
}

/** apt with everything in `dir`: sources, trust, state, cache; dpkg's status is a copy (read for Depends). */
function aptConfig(dir: string, repo: string, keyring: string, arch: string): string {
  for (const d of ["etc/sources.list.d", "etc/apt.conf.d", "etc/preferences.d", "etc/trusted.gpg.d", "state/lists/partial", "cache/archives/partial", "download"]) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync("/var/lib/dpkg/status", join(dir, "status"));
  writeFileSync(join(dir, "etc/sources.list"), `deb [signed-by=${keyring}] file:${repo} ${aptSuite} main\n`);
  const conf = join(dir, "apt.conf");
  writeFileSync(conf, [
    `Dir::Etc "${dir}/etc";`,
    `Dir::Etc::sourcelist "${dir}/etc/sources.list";`,
    `Dir::Etc::sourceparts "${dir}/etc/sources.list.d";`,
    `Dir::Etc::parts "${dir}/etc/apt.conf.d";`,
    `Dir::Etc::preferencesparts "${dir}/etc/preferences.d";`,
    // No key of this machine is trusted: only the source's signed-by= can verify it.
    `Dir::Etc::trusted "${dir}/etc/trusted.gpg";`,
    `Dir::Etc::trustedparts "${dir}/etc/trusted.gpg.d";`,
    `Dir::State "${dir}/state";`,
    `Dir::State::status "${dir}/status";`,
    `Dir::Cache "${dir}/cache";`,
    `APT::Architecture "${arch}";`,
    `APT::Architectures { "${arch}"; };`,
    // The test's temp dirs are 0700 root: the _apt sandbox user could not read the file: source.
    `APT::Sandbox::User "root";`,
    "",
  ].join("\n"));
  return conf;
}

const apt = (conf: string, args: string[], cwd = "/") => sh(["apt-get", "-q", ...args], { env: { ...env(), APT_CONFIG: conf }, cwd, timeoutMs: 120_000 });

/** Copies the repository (keys included) to a new dir, to tamper with. */
function copyRepo(a: Artifacts, tag: string): string {
  const dir = join(workDir(`repo-${tag}`), "repo");
  cpSync(a.repo!.dir, dir, { recursive: true });
  return dir;
}

/** apt-get update then install --download-only, from `repo` (a copy of the repository). */
async function aptFrom(repo: string, tag: string) {
  const conf = aptConfig(workDir(`apt-${tag}`), join(repo, "apt"), join(repo, "bao-kms-provider.gpg"), "amd64");
  const update = await apt(conf, ["update"]);
  const install = await apt(conf, ["install", "-y", "--download-only", "bao-kms-provider"]);
  return { update, install };
}

export function repoSuite(get: () => Artifacts): void {
  describe("apt and yum repositories (--repo)", () => {
    test("apt resolves bao-kms-provider from the signed repository and downloads the built .deb, for amd64 and arm64", async () => {
      const a = get();
      const repo = a.repo!;
      for (const [arch, debArchName] of [["x64", "amd64"], ["arm64", "arm64"]] as const) {
        const dir = workDir(`apt-ok-${debArchName}`);
        const conf = aptConfig(dir, repo.apt, join(repo.dir, "bao-kms-provider.gpg"), debArchName);
        const update = await apt(conf, ["update"]);
        expect(update.stdout + update.stderr).not.toMatch(/^(W|E|Err):/m);
        expect(update.code).toBe(0);
        const policy = await sh(["apt-cache", "policy", "bao-kms-provider"], { env: { ...env(), APT_CONFIG: conf } });
        expect(policy.stdout).toContain(`Candidate: ${debVersion(a.version)}`);
        if (arch === "x64") {
          // Resolution against this machine's installed packages (Depends: libc6).
          const install = await apt(conf, ["install", "-y", "--download-only", "bao-kms-provider"]);
          expect(install.stdout).toContain("Download complete and in download only mode");
          expect(install.code).toBe(0);
        }
        const dl = await apt(conf, ["download", "bao-kms-provider"], join(dir, "download"));
        expect(dl.code).toBe(0);
        const got = join(dir, "download", basename(a.debs[arch]!));
        expect(`${basename(got)} ${sha256(got)}`).toBe(`${basename(a.debs[arch]!)} ${sha256(a.debs[arch]!)}`);
      }
    }, 240_000);

    test("apt refuses the repository once Release is altered (InRelease edited, or Release with Release.gpg), or signed by another key", async () => {
      const a = get();
      // An attacker's edit of the signed text: a different package index hash.
      const edit = (text: string) => text.replace(/^( [0-9a-f]{64} +\d+ main\/binary-amd64\/Packages)$/m, (line) => line.replace(/^ [0-9a-f]/, (m) => ` ${m[1] === "0" ? "1" : "0"}`));

      const inRelease = copyRepo(a, "inrelease");
      const f = join(inRelease, "apt/dists", aptSuite, "InRelease");
      const edited = edit(readFileSync(f, "utf8"));
      expect(edited).not.toBe(readFileSync(f, "utf8"));
      writeFileSync(f, edited);
      const r1 = await aptFrom(inRelease, "inrelease");
      expect(r1.update.stdout + r1.update.stderr).toContain("BADSIG");
      expect(r1.update.code).not.toBe(0);
      expect(r1.install.stderr).toContain("Unable to locate package bao-kms-provider");
      expect(r1.install.code).not.toBe(0);

      const release = copyRepo(a, "release");
      rmSync(join(release, "apt/dists", aptSuite, "InRelease"));
      const rf = join(release, "apt/dists", aptSuite, "Release");
      writeFileSync(rf, edit(readFileSync(rf, "utf8")));
      const r2 = await aptFrom(release, "release");
      expect(r2.update.stdout + r2.update.stderr).toContain("BADSIG");
      expect(r2.install.code).not.toBe(0);

      // The same files signed by another key: signed-by= trusts only the repository's key.
      const other = copyRepo(a, "otherkey");
      const home = await throwawayKey("other", "someone else <other@bao-kms-provider.invalid>");
      const suite = join(other, "apt/dists", aptSuite);
      await must(["gpg", "--batch", "--homedir", home, "--yes", "--clearsign", "--output", join(suite, "InRelease"), join(suite, "Release")], { env: { ...env(), GNUPGHOME: home } });
      const r3 = await aptFrom(other, "otherkey");
      expect(r3.update.stdout + r3.update.stderr).toMatch(/NO_PUBKEY|not signed/);
      expect(r3.install.code).not.toBe(0);

      // The untouched copy still works, so the failures above come from the edits.
      const r0 = await aptFrom(copyRepo(a, "untouched"), "untouched");
      expect(r0.update.code).toBe(0);
      expect(r0.install.code).toBe(0);
    }, 300_000);

    test("apt refuses a .deb that differs from the one the signed index describes", async () => {
      const repo = copyRepo(get(), "deb");
      appendFileSync(join(repo, "apt/pool/main/b/bao-kms-provider", basename(get().debs.x64!)), "x");
      const conf = aptConfig(workDir("apt-deb"), join(repo, "apt"), join(repo, "bao-kms-provider.gpg"), "amd64");
      expect((await apt(conf, ["update"])).code).toBe(0);
      const dl = await apt(conf, ["download", "bao-kms-provider"], join(workDir("apt-deb-dl")));
      expect(dl.stdout + dl.stderr).toMatch(/Size mismatch|Hash Sum mismatch/);
      expect(dl.code).not.toBe(0);
    }, 120_000);

    test("rpm -K: the repository's .rpm files are signed by the repository key (and fail without it, or altered)", async () => {
      const a = get();
      const db = workDir("rpmdb");
      const rpm = (args: string[]) => sh(["rpm", "--dbpath", db, ...args], { timeoutMs: 120_000 });
      expect((await rpm(["--initdb"])).code).toBe(0);
      for (const signed of a.repo!.rpms) {
        const before = await rpm(["-K", signed]);
        expect(before.stdout).toMatch(/SIGNATURES NOT OK|NOKEY/);
        expect(before.code).not.toBe(0);
      }
      expect((await rpm(["--import", join(a.repo!.dir, "bao-kms-provider.asc")])).code).toBe(0);
      for (const arch of ["x64", "arm64"] as const) {
        const signed = a.repo!.rpms.find((r) => basename(r) === basename(a.rpms[arch]!))!;
        const k = await rpm(["-K", signed]);
        expect(k.stdout.trim()).toBe(`${signed}: digests signatures OK`);
        expect(k.code).toBe(0);
        // Signing added a signature and changed nothing else: the header is the built one.
        const header = (f: string) => must(["rpm", "-qp", "--qf", "%{SHA256HEADER} %{PAYLOADDIGEST}", f]);
        expect(await header(signed)).toBe(await header(a.rpms[arch]!));
        const sig = await must(["rpm", "-qp", "--qf", "%{RSAHEADER:pgpsig}", signed]);
        expect(sig.toLowerCase()).toContain(a.repo!.fingerprint.slice(-16).toLowerCase());
      }
      // One byte of the payload changed: the digests no longer match.
      const altered = join(workDir("rpm-altered"), "altered.rpm");
      const bytes = readFileSync(a.repo!.rpms[0]!);
      bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
      writeFileSync(altered, bytes);
      const bad = await rpm(["-K", altered]);
      expect(bad.code).not.toBe(0);
    }, 180_000);

    test("yum metadata: repomd.xml's checksums and sizes match the files, its signature verifies with the key", async () => {
      const a = get();
      const repodata = join(a.repo!.rpm, "repodata");
      const repomd = readFileSync(join(repodata, "repomd.xml"), "utf8");
      const entries = [...repomd.matchAll(/<data type="([^"]+)">([\s\S]*?)<\/data>/g)];
      expect(entries.map((e) => e[1]).sort()).toEqual(["filelists", "other", "primary"]);
      for (const [, type, body] of entries) {
        const href = /<location href="([^"]+)"\/>/.exec(body!)![1]!;
        const checksum = /<checksum type="sha256">([0-9a-f]{64})<\/checksum>/.exec(body!)![1];
        const open = /<open-checksum type="sha256">([0-9a-f]{64})<\/open-checksum>/.exec(body!)![1];
        const size = Number(/<size>(\d+)<\/size>/.exec(body!)![1]);
        const file = readFileSync(join(a.repo!.rpm, href));
        expect(`${type} ${createHash("sha256").update(file).digest("hex")} ${file.length}`).toBe(`${type} ${checksum} ${size}`);
        expect(`${type} ${createHash("sha256").update(Bun.gunzipSync(file)).digest("hex")}`).toBe(`${type} ${open}`);
      }
      // primary lists both packages with the signed files' sha256.
      const primaryHref = /<data type="primary">[\s\S]*?<location href="([^"]+)"/.exec(repomd)![1]!;
      const primary = new TextDecoder().decode(Bun.gunzipSync(readFileSync(join(a.repo!.rpm, primaryHref))));
      for (const r of a.repo!.rpms) expect(primary).toContain(`<checksum type="sha256" pkgid="YES">${sha256(r)}</checksum>`);
      // The detached signature, with gpgv and only the repository key.
      const v = await sh(["gpgv", "--keyring", join(a.repo!.dir, "bao-kms-provider.gpg"), join(repodata, "repomd.xml.asc"), join(repodata, "repomd.xml")]);
      expect(v.code).toBe(0);
    });

    test("dnf reads the repository with gpgcheck and repo_gpgcheck, and refuses it once repomd.xml is altered", async () => {
      const a = get();
      const query = async (repo: string, tag: string) => {
        const root = workDir(`dnf-${tag}`);
        mkdirSync(join(root, "repos.d"), { recursive: true });
        writeFileSync(join(root, "repos.d/bao-kms-provider.repo"), [
          "[bao-kms-provider]",
          "name=bao-kms-provider",
          `baseurl=file://${repo}/rpm`,
          "enabled=1",
          "gpgcheck=1",
          "repo_gpgcheck=1",
          `gpgkey=file://${repo}/bao-kms-provider.asc`,
          "",
        ].join("\n"));
        writeFileSync(join(root, "dnf.conf"), "[main]\nreposdir=" + join(root, "repos.d") + "\ncachedir=" + join(root, "cache") + "\nlogdir=" + join(root, "log") + "\npersistdir=" + join(root, "persist") + "\n");
        return sh(["dnf", "-y", "-q", "--config", join(root, "dnf.conf"), "--installroot", join(root, "root"), "--releasever", "1", "--forcearch", "x86_64", "repoquery", "--qf", "%{name} %{version} %{release} %{arch}", "bao-kms-provider"], { env: env(), timeoutMs: 120_000 });
      };
      const ok = await query(a.repo!.dir, "ok");
      // repoquery lists every architecture in the repository (the arch filter applies to installs).
      expect(ok.stdout.trim().split("\n").sort()).toEqual(["aarch64", "x86_64"].map((arch) => `bao-kms-provider ${debVersion(a.version)} 1 ${arch}`));
      expect(ok.code).toBe(0);

      const tampered = copyRepo(a, "repomd");
      const f = join(tampered, "rpm/repodata/repomd.xml");
      writeFileSync(f, readFileSync(f, "utf8").replace(/<revision>(\d+)<\/revision>/, (_m, n) => `<revision>${Number(n) + 1}</revision>`));
      const bad = await query(tampered, "repomd");
      expect(bad.stdout).not.toContain("bao-kms-provider");
      expect(bad.code).not.toBe(0);
    }, 180_000);

    test("--repo with a GnuPG home of several keys needs --signing-key-id; with it, that key signs", async () => {
      const a = get();
      const home = await throwawayKey("two-a", "first <a@bao-kms-provider.invalid>");
      await must(["gpg", "--batch", "--homedir", home, "--passphrase", "", "--quick-gen-key", "second <b@bao-kms-provider.invalid>", "rsa3072", "sign", "never"], { env: { ...env(), GNUPGHOME: home } });
      const dir = workDir("repo-two");
      const built = { debs: { x64: a.debs.x64! }, rpms: { x64: a.rpms.x64! }, epoch: a.epoch };
      await expect(writeRepo(dir, built, { gnupgHome: home })).rejects.toThrow("choose one with --signing-key-id");
      const repo = await writeRepo(dir, built, { gnupgHome: home, id: "second <b@bao-kms-provider.invalid>" });
      const v = await sh(["gpgv", "--keyring", join(dir, "bao-kms-provider.gpg"), join(dir, "apt/dists", aptSuite, "InRelease")]);
      expect(v.code).toBe(0);
      const listed = await must(["gpg", "--batch", "--homedir", home, "--with-colons", "--list-keys", "second <b@bao-kms-provider.invalid>"], { env: { ...env(), GNUPGHOME: home } });
      expect(listed).toContain(`:${repo.fingerprint}:`);
    }, 120_000);

    test("bun run package --repo without a key is a usage error before anything is built", async () => {
      const r = await sh([process.execPath, "scripts/package.ts", "--repo", workDir("nokey")], { cwd: join(import.meta.dir, "../../.."), env: env() });
      expect(r.stderr).toContain("--repo needs a signing key");
      expect(r.code).toBe(2);
    });
  });
}
