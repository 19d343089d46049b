// Reproducibility: a second, independent amd64 build of the same commit (fresh binary, .deb and
// .rpm in another directory) gives byte-identical artifacts. Prints both sets of hashes.

import { describe, expect, test } from "bun:test";
import { basename } from "node:path";
import { sha256, type Artifacts } from "../../../scripts/package.ts";
import { buildPackages, removeArtifacts } from "../artifacts.ts";

export function reproducibleSuite(get: () => Artifacts): void {
  describe("reproducible build", () => {
    test("building amd64 again gives the same binary, .deb and .rpm, byte for byte", async () => {
      const first = get();
      const second = await buildPackages(["x64"]);
      try {
        expect(second.epoch).toBe(first.epoch);
        const rows: string[] = [];
        for (const pick of [(a: Artifacts) => a.binaries.x64!, (a: Artifacts) => a.debs.x64!, (a: Artifacts) => a.rpms.x64!]) {
          const a = sha256(pick(first));
          const b = sha256(pick(second));
          rows.push(`  ${basename(pick(first))}\n    build 1 ${a}\n    build 2 ${b}`);
          expect(`${basename(pick(second))} ${b}`).toBe(`${basename(pick(first))} ${a}`);
        }
        console.error(`[packaging] SOURCE_DATE_EPOCH=${first.epoch}; two builds:\n${rows.join("\n")}`);
      } finally {
        removeArtifacts(second);
      }
    }, 180_000);
  });
}
