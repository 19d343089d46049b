// The post-install script (the .deb's postinst and the .rpm's %post) on its own: with every tool
// missing it only warns and exits 0; with stand-in tools that record their calls it runs
// sysusers, tmpfiles and (when systemd is the init) daemon-reload, and never enable or start;
// tools that fail only produce warnings. Runs the script from packaging/, which the packages
// carry byte for byte (test/packaging/suites/contents.ts).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../scripts/package-meta.ts";
import { sh } from "./artifacts.ts";

const script = join(repoRoot, "packaging/scripts/postinstall.sh");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync("/tmp/bkp-postinst-");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PATH dir whose tools only append "name args" to `log` and exit with `code`. */
function stubs(name: string, code: number): { path: string; log: string } {
  const bin = join(dir, name);
  const log = join(dir, `${name}.log`);
  mkdirSync(bin);
  writeFileSync(log, "");
  for (const tool of ["systemd-sysusers", "systemd-tmpfiles", "systemctl", "getent", "deb-systemd-invoke", "deb-systemd-helper"]) {
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "\${0##*/} $*" >> '${log}'\nexit ${code}\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  return { path: bin, log };
}

/** Runs the script in a private mount namespace where /run/systemd/system exists (systemd "running"). */
const underSystemd = (path: string) =>
  sh(["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", `mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/system && exec /bin/sh '${script}' configure`], {
    env: { PATH: `${path}:/usr/bin:/bin` },
  });

describe("postinstall", () => {
  test("no tools at all (empty PATH): warns for each and exits 0", async () => {
    const r = await sh(["/bin/sh", script, "configure"], { env: { PATH: "/nonexistent" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("warning: systemd-sysusers not found");
    expect(r.stderr).toContain("warning: systemd-tmpfiles not found");
    expect(r.stderr).toContain("warning: getent not found");
    expect(r.stderr).toContain("installed, not enabled and not started");
  });

  test("with systemd running: sysusers, tmpfiles --create, daemon-reload, in that order, and nothing else", async () => {
    expect(process.getuid?.()).toBe(0); // unshare --mount needs root (CI runs as root)
    const s = stubs("ok", 0);
    const r = await underSystemd(s.path);
    expect(r.stderr).not.toContain("warning");
    expect(r.code).toBe(0);
    const calls = readFileSync(s.log, "utf8").trim().split("\n").filter((l) => !l.startsWith("getent "));
    expect(calls).toEqual([
      "systemd-sysusers /usr/lib/sysusers.d/openbao-kms.conf",
      "systemd-tmpfiles --create /usr/lib/tmpfiles.d/openbao-kms.conf",
      "systemctl daemon-reload",
    ]);
  });

  test("without systemd as init (a container, a chroot): no systemctl call at all", async () => {
    const s = stubs("noinit", 0);
    const r = await sh(["/bin/sh", script, "configure"], { env: { PATH: `${s.path}:/usr/bin:/bin` } });
    expect(r.code).toBe(0);
    expect(readFileSync(s.log, "utf8")).not.toContain("systemctl");
  });

  test("every tool failing: warnings only, exit 0", async () => {
    const s = stubs("fail", 1);
    const r = await underSystemd(s.path);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning: systemd-sysusers failed");
    expect(r.stderr).toContain("warning: group openbao-kms does not exist");
    expect(r.stderr).toContain("warning: user openbao-kms does not exist");
    expect(r.stderr).toContain("warning: systemd-tmpfiles failed");
    expect(r.stderr).toContain("warning: systemctl daemon-reload failed");
    expect(readFileSync(s.log, "utf8")).toContain("systemctl daemon-reload");
  });
});
