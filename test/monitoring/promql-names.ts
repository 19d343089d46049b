// The metric names, label matchers and grouping labels a PromQL expression uses. A small lexer
// (not a full parser): enough for the mixin's own expressions, and it refuses what it does not
// understand rather than miss a name.

export interface Matcher {
  readonly label: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

export interface Selector {
  readonly name: string;
  readonly matchers: readonly Matcher[];
}

const keywords = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"]);

export function analyse(expr: string): { selectors: Selector[]; grouping: string[]; functions: string[] } {
  let rest = expr.replace(/\[[^\]]*\]/g, " "); // ranges, subqueries, $__rate_interval
  const grouping: string[] = [];
  rest = rest.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_m, _kw, list: string) => {
    for (const l of list.split(",").map((x) => x.trim()).filter(Boolean)) grouping.push(l);
    return " ";
  });
  const selectors: Selector[] = [];
  const functions: string[] = [];
  const re = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*(\()?|(\{[^}]*\})|("(?:[^"\\]|\\.)*")/g;
  for (const m of rest.matchAll(re)) {
    if (m[5] !== undefined) continue; // a string argument (label_replace etc.)
    if (m[4] !== undefined) throw new Error(`selector without a metric name in: ${expr}`);
    const word = m[1]!;
    const before = rest.slice(0, m.index);
    if (/[0-9.]$/.test(before) || /\$$/.test(before)) continue; // 1e3, $__interval
    if (m[3] !== undefined && m[2] === undefined) {
      functions.push(word);
      continue;
    }
    if (keywords.has(word.toLowerCase())) continue;
    selectors.push({ name: word, matchers: parseMatchers(m[2] ?? "{}") });
  }
  return { selectors, grouping, functions };
}

function parseMatchers(braces: string): Matcher[] {
  const body = braces.slice(1, -1).trim();
  if (body === "") return [];
  const out: Matcher[] = [];
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(body)) !== null) {
    out.push({ label: m[1]!, op: m[2] as Matcher["op"], value: m[3]! });
    end = re.lastIndex;
    if (m[4] === "") break;
  }
  if (end !== body.length) throw new Error(`cannot read the matchers ${braces}`);
  return out;
}
