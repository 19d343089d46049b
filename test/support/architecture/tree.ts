// Reads a source tree into memory and lists every import of every file: static, type-only,
// re-exports, side-effect and dynamic. The checker works on this map, so self-tests can plant a
// violation in a copy of the real tree without touching the disk.

import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";

/** Repo-relative path ("src/kms/service.ts") → file text. */
export type SourceTree = Map<string, string>;

export interface ImportEdge {
  /** Repo-relative importing file. */
  readonly from: string;
  /** Repo-relative target for a local import ("src/openbao/http.ts"), else the bare specifier ("valibot", "node:fs"). */
  readonly to: string;
  readonly kind: "static" | "type" | "side-effect" | "dynamic" | "re-export";
}

/** Every .ts file under root/src, keyed by repo-relative POSIX path. */
export function readSourceTree(root: string, dir = "src"): SourceTree {
  const tree: SourceTree = new Map();
  const walk = (abs: string) => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const p = join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) tree.set(relative(root, p).split("\\").join("/"), readFileSync(p, "utf8"));
    }
  };
  walk(join(root, dir));
  return tree;
}

/** Dynamic imports whose target is not a string literal: they cannot be checked, so each is a violation. */
export function opaqueImports(text: string): string[] {
  return [...text.matchAll(/\b(?:import|require)\s*\(\s*(?!["'][^"'`$]*["']\s*\))([^)]*)\)/g)]
    .map((m) => (m[1] ?? "").trim())
    .filter((arg) => !arg.startsWith("`") || arg.includes("${"));
}

const transpiler = new Bun.Transpiler({ loader: "ts" });

/**
 * Statement-level imports and re-exports, anchored at a line start so text inside strings is not
 * taken for one. An import clause never holds a quote, so `export const roles = ["from", "to"]`
 * is not read as a re-export.
 */
const STATEMENT = /^[ \t]*(import|export)\s+(type\s+)?([^;"'`]*?)\s*from\s*["']([^"']+)["']/gm;
const SIDE_EFFECT = /^[ \t]*import\s*["']([^"']+)["']/gm;

/**
 * Bun's own scanner finds value imports, side-effect imports, re-exports, import() and require()
 * (it ignores strings and comments); the anchored patterns add the type-only imports it drops.
 */
export function importsOf(file: string, text: string): ImportEdge[] {
  const resolve = (spec: string) => (spec.startsWith(".") ? posix.normalize(posix.join(posix.dirname(file), spec)) : spec);
  const code = text;
  const edges = new Map<string, ImportEdge>();
  const add = (spec: string, kind: ImportEdge["kind"]) => {
    const to = resolve(spec);
    if (!edges.has(`${to} ${kind}`)) edges.set(`${to} ${kind}`, { from: file, to, kind });
  };
  const sideEffects = new Set([...code.matchAll(SIDE_EFFECT)].map((m) => m[1] as string));
  const reExports = new Set<string>();
  const values = new Set<string>();
  for (const m of code.matchAll(STATEMENT)) {
    const spec = m[4] as string;
    if (m[1] === "export") reExports.add(spec);
    else if (m[2] !== undefined) add(spec, "type");
    else values.add(spec);
  }
  for (const imp of transpiler.scanImports(code)) {
    if (imp.kind === "dynamic-import" || imp.kind === "require-call") add(imp.path, "dynamic");
    else if (sideEffects.has(imp.path)) add(imp.path, "side-effect");
    else if (reExports.has(imp.path) && !values.has(imp.path)) add(imp.path, "re-export");
    else add(imp.path, "static");
    values.delete(imp.path);
    reExports.delete(imp.path);
  }
  // What Bun dropped as type-only: `import { type A } from`, `export type { B } from`.
  for (const spec of values) add(spec, "type");
  for (const spec of reExports) add(spec, "type");
  return [...edges.values()];
}

export function allImports(tree: SourceTree): ImportEdge[] {
  return [...tree].flatMap(([file, text]) => importsOf(file, text));
}
