// The pieces of scripts/package-oci.ts that need no build: the ustar writer (read back by GNU
// tar), and the static-pod manifest rendering from the template. The image itself is checked in
// test/packaging/suites/oci.ts (packages.test.ts).

import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { placeholderDigest, renderStaticPodManifest, staticPodTemplate, tar, type TarEntry } from "../../scripts/package-oci.ts";
import { must } from "./artifacts.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("tar writer", () => {
  const entries: TarEntry[] = [
    { path: "usr/bin/tool", type: "file", mode: 0o755, bytes: utf8("#!x\n".repeat(300)) },
    { path: "etc", type: "dir", mode: 0o755 },
    { path: "lib64/ld.so", type: "symlink", mode: 0o777, target: "/lib/x/ld.so" },
    { path: "etc/passwd", type: "file", mode: 0o644, bytes: utf8("nonroot:x:65532:65532::/:/x\n") },
    { path: "empty", type: "file", mode: 0o600, bytes: new Uint8Array(0) },
  ];

  test("GNU tar reads it back: sorted, 0/0, mtime = epoch, modes, sizes, link target, content", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bkp-tar-"));
    try {
      const file = join(dir, "t.tar");
      writeFileSync(file, tar(entries, 1795920592));
      const out = await must(["tar", "--numeric-owner", "--full-time", "-tvf", file], { env: { PATH: "/usr/bin:/bin", TZ: "UTC", LC_ALL: "C" } });
      expect(out.trim().split("\n").map((l) => l.replace(/\s+/g, " "))).toEqual([
        "-rw------- 0/0 0 2026-11-29 02:49:52 empty",
        "drwxr-xr-x 0/0 0 2026-11-29 02:49:52 etc/",
        "-rw-r--r-- 0/0 28 2026-11-29 02:49:52 etc/passwd",
        "lrwxrwxrwx 0/0 0 2026-11-29 02:49:52 lib64/ld.so -> /lib/x/ld.so",
        "-rwxr-xr-x 0/0 1200 2026-11-29 02:49:52 usr/bin/tool",
      ]);
      const x = join(dir, "x");
      await must(["mkdir", x]);
      await must(["tar", "-xf", file, "-C", x]);
      expect(readFileSync(join(x, "usr/bin/tool"), "utf8")).toBe("#!x\n".repeat(300));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the same entries in any order give the same bytes; 512-byte blocks and two zero blocks at the end", () => {
    const a = tar(entries, 1);
    const b = tar([...entries].reverse(), 1);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(a.length % 512).toBe(0);
    expect(a.subarray(a.length - 1024).every((x) => x === 0)).toBe(true);
    expect(Buffer.from(tar(entries, 2)).equals(Buffer.from(a))).toBe(false); // the epoch is in every header
  });

  test("a path twice or a name over 100 bytes is refused", () => {
    expect(() => tar([...entries, { path: "etc", type: "dir", mode: 0o755 }], 1)).toThrow(/etc twice/);
    expect(() => tar([{ path: "a/".repeat(60) + "b", type: "file", mode: 0o644, bytes: new Uint8Array(1) }], 1)).toThrow(/longer than 100/);
  });
});

describe("static-pod manifest from the template", () => {
  const template = readFileSync(staticPodTemplate, "utf8");
  const ref = `localhost/bao-kms-provider@sha256:${"ab".repeat(32)}`;

  test("only the image line (and the comment about the placeholder) changes", () => {
    const out = renderStaticPodManifest(template, ref);
    const before = template.split("\n");
    const after = out.split("\n");
    expect(after.length).toBe(before.length);
    const changed = before.map((l, i) => [l, after[i]!] as const).filter(([l, r]) => l !== r);
    expect(changed.length).toBe(2);
    expect(changed.map(([, r]) => r.trim())).toContain(`image: ${ref}`);
    expect(out).not.toContain(placeholderDigest);
  });

  test("refuses a template without the placeholder, or with two", () => {
    expect(() => renderStaticPodManifest(template.replace(placeholderDigest, `sha256:${"1".repeat(64)}`), ref)).toThrow(/exactly one placeholder/);
    const line = template.split("\n").find((l) => l.includes(placeholderDigest))!;
    expect(() => renderStaticPodManifest(template.replace(line, `${line}\n${line}`), ref)).toThrow(/found 2/);
  });
});
