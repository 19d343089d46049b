// `bao-kms-provider install systemd --root DIR` with the released amd64 binary: it writes exactly
// the .deb's files (same bytes, same modes, root-owned) plus the config from the example, creates
// the directories of docs/design.md's host layout with their owners and modes, and keeps an
// existing config unless --force.

import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Artifacts } from "../../../scripts/package.ts";
import { debDocExtras } from "../../../scripts/package-deb.ts";
import { packageOnlyPaths } from "../../../scripts/package-extras.ts";
import { must, octal, sh, workDir } from "../artifacts.ts";

const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

/** Every path under `root` (relative, with a leading /), directories included, sorted. */
export function walk(root: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const p = `${rel}/${e.name}`;
    out.push(p);
    if (e.isDirectory()) out.push(...walk(root, p));
  }
  return out.sort();
}

/** The host layout of docs/design.md (plus /var/lib/openbao-kms, the user's home), written out. */
export const designLayout: ReadonlyArray<readonly [path: string, owner: string, group: string, mode: number]> = [
  ["/etc/openbao-kms", "root", "openbao-kms", 0o750],
  ["/etc/openbao-kms/tls", "root", "root", 0o755],
  ["/var/lib/openbao-kms", "root", "openbao-kms", 0o750],
  ["/var/lib/openbao-kms/state", "openbao-kms", "openbao-kms", 0o750],
  ["/run/openbao-kms", "openbao-kms", "openbao-kms-socket", 0o2750],
];

/** A root with its own passwd/group (IDs that differ from any host's) so owners can be checked. */
function makeRoot(tag: string): { root: string; uid: Record<string, number>; gid: Record<string, number> } {
  const root = workDir(tag);
  mkdirSync(join(root, "etc"));
  writeFileSync(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nopenbao-kms:x:4711:4711::/var/lib/openbao-kms:/usr/sbin/nologin\n");
  writeFileSync(join(root, "etc/group"), "root:x:0:\nopenbao-kms:x:4711:\nopenbao-kms-socket:x:4712:openbao-kms\n");
  return { root, uid: { root: 0, "openbao-kms": 4711 }, gid: { root: 0, "openbao-kms": 4711, "openbao-kms-socket": 4712 } };
}

export function installCliSuite(get: () => Artifacts): void {
  describe("install systemd --root", () => {
    test("writes exactly the .deb's files with the same bytes and modes, plus the config; the host layout's owners and modes", async () => {
      expect(process.getuid?.()).toBe(0); // chown needs root (CI runs as root)
      const a = get();
      const deb = workDir("deb-tree");
      await must(["dpkg-deb", "-x", a.debs.x64!, deb]);
      const r = makeRoot("install-root");
      const run = await sh([a.binaries.x64!, "install", "systemd", "--root", r.root]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Nothing was enabled or started. Next steps:");
      expect(run.stdout).not.toContain("Owners not set");

      const debFiles = walk(deb).filter((p) => lstatSync(join(deb, p)).isFile() && !debDocExtras.includes(p) && !packageOnlyPaths.includes(p));
      const installed = walk(r.root).filter((p) => lstatSync(join(r.root, p)).isFile() && p !== "/etc/passwd" && p !== "/etc/group");
      expect(installed).toEqual([...debFiles, "/etc/openbao-kms/config.toml"].sort());
      for (const p of debFiles) {
        const d = lstatSync(join(deb, p));
        const i = lstatSync(join(r.root, p));
        expect(`${p} ${octal(i.mode & 0o7777)} ${i.uid}:${i.gid} ${sha(join(r.root, p))}`).toBe(`${p} ${octal(d.mode & 0o7777)} 0:0 ${sha(join(deb, p))}`);
      }
      // The binary it installs is itself: the build output.
      expect(sha(join(r.root, "usr/bin/bao-kms-provider"))).toBe(sha(a.binaries.x64!));

      const cfg = lstatSync(join(r.root, "etc/openbao-kms/config.toml"));
      expect(`${octal(cfg.mode & 0o7777)} ${cfg.uid}:${cfg.gid}`).toBe(`0640 0:${r.gid["openbao-kms"]}`);
      expect(readFileSync(join(r.root, "etc/openbao-kms/config.toml"), "utf8")).toBe(readFileSync(join(deb, "usr/share/doc/bao-kms-provider/config.toml"), "utf8"));
      for (const [path, owner, group, mode] of designLayout) {
        const st = lstatSync(join(r.root, path));
        expect(`${path} ${st.isDirectory()} ${octal(st.mode & 0o7777)} ${st.uid}:${st.gid}`).toBe(`${path} true ${octal(mode)} ${r.uid[owner]}:${r.gid[group]}`);
      }
      // Every other directory it made is root-owned 0755, like the package's.
      const layoutDirs = new Set(designLayout.map(([p]) => p));
      for (const p of walk(r.root).filter((x) => lstatSync(join(r.root, x)).isDirectory() && !layoutDirs.has(x))) {
        const st = lstatSync(join(r.root, p));
        expect(`${p} ${octal(st.mode & 0o7777)} ${st.uid}:${st.gid}`).toBe(`${p} 0755 0:0`);
      }
    }, 60_000);

    test("keeps an existing config (also a symlink) unless --force; --force writes the example", async () => {
      const a = get();
      const r = makeRoot("install-force");
      mkdirSync(join(r.root, "etc/openbao-kms"), { recursive: true });
      writeFileSync(join(r.root, "etc/openbao-kms/config.toml"), "# mine\n", { mode: 0o600 });
      const first = await sh([a.binaries.x64!, "install", "systemd", "--root", r.root]);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/kept\s+\/etc\/openbao-kms\/config\.toml/);
      expect(readFileSync(join(r.root, "etc/openbao-kms/config.toml"), "utf8")).toBe("# mine\n");
      // A second run changes nothing else either: every file "unchanged".
      expect(first.stdout).toMatch(/written\s+\/usr\/bin\/bao-kms-provider/);
      const again = await sh([a.binaries.x64!, "install", "systemd", "--root", r.root]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/unchanged\s+\/usr\/bin\/bao-kms-provider/);
      expect(again.stdout).toMatch(/unchanged\s+\/usr\/lib\/systemd\/system\/bao-kms-provider\.service/);

      const forced = await sh([a.binaries.x64!, "install", "systemd", "--root", r.root, "--force"]);
      expect(forced.code).toBe(0);
      const example = readFileSync(join(r.root, "usr/share/doc/bao-kms-provider/config.toml"), "utf8");
      expect(readFileSync(join(r.root, "etc/openbao-kms/config.toml"), "utf8")).toBe(example);

      // A symlink where the config goes counts as an existing config: never followed, never replaced.
      const s = makeRoot("install-symlink");
      mkdirSync(join(s.root, "etc/openbao-kms"), { recursive: true });
      writeFileSync(join(s.root, "target"), "elsewhere\n");
      symlinkSync(join(s.root, "target"), join(s.root, "etc/openbao-kms/config.toml"));
      const linked = await sh([a.binaries.x64!, "install", "systemd", "--root", s.root]);
      expect(linked.code).toBe(0);
      expect(lstatSync(join(s.root, "etc/openbao-kms/config.toml")).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(s.root, "target"), "utf8")).toBe("elsewhere\n");
    }, 60_000);

    test("unknown target and unknown flag are usage errors (exit 2) that write nothing", async () => {
      const a = get();
      const r = makeRoot("install-usage");
      for (const args of [["install", "sysvinit", "--root", r.root], ["install", "systemd", "--root", r.root, "--enable"], ["install"]]) {
        const run = await sh([a.binaries.x64!, ...args]);
        expect(`${args.join(" ")} → ${run.code}`).toBe(`${args.join(" ")} → 2`);
      }
      expect(walk(r.root)).toEqual(["/etc", "/etc/group", "/etc/passwd"]);
    });
  });
}
