// docs/architecture.md shows the rules table; it must say what the checker enforces.

import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RULES } from "../support/architecture/rules.ts";

const doc = readFileSync(join(import.meta.dir, "..", "..", "docs", "architecture.md"), "utf8");
const cells = (s: string) => (s.trim() === "—" || s.trim() === "" ? [] : s.split(",").map((c) => c.trim().replace(/^`|`$/g, "")));

test("the layer table in docs/architecture.md matches test/support/architecture/rules.ts", () => {
  const rows = doc
    .split("\n")
    .filter((l) => /^\| `[^`]+` \|/.test(l))
    .map((l) => l.split("|").slice(1, -1));
  const fromDoc = Object.fromEntries(rows.map(([unit, role, may, packages, pure]) => [cells(unit as string)[0], { role: (role as string).trim(), may: cells(may as string), packages: cells(packages as string), pure: (pure as string).trim() === "yes" }]));
  const fromRules = Object.fromEntries(Object.entries(RULES).map(([u, r]) => [u, { role: r.role, may: [...r.may], packages: [...r.packages], pure: r.pure === true }]));
  expect(fromDoc).toEqual(fromRules);
});
