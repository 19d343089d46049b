// scripts/package-glibc.ts's checks on a libc6 .deb (the arm64 image's glibc source), on small
// .debs built here with dpkg-deb -b: the right one is read with the package's modes; a wrong
// Package or Architecture, a file that differs from the .deb's md5sums, a soname the package
// does not ship, and a missing --arm64-libc-deb file are refused. No network, nothing installed.

import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { debGlibc, glibcSource, parseMd5sums } from "../../scripts/package-glibc.ts";

const work = mkdtempSync(join(tmpdir(), "bkp-glibc-deb-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const md5 = (s: string) => createHash("md5").update(s).digest("hex");
let n = 0;

/** A .deb with lib/aarch64-linux-gnu/{libc.so.6 (0755), libm.so.6 (0644)}; md5sums may lie about libc.so.6. */
async function makeDeb(opts: { pkg?: string; arch?: string; lieAboutLibc?: boolean } = {}): Promise<string> {
  const root = join(work, `pkg${n++}`);
  const lib = join(root, "lib/aarch64-linux-gnu");
  mkdirSync(lib, { recursive: true });
  mkdirSync(join(root, "DEBIAN"));
  const files = { "libc.so.6": "not really libc\n", "libm.so.6": "not really libm\n" };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(lib, name), text);
  chmodSync(join(lib, "libc.so.6"), 0o755);
  chmodSync(join(lib, "libm.so.6"), 0o644);
  writeFileSync(join(root, "DEBIAN/control"), `Package: ${opts.pkg ?? "libc6"}\nVersion: 2.36-9+deb12u99\nArchitecture: ${opts.arch ?? "arm64"}\nMaintainer: Test <test@example.invalid>\nDescription: test\n`);
  const sums = Object.entries(files).map(([name, text]) => `${opts.lieAboutLibc && name === "libc.so.6" ? md5("other") : md5(text)}  lib/aarch64-linux-gnu/${name}\n`);
  writeFileSync(join(root, "DEBIAN/md5sums"), sums.join(""));
  const deb = `${root}.deb`;
  const p = Bun.spawn(["dpkg-deb", "--root-owner-group", "-Zgzip", "-b", root, deb], { stdout: "pipe", stderr: "pipe" });
  if ((await p.exited) !== 0) throw new Error(`dpkg-deb -b: ${await new Response(p.stderr).text()}`);
  return deb;
}

describe("the libc6 .deb the arm64 image takes glibc from", () => {
  test("a native libc6 arm64 .deb: label, version, bytes and the package's modes", async () => {
    const src = await debGlibc(await makeDeb(), "aarch64-linux-gnu", "arm64");
    try {
      expect(src.label).toBe("libc6 2.36-9+deb12u99");
      const c = src.file("libc.so.6");
      expect({ path: c.path, text: new TextDecoder().decode(c.bytes), mode: c.mode.toString(8) }).toEqual({ path: "lib/aarch64-linux-gnu/libc.so.6", text: "not really libc\n", mode: "755" });
      expect(src.file("libm.so.6").mode.toString(8)).toBe("644");
      expect(() => src.file("libpthread.so.0")).toThrow("is not a file of");
    } finally {
      src.cleanup();
    }
  });

  test("a file that differs from the .deb's md5sums is refused", async () => {
    const src = await debGlibc(await makeDeb({ lieAboutLibc: true }), "aarch64-linux-gnu", "arm64");
    try {
      expect(() => src.file("libc.so.6")).toThrow("differs from its md5sums");
      expect(src.file("libm.so.6").path).toBe("lib/aarch64-linux-gnu/libm.so.6");
    } finally {
      src.cleanup();
    }
  });

  test("the cross package, or libc6 of another architecture, is refused", async () => {
    await expect(debGlibc(await makeDeb({ pkg: "libc6-arm64-cross", arch: "all" }), "aarch64-linux-gnu", "arm64")).rejects.toThrow("not the native libc6:arm64 package");
    await expect(debGlibc(await makeDeb({ arch: "amd64" }), "aarch64-linux-gnu", "arm64")).rejects.toThrow("not the native libc6:arm64 package");
  });

  test("--arm64-libc-deb naming a missing file fails (no download instead)", async () => {
    await expect(glibcSource("arm64", "aarch64-linux-gnu", { arm64LibcDeb: join(work, "missing.deb"), cacheDir: join(work, "no-cache") })).rejects.toThrow("no such file");
  });

  test("md5sums lines are parsed strictly", () => {
    expect([...parseMd5sums(`${md5("x")}  lib/a\n`)]).toEqual([["lib/a", md5("x")]]);
    expect(() => parseMd5sums("garbage\n")).toThrow("unexpected line");
  });
});
