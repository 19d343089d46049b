// Import boundaries, checked by machine (a rule that lives only in a document drifts):
// the KMS core stays free of adapters, wire types stay at their edges, tests stay out of src.

import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dir, "..");
const src = join(root, "src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier a file imports (static and dynamic), resolved to repo-relative paths for local ones. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => (m[1] ?? m[2]) as string);
  return specs.map((s) => (s.startsWith(".") ? relative(root, join(file, "..", s)) : s));
}

const all = files(src).filter((f) => !f.includes("/src/gen/"));
const rel = (f: string) => relative(root, f);

test("the KMS core (src/kms/*.ts) imports only itself, valibot and node:crypto", () => {
  const core = all.filter((f) => /src\/kms\/[^/]+\.ts$/.test(rel(f)));
  expect(core.length).toBeGreaterThan(5);
  for (const f of core) {
    for (const i of importsOf(f)) {
      const ok = /^src\/kms\/[^/]+\.ts$/.test(i) || i === "valibot" || i === "node:crypto";
      if (!ok) throw new Error(`${rel(f)} imports ${i}`);
    }
  }
});

test("generated protobuf code and grpc-js are used only by the gRPC adapter", () => {
  for (const f of all) {
    if (rel(f).startsWith("src/kms/grpc/")) continue;
    for (const i of importsOf(f)) {
      if (i.startsWith("src/gen/") || i.startsWith("@grpc/") || i.startsWith("@bufbuild/") || i.startsWith("protobufjs")) throw new Error(`${rel(f)} imports ${i}`);
    }
  }
});

test("only the OpenBao adapter makes HTTP requests", () => {
  const callers = all.filter((f) => /\bfetch\b/.test(readFileSync(f, "utf8").replace(/\/\/.*$/gm, ""))).map(rel);
  expect(callers.length).toBeGreaterThan(0);
  expect(callers.filter((f) => !f.startsWith("src/openbao/"))).toEqual([]);
});

test("config loading depends on nothing but itself, the Go JSON encoder, smol-toml and valibot", () => {
  for (const f of all.filter((x) => rel(x).startsWith("src/config/"))) {
    for (const i of importsOf(f)) {
      const ok = i.startsWith("src/config/") || i === "src/kms/go-json.ts" || i === "smol-toml" || i === "valibot" || i.startsWith("node:");
      if (!ok) throw new Error(`${rel(f)} imports ${i}`);
    }
  }
});

test("nothing in src imports test code (the emulator never reaches the binary)", () => {
  for (const f of all) expect(importsOf(f).filter((i) => i.startsWith("test/"))).toEqual([]);
});

test("only src/main.ts calls process.exit", () => {
  const callers = all.filter((f) => /process\.exit\(/.test(readFileSync(f, "utf8"))).map(rel);
  expect(callers).toEqual(["src/main.ts"]);
});
