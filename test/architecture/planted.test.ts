// Each check must be able to fail: a mistake is planted in an in-memory copy of the real tree and
// the checker must name it. The first six are the ones a reviewer tried by hand before this
// checker existed (five of them passed the old test).

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { checkArchitecture, type Violation } from "../support/architecture/check.ts";
import { importsOf, readSourceTree, type SourceTree } from "../support/architecture/tree.ts";

const real = readSourceTree(join(import.meta.dir, "..", ".."));
const key = (v: Violation) => `${v.rule}: ${v.message}`;
const baseline = new Set(checkArchitecture(real).map(key));

/** The violations a change adds to the real tree (so each test sees only what it planted). */
function planted(changes: Record<string, (text: string) => string>): Violation[] {
  const tree: SourceTree = new Map(real);
  for (const [file, change] of Object.entries(changes)) tree.set(file, change(tree.get(file) ?? ""));
  const added = checkArchitecture(tree).filter((v) => !baseline.has(key(v)));
  expect(added.length).toBeGreaterThan(0);
  return added;
}
const prepend = (line: string) => (text: string) => `${line}\n${text}`;
const append = (line: string) => (text: string) => `${text}\n${line}\n`;
const rules = (vs: Violation[]) => vs.map((v) => v.rule);

describe("the six planted violations", () => {
  test("a side-effect import of the HTTP client in the core", () => {
    const vs = planted({ "src/kms/service.ts": prepend('import "../openbao/http.ts";') });
    expect(vs.map((v) => v.message)).toContainEqual(expect.stringContaining("src/kms/service.ts → src/openbao/http.ts (side-effect): kms may not import openbao"));
  });
  test("kms/grpc importing the concrete OpenBao client", () => {
    const vs = planted({ "src/kms/grpc/handlers.ts": prepend('import { createTransitClient } from "../../openbao/transit-client.ts";') });
    expect(vs.map((v) => v.message)).toContainEqual(expect.stringContaining("kms/grpc may not import openbao"));
  });
  test("platform/ importing cli/", () => {
    const vs = planted({ "src/platform/log.ts": prepend('import type { Io } from "../cli/io.ts";') });
    expect(vs.map((v) => v.message)).toContainEqual(expect.stringContaining("src/platform/log.ts → src/cli/io.ts (type): platform may not import cli"));
  });
  test("a registry → status cycle", () => {
    const vs = planted({ "src/registry/types.ts": prepend('import type { StatusView } from "../status/store.ts";') });
    expect(rules(vs)).toContain("import");
    expect(vs).toContainEqual({ rule: "folder-cycle", message: expect.stringMatching(/registry.*status|status.*registry/) });
  });
  test("Bun.file I/O in the core", () => {
    const vs = planted({ "src/kms/hash.ts": append('export const readKey = () => Bun.file("/etc/key").text();') });
    expect(vs).toContainEqual({ rule: "pure", message: expect.stringContaining("src/kms/hash.ts uses Bun.file") });
  });
  test("fetch outside the OpenBao adapter", () => {
    const vs = planted({ "src/status/deep-probe.ts": append('export const ping = (signal: AbortSignal) => fetch("http://127.0.0.1:8200/v1/sys/health", { signal });') });
    expect(vs).toContainEqual({ rule: "fetch", message: "src/status/deep-probe.ts uses fetch; only src/openbao/ makes HTTP requests" });
  });
});

describe("the other checks", () => {
  test("fetch inside the adapter without a signal", () => {
    const vs = planted({ "src/openbao/sys-reads.ts": append('export const ping = () => fetch("http://127.0.0.1:8200/v1/sys/health", { method: "GET" });') });
    expect(vs).toContainEqual({ rule: "fetch", message: expect.stringContaining("src/openbao/sys-reads.ts calls fetch without a signal") });
  });
  test("a dynamic import the table forbids, and a computed one", () => {
    const vs = planted({ "src/kms/limits.ts": append('export const load = async (m: string) => [await import("../config/load.ts"), await import(m)];') });
    expect(vs.map((v) => v.message)).toContainEqual(expect.stringContaining("src/kms/limits.ts → src/config/load.ts (dynamic): kms may not import config"));
    expect(rules(vs)).toContain("opaque-import");
  });
  test("a package a unit may not use", () => {
    const vs = planted({ "src/registry/codec.ts": prepend('import { readFileSync } from "node:fs";') });
    expect(vs).toContainEqual({ rule: "package", message: expect.stringContaining("src/registry/codec.ts imports package node:fs") });
  });
  test("a file cycle inside one folder", () => {
    const vs = planted({ "src/kms/hash.ts": prepend('import type { KmsService } from "./service.ts";'), "src/kms/service.ts": prepend('import "./hash.ts";') });
    expect(vs).toContainEqual({ rule: "file-cycle", message: expect.stringMatching(/src\/kms\/hash\.ts ⇄ .*src\/kms\/service\.ts/) });
  });
  test("a file past 300 lines", () => {
    const vs = planted({ "src/kms/limits.ts": append("// filler\n".repeat(300)) });
    expect(vs).toContainEqual({ rule: "length", message: expect.stringMatching(/^src\/kms\/limits\.ts has \d+ lines \(limit 300\)$/) });
  });
  test("OpenBao clients wired outside src/app/openbao.ts", () => {
    const vs = planted({ "src/status/deep-probe.ts": append("export const wire = (c: never) => createTransitClient(c);") });
    expect(vs).toContainEqual({ rule: "wiring", message: expect.stringContaining("src/status/deep-probe.ts calls createTransitClient") });
  });
  test("a new folder with no row in the table, importing test code", () => {
    const vs = planted({ "src/extra/thing.ts": () => 'import { x } from "../../test/support/tls.ts";\nexport const y = x;\n' });
    expect(rules(vs)).toContain("unknown-unit");
    expect(vs.map((v) => v.message)).toContainEqual(expect.stringContaining("src/extra/thing.ts: extra has no row"));
  });
  test("process.exit outside main.ts", () => {
    const vs = planted({ "src/platform/fatal.ts": append("export const die = () => process.exit(1);") });
    expect(vs).toContainEqual({ rule: "exit", message: "src/platform/fatal.ts calls process.exit; only src/main.ts may" });
  });
});

describe("the import scanner", () => {
  test("finds every kind of import and ignores imports written inside strings and comments", () => {
    const text = [
      'import type { A } from "./a.ts";',
      'import { type B } from "./b.ts";',
      'import { C } from "./c.ts";',
      'import "./d.ts";',
      'export { E } from "./e.ts";',
      'export type { F } from "./f.ts";',
      'const g = await import("./g.ts");',
      'const help = "import settings from the Go provider";',
      'export const roles = ["active", "from", "to"];',
      "export const words = [",
      "  'import', 'from', 'x',",
      "];",
      "import {",
      "  K,",
      '} from "./k.ts";',
      '// import { H } from "./h.ts";',
      "/**",
      " * import { I } from './i.ts';",
      " */",
    ].join("\n");
    const found = importsOf("src/x/y.ts", text).map((e) => `${e.kind} ${e.to}`).sort();
    expect(found).toEqual(["dynamic src/x/g.ts", "re-export src/x/e.ts", "side-effect src/x/d.ts", "static src/x/c.ts", "static src/x/k.ts", "type src/x/a.ts", "type src/x/b.ts", "type src/x/f.ts"]);
  });
});
