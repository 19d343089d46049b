// The architecture checker: every rule of rules.ts applied to a source tree held in memory.
// It returns violations as text, one per finding, so a test can assert "none" on the real tree
// and "this one" on a tree with a planted mistake.

import { FILE_EXCEPTIONS, LONG_FILES_ALLOWED, MAX_LINES, OPENBAO_WIRING, RULES } from "./rules.ts";
import { allImports, type ImportEdge, opaqueImports, type SourceTree } from "./tree.ts";

export interface Violation {
  readonly rule: "unknown-unit" | "import" | "package" | "folder-cycle" | "file-cycle" | "fetch" | "pure" | "length" | "wiring" | "opaque-import" | "test-import" | "exit";
  readonly message: string;
}

const GENERATED = /^src\/gen\//;

/** The unit of a src file: its folder under src/, or the file itself when it sits directly in src/. */
export function unitOf(file: string): string {
  const parts = file.replace(/^src\//, "").split("/");
  return parts.length === 1 ? (parts[0] as string) : parts.slice(0, -1).join("/");
}

const matches = (pattern: string, name: string) => (pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern);

/** Code with comment lines removed (`//…` to end of line, and lines inside block comments). */
function codeOf(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "))
    .split("\n")
    .map((l) => l.replace(/(^|[^:"'`\\])\/\/.*$/, "$1"))
    .join("\n");
}

/** Strongly connected components with more than one member (Tarjan), as sorted name lists. */
export function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

function checkImports(edges: readonly ImportEdge[], out: Violation[]): void {
  for (const e of edges) {
    const from = unitOf(e.from);
    const rule = RULES[from];
    if (rule === undefined) continue;
    if (e.to.startsWith("test/") || e.to.includes("/test/")) {
      out.push({ rule: "test-import", message: `${e.from} imports test code ${e.to}` });
    } else if (e.to.startsWith("src/")) {
      const to = unitOf(e.to);
      if (to === from || rule.may.includes(to)) continue;
      if (FILE_EXCEPTIONS.some((x) => x.from === from && x.to === e.to)) continue;
      out.push({ rule: "import", message: `${e.from} → ${e.to} (${e.kind}): ${from} may not import ${to}` });
    } else if (!rule.packages.some((p) => matches(p, e.to))) {
      out.push({ rule: "package", message: `${e.from} imports package ${e.to} (${e.kind}); ${from} may use ${rule.packages.join(", ") || "none"}` });
    }
  }
}

function checkCycles(edges: readonly ImportEdge[], out: Violation[]): void {
  const files = new Map<string, Set<string>>();
  const units = new Map<string, Set<string>>();
  const add = (g: Map<string, Set<string>>, a: string, b: string) => (g.get(a) ?? g.set(a, new Set()).get(a))?.add(b);
  for (const e of edges) {
    if (!e.to.startsWith("src/")) continue;
    add(files, e.from, e.to);
    if (unitOf(e.from) !== unitOf(e.to)) add(units, unitOf(e.from), unitOf(e.to));
  }
  for (const c of cycles(units)) out.push({ rule: "folder-cycle", message: `folders import each other: ${c.join(" ⇄ ")}` });
  for (const c of cycles(files)) out.push({ rule: "file-cycle", message: `files import each other: ${c.join(" ⇄ ")}` });
}

/** Each `…fetch(` / `…Fetch(` call with its argument text (to the matching parenthesis). */
function fetchCalls(code: string): string[] {
  const calls: string[] = [];
  for (const m of code.matchAll(/(?<![\w$.])(?:[\w$]*[fF]etch)\s*\(/g)) {
    let depth = 0;
    let i = (m.index ?? 0) + m[0].length - 1;
    const start = i;
    for (; i < code.length; i++) {
      if (code[i] === "(") depth++;
      else if (code[i] === ")" && --depth === 0) break;
    }
    calls.push(code.slice(start, i + 1));
  }
  return calls;
}

function checkFiles(tree: SourceTree, out: Violation[]): void {
  for (const [file, text] of tree) {
    if (GENERATED.test(file)) continue;
    const unit = unitOf(file);
    const rule = RULES[unit];
    if (rule === undefined) out.push({ rule: "unknown-unit", message: `${file}: ${unit} has no row in the rules table` });
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    if (lines > MAX_LINES && LONG_FILES_ALLOWED[file] === undefined) out.push({ rule: "length", message: `${file} has ${lines} lines (limit ${MAX_LINES})` });
    for (const arg of opaqueImports(text)) out.push({ rule: "opaque-import", message: `${file} imports a computed module (${arg}); only literal paths can be checked` });
    const code = codeOf(text);
    const usesFetch = /(?<![\w$.'"`])fetch\b(?!\s*\??:)/.test(code);
    if (usesFetch && !file.startsWith("src/openbao/")) out.push({ rule: "fetch", message: `${file} uses fetch; only src/openbao/ makes HTTP requests` });
    if (file.startsWith("src/openbao/")) {
      for (const call of fetchCalls(code)) if (!/\bsignal\b/.test(call)) out.push({ rule: "fetch", message: `${file} calls fetch without a signal: ${call.slice(0, 60)}` });
    }
    if (rule?.pure === true) {
      const impure = code.match(/(?<![\w$.])(?:Bun\.\w+|process\.\w+|fetch\s*\(|setTimeout|setInterval|Date\.now|new Date\b|performance\.now|require\s*\()/);
      if (impure !== null) out.push({ rule: "pure", message: `${file} uses ${impure[0]}; ${unit} is pure (no I/O, timers or clocks)` });
    }
    if (/(?<![\w$])process\.exit\s*\(/.test(code) && file !== "src/main.ts") out.push({ rule: "exit", message: `${file} calls process.exit; only src/main.ts may` });
    if (file !== OPENBAO_WIRING.place) {
      for (const fn of OPENBAO_WIRING.functions) {
        const defined = new RegExp(`function\\s+${fn}\\b`).test(code);
        if (!defined && new RegExp(`(?<![\\w$.])${fn}\\s*\\(`).test(code)) out.push({ rule: "wiring", message: `${file} calls ${fn}; OpenBao clients are wired only in ${OPENBAO_WIRING.place}` });
      }
    }
  }
}

/** Every violation in the tree, in a stable order. */
export function checkArchitecture(tree: SourceTree): Violation[] {
  const out: Violation[] = [];
  const edges = allImports(tree).filter((e) => !GENERATED.test(e.from));
  checkImports(edges, out);
  checkCycles(edges, out);
  checkFiles(tree, out);
  return out;
}
