// The manual page lists every command the binary's --help lists (and no command it does not
// know), and docs/packaging.md covers each way to install.

import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../scripts/package-meta.ts";
import { ensureBinary } from "../helpers/provider.ts";
import { sh } from "./artifacts.ts";

const man = readFileSync(join(repoRoot, "packaging/man/bao-kms-provider.1"), "utf8");

async function helpCommands(): Promise<string[]> {
  const r = await sh([ensureBinary(), "--help"]);
  expect(r.code).toBe(0);
  const block = r.stdout.split("\nCommands:\n")[1]?.split("\n\n")[0] ?? "";
  return block.split("\n").map((l) => /^  ([a-z][a-z-]*)\s/.exec(l)?.[1]).filter((c): c is string => c !== undefined);
}

/** Commands of the man page's COMMANDS section: the first word of each `.B` tag line after `.TP`. */
function manCommands(): string[] {
  const section = man.split("\n.SH COMMANDS\n")[1]?.split("\n.SH ")[0] ?? "";
  const lines = section.split("\n");
  return lines.flatMap((l, i) => (lines[i - 1] === ".TP" && l.startsWith(".B ") ? [l.slice(3).split(/\s/)[0]!.replaceAll("\\-", "-")] : []));
}

test("the man page's COMMANDS are exactly the commands of `bao-kms-provider --help`", async () => {
  const commands = await helpCommands();
  expect(commands.length).toBeGreaterThanOrEqual(11);
  expect(manCommands().sort()).toEqual(commands.sort());
});

test("every command's --help works (the man page sends readers there)", async () => {
  for (const c of await helpCommands()) {
    const args = c === "help" ? ["help", "serve"] : c === "install" ? ["install", "systemd", "--help"] : [c, "--help"];
    const r = await sh([ensureBinary(), ...args]);
    expect(`${c}: ${r.code}`).toBe(`${c}: 0`);
    expect(r.stdout).toContain("Usage: bao-kms-provider");
  }
});

test("docs/packaging.md covers the .deb, the .rpm, install systemd, the static pod and reproducible builds", () => {
  const doc = readFileSync(join(repoRoot, "docs/packaging.md"), "utf8");
  for (const s of ["bun run package", "dpkg -i", "rpm -i", "install systemd", "bao-kms-provider.yaml", "SOURCE_DATE_EPOCH", "SHA256SUMS", "openbao-kms-socket", "dpkg --purge"]) {
    expect(`${s}: ${doc.includes(s)}`).toBe(`${s}: true`);
  }
});
