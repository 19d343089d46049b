// Builds bao-kms-provider-<version>-1.<arch>.rpm with rpmbuild from a staged payload: no strip,
// no debuginfo, build time and host from SOURCE_DATE_EPOCH, mtimes clamped, so a rebuild of
// the same commit is byte-identical.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stagePayload } from "./package-stage.ts";
import { type PackageMeta, maintainer, repoRoot, run } from "./package-meta.ts";
import { operatorDirs, operatorFiles } from "./package-extras.ts";

export const rpmArch = { x64: "x86_64", arm64: "aarch64" } as const;
/** SPDX: our code (Apache-2.0) and what the compiled executable bundles (packaging/deb/copyright). */
export const rpmLicense = "Apache-2.0 AND MIT AND LGPL-2.0-or-later AND BSD-2-Clause AND BSD-3-Clause";

const packagingText = (p: string) => readFileSync(join(repoRoot, "packaging", p), "utf8");

/** rpm forbids `-` in Version; `~` sorts a pre-release before its release, as in semver. */
export const rpmVersion = (v: string) => v.replace("-", "~");

/** "Sat Nov 28 2026", the %changelog date format. */
function changelogDate(epoch: number): string {
  const [wd, day, mon, year] = new Date(epoch * 1000).toUTCString().split(" ") as [string, string, string, string];
  return `${wd.slice(0, 3)} ${mon} ${day} ${year}`;
}

export async function buildRpm(binary: string, meta: PackageMeta, workdir: string, outdir: string): Promise<string> {
  const base = join(workdir, `rpm-${meta.arch}`);
  const stage = stagePayload(join(base, "stage"), binary, await operatorFiles("rpm"), meta.epoch);
  const files = [
    ...[...stage.ownedDirs, ...operatorDirs].map((d) => `%dir %attr(0755,root,root) ${d}`),
    ...stage.files.map((f) => `%attr(${f.mode.toString(8).padStart(4, "0")},root,root) ${f.path}`),
  ].join("\n");
  const version = rpmVersion(meta.version);
  const spec = packagingText("rpm/bao-kms-provider.spec.in")
    .replaceAll("@VERSION@", version)
    .replaceAll("@LICENSE@", rpmLicense)
    .replaceAll("@MAINTAINER@", maintainer)
    .replaceAll("@STAGE@", stage.root)
    .replace("@POST@", packagingText("scripts/postinstall.sh"))
    .replace("@PREUN@", packagingText("rpm/preun.sh"))
    .replace("@POSTUN@", packagingText("rpm/postun.sh"))
    .replace("@FILES@", files)
    .replace("@CHANGELOG_DATE@", changelogDate(meta.epoch))
    .replace("@COMMIT@", meta.commit);
  const specPath = join(base, "bao-kms-provider.spec");
  writeFileSync(specPath, spec);
  mkdirSync(join(base, "top"), { recursive: true });
  await run([
    "rpmbuild", "-bb", "--quiet", `--target=${rpmArch[meta.arch]}-linux`,
    "--define", `_topdir ${join(base, "top")}`,
    "--define", `_rpmdir ${outdir}`,
    "--define", "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm",
    "--define", "_tmppath /tmp",
    specPath,
  ], { SOURCE_DATE_EPOCH: String(meta.epoch), HOME: base });
  return join(outdir, `bao-kms-provider-${version}-1.${rpmArch[meta.arch]}.rpm`);
}
