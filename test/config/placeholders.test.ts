// Example identity values: every transit_mount_id / key_lineage_id printed in README.md, docs/,
// packaging/ and the init templates is on the refusal list (src/config/placeholders.ts), and the
// loader refuses each of them with "generate your own with `init`"; init refuses the all-zero
// image digest of the static-pod template.

import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ConfigError } from "../../src/config/errors.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { placeholderImageDigest, placeholderValues } from "../../src/config/placeholders.ts";
import { fixtureText } from "./fixture.ts";

const root = join(import.meta.dir, "..", "..");

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

const documented = ["README.md", "docs", "packaging/examples", "packaging/static-pod", "src/init", "src/cli/init.ts", "src/cli/init-generate.ts", "src/cli/init-write.ts"].flatMap((p) => {
  const abs = join(root, p);
  return statSync(abs).isDirectory() ? filesUnder(abs) : [abs];
});

test("every identity value printed in the docs, examples and init templates is on the refusal list", () => {
  const found: Array<[string, string, string]> = [];
  for (const file of documented) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\b(transit_mount_id|key_lineage_id)\s*[=:]\s*"([0-9a-f-]{8,})"/g)) {
      found.push([relative(root, file), `transit.key_id_scope.${m[1]}`, m[2]!]);
    }
  }
  expect(found.length).toBeGreaterThanOrEqual(6); // README + two example configs, two keys each
  for (const [file, key, value] of found) expect(placeholderValues[key] ?? [], `${file}: ${key} = ${value}`).toContain(value);
});

test.each(Object.entries(placeholderValues).flatMap(([key, values]) => values.map((v) => [key, v] as const)))("%s = %s is refused with 'generate your own with `init`'", async (key, value) => {
  const name = key.split(".").at(-1)!;
  const text = (await fixtureText("minimal.toml")).replace(new RegExp(`${name} = "[^"]+"`), `${name} = "${value}"`);
  expect(text).toContain(value);
  try {
    parseConfigText(text, { env: {} });
    throw new Error("accepted");
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).message).toContain(`- ${key}: is the example value from our documentation: generate your own with \`init\``);
  }
});

test("the static-pod template's image digest is the placeholder, and init refuses it", async () => {
  const manifest = readFileSync(join(root, "packaging/static-pod/bao-kms-provider.yaml"), "utf8");
  expect(manifest).toContain(`@${placeholderImageDigest}`);
  const { runCli } = await import("../../src/cli/root.ts");
  let err = "";
  const code = await runCli(["init", "--values", "/nonexistent", "--out", "/tmp/none", "--model", "static-pod", "--socket-gid", "1000", "--image", `registry.example.internal/bao-kms-provider@${placeholderImageDigest}`], {
    out: () => undefined,
    err: (s) => (err += s),
    env: {},
    exitNow: () => {
      throw new Error("exit");
    },
  });
  expect(code).toBe(2);
  expect(err).toContain("all-zero placeholder digest");
});
