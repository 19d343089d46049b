// The real tree obeys every architecture rule. The rules are data (test/support/architecture/
// rules.ts); planted.test.ts proves each kind of check can fail.

import { expect, test } from "bun:test";
import { join } from "node:path";
import { checkArchitecture, unitOf } from "../support/architecture/check.ts";
import { LONG_FILES_ALLOWED, RULES } from "../support/architecture/rules.ts";
import { allImports, readSourceTree } from "../support/architecture/tree.ts";

const root = join(import.meta.dir, "..", "..");
const tree = readSourceTree(root);

test("src/ has no architecture violations", () => {
  expect(checkArchitecture(tree).map((v) => `${v.rule}: ${v.message}`)).toEqual([]);
});

test("the scanner sees the tree (a checker that reads nothing passes everything)", () => {
  const edges = allImports(tree);
  expect(tree.size).toBeGreaterThan(100);
  expect(edges.length).toBeGreaterThan(500);
  // One edge of each kind the tree is known to hold.
  const kinds = new Set(edges.map((e) => e.kind));
  for (const k of ["static", "type"] as const) expect(kinds).toContain(k);
  expect(edges).toContainEqual({ from: "src/main.ts", to: "src/cli/root.ts", kind: "static" });
});

test("every unit in the rules table exists, and every rule names only known units", () => {
  const units = new Set([...tree.keys()].map(unitOf));
  for (const [unit, rule] of Object.entries(RULES)) {
    expect(units).toContain(unit);
    for (const to of rule.may) expect(Object.keys(RULES)).toContain(to);
  }
});

test("the long-file allow-list is empty", () => {
  expect(LONG_FILES_ALLOWED).toEqual({});
});
