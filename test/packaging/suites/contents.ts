// What the .deb and .rpm carry: the file list with exact modes and root ownership, the
// same files (same bytes) in both, the build output's exact binary, unstripped (it still runs),
// SHA256SUMS, lintian and rpmlint with only the justified overrides, the arm64 build under qemu.

import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Artifacts } from "../../../scripts/package.ts";
import { debDocExtras } from "../../../scripts/package-deb.ts";
import { repoRoot } from "../../../scripts/package-meta.ts";
import { debEntries, describeEntries, must, octal, rpmEntries, sh, workDir, type Entry } from "../artifacts.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The list, written out here (not read from src/install/layout.ts) so a change there fails. */
const required: ReadonlyArray<readonly [path: string, mode: number]> = [
  ["/usr/bin/bao-kms-provider", 0o755],
  ["/usr/lib/systemd/system/bao-kms-provider.service", 0o644],
  ["/usr/lib/sysusers.d/openbao-kms.conf", 0o644],
  ["/usr/lib/tmpfiles.d/openbao-kms.conf", 0o644],
  ["/usr/share/doc/bao-kms-provider/config.toml", 0o644],
  ["/usr/share/doc/bao-kms-provider/encryption-config.yaml", 0o644],
  ["/usr/share/man/man1/bao-kms-provider.1.gz", 0o644],
];
/** Source of each packaged text file: the package must carry these bytes. */
const sources: Record<string, string> = {
  "/usr/lib/systemd/system/bao-kms-provider.service": "packaging/systemd/bao-kms-provider.service",
  "/usr/lib/sysusers.d/openbao-kms.conf": "packaging/systemd/sysusers.conf",
  "/usr/lib/tmpfiles.d/openbao-kms.conf": "packaging/systemd/tmpfiles.conf",
  "/usr/share/doc/bao-kms-provider/config.toml": "packaging/examples/config.toml",
  "/usr/share/doc/bao-kms-provider/encryption-config.yaml": "packaging/examples/encryption-config.yaml",
};

const files = (entries: readonly Entry[]) => entries.filter((e) => e.type === "file");

/** Operator files (issue 17): the monitoring mixin and the bash/zsh completions, written out here too. */
const monitoring = "/usr/share/bao-kms-provider/monitoring";
const zshPath = { deb: "/usr/share/zsh/vendor-completions/_bao-kms-provider", rpm: "/usr/share/zsh/site-functions/_bao-kms-provider" } as const;
const bashPath = "/usr/share/bash-completion/completions/bao-kms-provider";
const operatorSources: Record<string, string> = {
  [`${monitoring}/prometheus-alerts.yaml`]: "packaging/monitoring/prometheus-alerts.yaml",
  [`${monitoring}/prometheus-rules.yaml`]: "packaging/monitoring/prometheus-rules.yaml",
  [`${monitoring}/grafana-dashboard.json`]: "packaging/monitoring/grafana-dashboard.json",
  "/usr/share/doc/bao-kms-provider/monitoring.md": "packaging/monitoring/README.md",
  "/usr/share/doc/bao-kms-provider/runbook.md": "docs/runbook.md",
};
const operatorRequired: ReadonlyArray<readonly [string, number]> = [...Object.keys(operatorSources), bashPath, zshPath.deb].map((p) => [p, 0o644] as const);
/** Where the rpm has a .deb path (only zsh's completion directory differs). */
const rpmPath = (p: string) => (p === zshPath.deb ? zshPath.rpm : p);
/** What lintian reports beyond the overrides (the gate: must be empty); lint-gates.ts proves it catches a new tag. */
export function lintianFindings(r: { stdout: string; stderr: string }): string[] {
  const lines = (r.stdout + r.stderr).split("\n").filter((l) => l !== "" && l !== "running with root privileges is not recommended!");
  // Bundled libraries' typos inside the Bun runtime are info-level and not ours to fix.
  return lines.filter((l) => !/^I: bao-kms-provider: spelling-error-in-binary /.test(l));
}

/** rpmlint's findings beyond the filters (must be empty): its W:/E: lines, an unused filter, or a summary that is not all zeros. */
export function rpmlintFindings(r: { stdout: string; stderr: string }): string[] {
  const out = r.stdout + r.stderr;
  const lines = out.split("\n").filter((l) => /^\S+: [EW]: /.test(l) || l.includes("unused-rpmlintrc-filter"));
  if (!/ 0 errors, 0 warnings, 0 badness/.test(out)) lines.push(out.split("\n").find((l) => / errors?, \d+ warnings?/.test(l)) ?? "no rpmlint summary line");
  return lines;
}

export function contentsSuite(get: () => Artifacts): void {
  describe("package contents", () => {
    for (const arch of ["x64", "arm64"] as const) {
      test(`${arch}: the .deb has exactly the layout's files, root:root, with the issue's modes; no /etc file`, async () => {
        const entries = await debEntries(get().debs[arch]!);
        for (const e of entries) {
          expect(`${e.path} ${e.owner}:${e.group}`).toBe(`${e.path} root:root`);
          if (e.type === "dir") expect(`${e.path} ${e.mode.toString(8)}`).toBe(`${e.path} 755`);
          expect(e.type === "file" || e.type === "dir").toBe(true);
        }
        const got = files(entries).map((e) => [e.path, e.mode] as const).sort();
        const want = [...required, ...operatorRequired, ...debDocExtras.map((p) => [p, 0o644] as const)].sort();
        expect(got.map(([p, m]) => `${p} ${m.toString(8)}`)).toEqual(want.map(([p, m]) => `${p} ${m.toString(8)}`));
        expect(entries.some((e) => e.path.startsWith("/etc") || e.path.startsWith("/var") || e.path.startsWith("/run"))).toBe(false);
      });

      test(`${arch}: the .rpm has the same files and modes as the .deb (less Debian's copyright, changelog and lintian overrides)`, async () => {
        const deb = await debEntries(get().debs[arch]!);
        const rpm = await rpmEntries(get().rpms[arch]!);
        const debFiles = files(deb).filter((e) => !debDocExtras.includes(e.path)).map((e) => ({ ...e, path: rpmPath(e.path) }));
        expect(describeEntries(files(rpm))).toEqual(describeEntries(debFiles));
        // rpm owns only its own dirs; the rest belong to the filesystem (and shells') packages.
        expect(describeEntries(rpm.filter((e) => e.type !== "file"))).toEqual([
          "/usr/share/bao-kms-provider 0755 root:root dir",
          "/usr/share/bao-kms-provider/monitoring 0755 root:root dir",
          "/usr/share/doc/bao-kms-provider 0755 root:root dir",
        ]);
      });

      test(`${arch}: both packages carry the same bytes for every file, the text files as in packaging/`, async () => {
        const a = get();
        const dir = workDir(`x-${arch}`);
        await must(["dpkg-deb", "-x", a.debs[arch]!, join(dir, "deb")]);
        await must(["sh", "-c", `mkdir -p '${dir}/rpm' && cd '${dir}/rpm' && rpm2cpio '${a.rpms[arch]}' | cpio -idm --quiet`]);
        const all = { ...sources, ...operatorSources };
        for (const [path] of [...required, ...operatorRequired]) {
          const fromDeb = readFileSync(join(dir, "deb", path));
          const fromRpm = readFileSync(join(dir, "rpm", rpmPath(path)));
          expect(`${path} ${sha256(fromRpm)}`).toBe(`${path} ${sha256(fromDeb)}`);
          if (all[path]) expect(`${path} ${sha256(fromDeb)}`).toBe(`${path} ${sha256(readFileSync(join(repoRoot, all[path]!)))}`);
        }
        if (arch === "x64") {
          // The completions are what the packaged binary itself prints for `completion bash|zsh`.
          for (const [shell, path] of [["bash", bashPath], ["zsh", zshPath.deb]] as const) {
            const printed = await must([join(dir, "deb/usr/bin/bao-kms-provider"), "completion", shell]);
            expect(`${path} ${sha256(readFileSync(join(dir, "deb", path)))}`).toBe(`${path} ${sha256(new TextEncoder().encode(printed))}`);
          }
        }
        // The binary inside both is the build output, byte for byte.
        const built = sha256(readFileSync(a.binaries[arch]!));
        expect(sha256(readFileSync(join(dir, "deb/usr/bin/bao-kms-provider")))).toBe(built);
        expect(sha256(readFileSync(join(dir, "rpm/usr/bin/bao-kms-provider")))).toBe(built);
        expect(statSync(join(dir, "rpm/usr/bin/bao-kms-provider")).mode & 0o7777).toBe(0o755);
        // The man page is gzip of packaging/man/bao-kms-provider.1.
        const man = Bun.gunzipSync(readFileSync(join(dir, "deb/usr/share/man/man1/bao-kms-provider.1.gz")));
        expect(Buffer.from(man).toString()).toBe(readFileSync(join(repoRoot, "packaging/man/bao-kms-provider.1"), "utf8"));
      }, 120_000); // unpacking two xz payloads of 110 MB each
    }

    test("the amd64 binary extracted from the .deb is not stripped: it has its symbol table and still runs `version`", async () => {
      const a = get();
      const dir = workDir("x-run");
      await must(["dpkg-deb", "-x", a.debs.x64!, dir]);
      const bin = join(dir, "usr/bin/bao-kms-provider");
      const sections = await must(["readelf", "-SW", bin]);
      expect(sections).toContain(".symtab");
      const r = await sh([bin, "version"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      // A stripped compiled Bun binary is plain bun: it would not know the `version` command.
      expect(r.stdout).toMatch(new RegExp(`^bao-kms-provider ${a.version.replaceAll(".", "\\.")}\\ncommit: [0-9a-f]{40}\\n`));
      expect(r.stdout).toContain(`build date: ${new Date(a.epoch * 1000).toISOString()}`);
    });

    test("the arm64 binary runs `version` under qemu-aarch64-static", async () => {
      const a = get();
      const elf = await must(["readelf", "-h", a.binaries.arm64!]);
      expect(elf).toMatch(/Machine:\s+AArch64/);
      // -L: the arm64 glibc of libc6-arm64-cross (the binary links libc.so.6 dynamically).
      const r = await sh(["qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu", a.binaries.arm64!, "version"], { timeoutMs: 60_000 });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^bao-kms-provider ${a.version.replaceAll(".", "\\.")}\\ncommit: [0-9a-f]{40}\\n`));
    }, 90_000);

    test("SHA256SUMS lists every artifact and sha256sum -c accepts it", async () => {
      const a = get();
      const names = a.sums.trim().split("\n").map((l) => l.split("  ")[1]);
      expect(names).toEqual([
        `bao-kms-provider-${a.version}-1.aarch64.rpm`,
        `bao-kms-provider-${a.version}-1.x86_64.rpm`,
        `bao-kms-provider_${a.version}_amd64.deb`,
        `bao-kms-provider_${a.version}_arm64.deb`,
        `bao-kms-provider_${a.version}_linux_amd64`,
        `bao-kms-provider_${a.version}_linux_arm64`,
        `bao-kms-provider_${a.version}_oci-index.json`,
        `bao-kms-provider_${a.version}_oci.tar`,
        `bao-kms-provider_${a.version}_provenance.intoto.json`,
        `bao-kms-provider_${a.version}_sbom.cdx.json`,
        `bao-kms-provider_${a.version}_static-pod.yaml`,
      ]);
      const r = await sh(["sha256sum", "--strict", "-c", "SHA256SUMS"], { cwd: a.dir });
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split("\n")).toHaveLength(names.length);
    }, 60_000); // about 700 MB to hash, with the image archive

    test("control data: Architecture, Version, Depends = the glibc the binary needs; the rpm's name, arch, build time and scripts", async () => {
      const a = get();
      for (const [arch, debArch, rpmArch] of [["x64", "amd64", "x86_64"], ["arm64", "arm64", "aarch64"]] as const) {
        const f = (field: string) => must(["dpkg-deb", "-f", a.debs[arch]!, field]).then((s) => s.trim());
        expect(await f("Architecture")).toBe(debArch);
        expect(await f("Version")).toBe(a.version.replace("-", "~"));
        expect(await f("Package")).toBe("bao-kms-provider");
        expect(await f("Pre-Depends")).toBe("");
        // Depends names the newest glibc symbol version the binary needs, no more, no less.
        const versions = [...(await must(["readelf", "-V", a.binaries[arch]!])).matchAll(/GLIBC_([0-9]+)\.([0-9]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
        const [major, minor] = versions.sort((x, y) => x[0] - y[0] || x[1] - y[1]).at(-1)!;
        expect(await f("Depends")).toBe(`libc6 (>= ${major}.${minor})`);
        const q = await must(["rpm", "-qp", "--qf", "%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{BUILDTIME}\\n", a.rpms[arch]!]);
        expect(q.trim()).toBe(`bao-kms-provider ${a.version.replace("-", "~")} 1 ${rpmArch} ${a.epoch}`);
      }
      const scripts = await must(["rpm", "-qp", "--scripts", a.rpms.x64!]);
      expect(scripts).toContain("systemd-sysusers /usr/lib/sysusers.d/openbao-kms.conf");
      // Commands only (a message may tell the operator to run `systemctl enable`): the scripts
      // call systemctl for daemon-reload and, on erase, stop; never enable, start or preset.
      const calls = scripts.split("\n").map((l) => l.trim()).filter((l) => /^(systemctl|deb-systemd-invoke|deb-systemd-helper)\b/.test(l));
      expect(calls.map((l) => l.split(" ")[1])).toEqual(["daemon-reload", "stop", "daemon-reload"]);
    });

    test(".deb maintainer scripts: postinst is packaging/scripts/postinstall.sh; systemd is only reloaded or (on removal) stopped", async () => {
      const dir = workDir("ctrl");
      await must(["dpkg-deb", "-e", get().debs.x64!, dir]);
      expect(readFileSync(join(dir, "postinst"), "utf8")).toBe(readFileSync(join(repoRoot, "packaging/scripts/postinstall.sh"), "utf8"));
      const verbs: string[] = [];
      for (const name of ["postinst", "prerm", "postrm"]) {
        expect(`${name} ${octal(statSync(join(dir, name)).mode & 0o7777)}`).toBe(`${name} 0755`);
        for (const line of readFileSync(join(dir, name), "utf8").split("\n").map((l) => l.trim())) {
          const m = /^(systemctl|deb-systemd-invoke|deb-systemd-helper)\s+(\S+)/.exec(line);
          if (m) verbs.push(`${name}: ${m[1]} ${m[2]}`);
        }
      }
      expect(verbs).toEqual(["postinst: systemctl daemon-reload", "prerm: deb-systemd-invoke stop", "postrm: systemctl daemon-reload"]);
      // The purge deletes only the provider's own directories.
      const rm = readFileSync(join(dir, "postrm"), "utf8").split("\n").filter((l) => /^\s*rm(dir)?\s/.test(l)).map((l) => l.trim());
      expect(rm).toEqual([
        "rm -rf /etc/openbao-kms /var/lib/openbao-kms",
        "rm -f /run/openbao-kms/kms.sock",
        "rmdir /run/openbao-kms 2>/dev/null || true",
        "rm -f /etc/systemd/system/*.wants/bao-kms-provider.service",
      ]);
    });

    test("lintian: nothing but the overrides in packaging/deb/lintian-overrides, and every override is used", async () => {
      const a = get();
      for (const deb of [a.debs.x64!, a.debs.arm64!]) {
        // -I adds info tags, which is where an unused override would show.
        const r = await sh(["lintian", "--fail-on", "error,warning", "-I", deb], { timeoutMs: 120_000 });
        expect(lintianFindings(r)).toEqual([]);
        expect(r.code).toBe(0);
      }
      // What each override silenced (O:), once: the overrides are the same file for both arches.
      // (lintian exits 2 with --show-overrides, whatever it finds, so only its lines count here.)
      const o = await sh(["lintian", "-I", "--show-overrides", a.debs.x64!], { timeoutMs: 120_000 });
      const overridden = o.stdout.split("\n").filter((l) => l.startsWith("O: ")).map((l) => l.slice(3)).sort();
      const declared = readFileSync(join(repoRoot, "packaging/deb/lintian-overrides"), "utf8").split("\n").filter((l) => l.startsWith("bao-kms-provider: ")).sort();
      expect(overridden).toEqual(declared);
    }, 240_000);

    test("rpmlint: clean with packaging/rpm/rpmlint.toml and the filters in packaging/rpm/rpmlintrc (none unused)", async () => {
      const a = get();
      for (const rpm of [a.rpms.x64!, a.rpms.arm64!]) {
        const r = await sh(["rpmlint", "-c", join(repoRoot, "packaging/rpm/rpmlint.toml"), "-r", join(repoRoot, "packaging/rpm/rpmlintrc"), rpm], { timeoutMs: 120_000 });
        expect(rpmlintFindings(r)).toEqual([]);
        expect(r.code).toBe(0);
      }
    }, 120_000);
  });
}
