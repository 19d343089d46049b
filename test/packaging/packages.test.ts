// The packaging tests that need built packages: builds amd64+arm64 .deb/.rpm once (the code of
// `bun run package`) into a temp dir, runs every suite on them, removes them at the end. The
// system-install suite changes this machine (dpkg -i, users, /run/openbao-kms), so it lives in
// this one file and runs after the others, under a lock, and undoes everything it did.

import { afterAll, beforeAll } from "bun:test";
import type { Artifacts } from "../../scripts/package.ts";
import { buildPackages, removeWorkDirs } from "./artifacts.ts";
import { contentsSuite } from "./suites/contents.ts";
import { installCliSuite } from "./suites/install-cli.ts";
import { systemInstallSuite } from "./suites/system-install.ts";
import { reproducibleSuite } from "./suites/reproducible.ts";
import { ociSuite } from "./suites/oci.ts";
import { exportSecretKey, repoSuite, throwawayKey } from "./suites/repo.ts";
import { sbomSuite } from "./suites/sbom.ts";
import { lintGatesSuite } from "./suites/lint-gates.ts";

let artifacts: Artifacts | undefined;
const get = (): Artifacts => {
  if (artifacts === undefined) throw new Error("the packages were not built (see the beforeAll error)");
  return artifacts;
};

beforeAll(async () => {
  const t0 = performance.now();
  // With --repo, signed by a throwaway key given as a file (as an operator's --signing-key).
  const key = await exportSecretKey(await throwawayKey("build"));
  artifacts = await buildPackages(["x64", "arm64"], key);
  console.error(`[packaging] built amd64+arm64 .deb/.rpm, SBOM and repositories in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}, 1_200_000);

afterAll(() => removeWorkDirs(), 120_000); // two package builds and the image suite's dirs: a few GB

contentsSuite(get);
lintGatesSuite(get);
sbomSuite(get);
repoSuite(get);
reproducibleSuite(get);
installCliSuite(get);
ociSuite(get);
systemInstallSuite(get);
