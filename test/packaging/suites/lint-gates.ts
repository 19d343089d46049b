// The lintian and rpmlint gates of contents.ts catch a new warning: the same checks, on the same
// packages, with one documented override taken away, report it (and lintian's exit code fails).
// `--tags` keeps each lintian run to the checks of those tags (seconds, not a full run).

import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Artifacts } from "../../../scripts/package.ts";
import { repoRoot } from "../../../scripts/package-meta.ts";
import { sh, workDir } from "../artifacts.ts";
import { lintianFindings, rpmlintFindings } from "./contents.ts";

export function lintGatesSuite(get: () => Artifacts): void {
  describe("lint gates fail on a new warning", () => {
    test("lintian without the package's overrides reports the overridden tags, and --fail-on fails", async () => {
      // --no-override: as if packaging/deb/lintian-overrides did not list them.
      const r = await sh(["lintian", "--no-override", "--fail-on", "error,warning", "--tags", "hardening-no-pie,unstripped-binary-or-object", "-I", get().debs.x64!], { timeoutMs: 120_000 });
      expect(lintianFindings(r).sort()).toEqual([
        "E: bao-kms-provider: unstripped-binary-or-object [usr/bin/bao-kms-provider]",
        "W: bao-kms-provider: hardening-no-pie [usr/bin/bao-kms-provider]",
      ]);
      expect(r.code).not.toBe(0);
    }, 120_000);

    test("rpmlint with one filter of packaging/rpm/rpmlintrc removed reports its warning", async () => {
      const rc = readFileSync(join(repoRoot, "packaging/rpm/rpmlintrc"), "utf8");
      const without = rc.split("\n").filter((l) => l !== 'addFilter(r"no-url-tag")').join("\n");
      expect(without).not.toBe(rc);
      const file = join(workDir("rpmlintrc"), "rpmlintrc");
      writeFileSync(file, without);
      const r = await sh(["rpmlint", "-c", join(repoRoot, "packaging/rpm/rpmlint.toml"), "-r", file, get().rpms.x64!], { timeoutMs: 120_000 });
      expect(rpmlintFindings(r)).toContain("bao-kms-provider.x86_64: W: no-url-tag");
    }, 120_000);
  });
}
