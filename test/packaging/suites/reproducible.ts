// Reproducibility: a second, independent build of the same commit for both architectures (fresh
// binaries, .debs, .rpms, the OCI image archive, SBOM, provenance and SHA256SUMS in another
// directory) gives byte-identical artifacts and the same image digest, and so does a
// binary built from a copy of the checkout at another path. Prints the hashes.

import { describe, expect, test } from "bun:test";
import { basename } from "node:path";
import { sha256, type Artifacts } from "../../../scripts/package.ts";
import { join } from "node:path";
import { repoRoot } from "../../../scripts/package-meta.ts";
import { buildPackages, must, removeArtifacts, workDir } from "../artifacts.ts";

export function reproducibleSuite(get: () => Artifacts): void {
  describe("reproducible build", () => {
    test("building amd64 and arm64 again gives the same binaries, .debs, .rpms, OCI image archive (same digest), SBOM, provenance and SHA256SUMS, byte for byte", async () => {
      const first = get();
      const second = await buildPackages(["x64", "arm64"]);
      try {
        expect(second.epoch).toBe(first.epoch);
        const rows: string[] = [];
        const picks = [
          ...(["x64", "arm64"] as const).flatMap((arch) => [(a: Artifacts) => a.binaries[arch]!, (a: Artifacts) => a.debs[arch]!, (a: Artifacts) => a.rpms[arch]!]),
          (a: Artifacts) => a.sbom,
          (a: Artifacts) => a.provenance,
          (a: Artifacts) => join(a.dir, "SHA256SUMS"),
          // The static pod's image: the archive, its index (sha256 = the image digest) and the manifest pinned to it.
          (a: Artifacts) => a.oci.archive,
          (a: Artifacts) => a.oci.indexFile,
          (a: Artifacts) => a.oci.staticPod,
        ];
        for (const pick of picks) {
          const a = sha256(pick(first));
          const b = sha256(pick(second));
          rows.push(`  ${basename(pick(first))}\n    build 1 ${a}\n    build 2 ${b}`);
          expect(`${basename(pick(second))} ${b}`).toBe(`${basename(pick(first))} ${a}`);
        }
        // The arm64 glibc: the second build reused the first one's cached libc6 .deb (same file, same bytes).
        expect(`${second.oci.glibc.arm64!.deb} ${second.oci.glibc.arm64!.debSha256}`).toBe(`${first.oci.glibc.arm64!.deb} ${first.oci.glibc.arm64!.debSha256}`);
        rows.push(`  arm64 glibc: ${first.oci.glibc.arm64!.label} from ${first.oci.glibc.arm64!.deb} (sha256 ${first.oci.glibc.arm64!.debSha256})`);
        expect(second.oci.index).toBe(first.oci.index);
        for (const arch of ["x64", "arm64"] as const) expect(second.oci.arches[arch]!.manifest).toBe(first.oci.arches[arch]!.manifest);
        rows.push(`  image index (the image digest)\n    build 1 ${first.oci.index}\n    build 2 ${second.oci.index}`);
        console.error(`[packaging] SOURCE_DATE_EPOCH=${first.epoch}; two builds:\n${rows.join("\n")}`);
      } finally {
        removeArtifacts(second);
      }
    }, 1_200_000);

    test("a build from a copy of the checkout at another path gives the same binary", async () => {
      const first = get();
      // A clone of this commit with the work tree's tracked files on top (so uncommitted edits
      // build the same) and a copy of node_modules: nothing shared with the first build's paths.
      const dir = join(workDir("elsewhere"), "checkout");
      await must(["git", "clone", "--quiet", "--shared", repoRoot, dir]);
      await must(["sh", "-c", `git ls-files -z | tar --null -T - -cf - | tar -xf - -C '${dir}'`], { cwd: repoRoot });
      await must(["cp", "-a", join(repoRoot, "node_modules"), join(dir, "node_modules")]);
      const out = join(dir, "out");
      await must([process.execPath, "scripts/build.ts", "--target", "x64", "--outdir", out], { cwd: dir, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", SOURCE_DATE_EPOCH: String(first.epoch) }, timeoutMs: 120_000 });
      const elsewhere = sha256(join(out, "bao-kms-provider"));
      console.error(`[packaging] amd64 binary built in ${dir}: ${elsewhere}`);
      expect(elsewhere).toBe(sha256(first.binaries.x64!));
    }, 180_000);
  });
}
