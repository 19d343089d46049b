// Builds bao-kms-provider_<version>_<arch>.deb with dpkg-deb from a staged payload: root-owned
// entries, mtimes at SOURCE_DATE_EPOCH, sorted md5sums, gzip -n changelog, so a rebuild of the
// same commit is byte-identical.

import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { normaliseTree, stagePayload, type Extra } from "./package-stage.ts";
import { type PackageMeta, maintainer, repoRoot, run } from "./package-meta.ts";
import { operatorFiles } from "./package-extras.ts";

export const debArch = { x64: "amd64", arm64: "arm64" } as const;
/** The payload compression of both packages (the .rpm's is in its spec: w6.xzdio). */
export const payloadCompression = { deb: "xz", level: 6 } as const;
export const debDocExtras = ["/usr/share/doc/bao-kms-provider/copyright", "/usr/share/doc/bao-kms-provider/changelog.gz", "/usr/share/lintian/overrides/bao-kms-provider"];

const packagingFile = (p: string) => readFileSync(join(repoRoot, "packaging", p));

/** Debian versions sort `~` before everything: 1.0.0~rc.1 < 1.0.0, as semver wants. */
export const debVersion = (v: string) => v.replace("-", "~");

function changelog(meta: PackageMeta): Uint8Array {
  const date = new Date(meta.epoch * 1000).toUTCString().replace("GMT", "+0000");
  const text = `bao-kms-provider (${debVersion(meta.version)}) unstable; urgency=medium\n\n  * Release ${meta.version}, built from commit ${meta.commit}.\n\n -- ${maintainer}  ${date}\n`;
  return Bun.gzipSync(Buffer.from(text), { level: 9 });
}

export async function buildDeb(binary: string, meta: PackageMeta, workdir: string, outdir: string): Promise<string> {
  const root = join(workdir, `deb-${meta.arch}`);
  const extras: Extra[] = [
    { path: debDocExtras[0]!, mode: 0o644, bytes: packagingFile("deb/copyright") },
    { path: debDocExtras[1]!, mode: 0o644, bytes: changelog(meta) },
    { path: debDocExtras[2]!, mode: 0o644, bytes: packagingFile("deb/lintian-overrides") },
    ...(await operatorFiles("deb")),
  ];
  const stage = stagePayload(root, binary, extras, meta.epoch);

  const debian = join(root, "DEBIAN");
  mkdirSync(debian, { mode: 0o755 });
  let installedKiB = 0;
  const md5: string[] = [];
  for (const f of stage.files) {
    const bytes = readFileSync(join(root, f.path));
    installedKiB += Math.ceil(bytes.length / 1024);
    md5.push(`${createHash("md5").update(bytes).digest("hex")}  ${f.path.slice(1)}\n`);
  }
  const control = packagingFile("deb/control.in").toString()
    .replace("@VERSION@", debVersion(meta.version))
    .replace("@ARCH@", debArch[meta.arch])
    .replace("@MAINTAINER@", maintainer)
    .replace("@INSTALLED_SIZE@", String(installedKiB));
  const meta644: Array<[string, string | Uint8Array, number]> = [
    ["control", control, 0o644],
    ["md5sums", md5.join(""), 0o644],
    ["postinst", packagingFile("scripts/postinstall.sh"), 0o755],
    ["prerm", packagingFile("deb/prerm"), 0o755],
    ["postrm", packagingFile("deb/postrm"), 0o755],
  ];
  for (const [name, body, mode] of meta644) {
    writeFileSync(join(debian, name), body);
    chmodSync(join(debian, name), mode);
  }
  normaliseTree(root, meta.epoch);
  chmodSync(root, 0o755);

  const out = join(outdir, `bao-kms-provider_${debVersion(meta.version)}_${debArch[meta.arch]}.deb`);
  // xz -6 (docs/decisions/package-compression.md): 24% smaller than gzip -9, within the 45 MB
  // budget. One thread: the output must not depend on the build machine's core count, and the
  // four packages are compressed in parallel anyway. --root-owner-group: root:root, no fakeroot.
  await run(["dpkg-deb", "--root-owner-group", `-Z${payloadCompression.deb}`, `-z${payloadCompression.level}`, "--threads-max=1", "--build", root, out], { SOURCE_DATE_EPOCH: String(meta.epoch) });
  return out;
}
