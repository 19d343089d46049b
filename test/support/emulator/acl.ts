// ACL policies for `sys/capabilities-self`: named policies in OpenBao's HCL policy syntax (the
// `path "<p>" { capabilities = [...] }` subset), matched the way OpenBao's ACL does: an exact
// path rule beats glob rules, the longest `*` prefix glob wins, `+` matches one segment; the
// token's policies are merged; `deny` wins over everything.
// Only capabilities-self consults this; other requests are not ACL-checked (see README gaps).

export interface PathRule {
  path: string;
  capabilities: string[];
}

const knownCapabilities = new Set(["create", "read", "update", "patch", "delete", "list", "scan", "sudo", "deny"]);

/** Parses the policy subset; throws Error with a short reason on anything else. */
export function parsePolicyHcl(text: string): PathRule[] {
  const src = text.replace(/#[^\n]*|\/\/[^\n]*/g, "");
  const rules: PathRule[] = [];
  const stanza = /\s*path\s+"([^"\\]*)"\s*\{\s*capabilities\s*=\s*\[([^\]]*)\]\s*\}\s*/y;
  let at = 0;
  while (at < src.length) {
    if (/^\s*$/.test(src.slice(at))) break;
    stanza.lastIndex = at;
    const m = stanza.exec(src);
    if (m === null) throw new Error(`emulator: unsupported policy syntax near offset ${at}`);
    const items = m[2]!.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const caps = items.map((s) => {
      const c = /^"([a-z]+)"$/.exec(s)?.[1];
      if (c === undefined || !knownCapabilities.has(c)) throw new Error(`emulator: unknown capability ${s}`);
      return c;
    });
    rules.push({ path: m[1]!, capabilities: caps });
    at = stanza.lastIndex;
  }
  return rules;
}

/** How well `rule` matches `path`: undefined = no match; higher = more specific. */
function matchScore(rule: string, path: string): number | undefined {
  const glob = rule.endsWith("*");
  const body = glob ? rule.slice(0, -1) : rule;
  const re = new RegExp("^" + body.split("+").map((s) => s.replace(/[.*?^${}()|[\]\\]/g, "\\$&")).join("[^/]+") + (glob ? "" : "$"));
  if (!re.test(path)) return undefined;
  return glob ? body.length : Number.MAX_SAFE_INTEGER;
}

export class PolicyStore {
  private readonly policies = new Map<string, PathRule[]>();

  set(name: string, hcl: string): void {
    this.policies.set(name, parsePolicyHcl(hcl));
  }
  delete(name: string): void {
    this.policies.delete(name);
  }

  /**
   * Capabilities of a token with `policies` on `path`, sorted; ["deny"] when nothing matches.
   * undefined when none of the policies is defined here (the emulator's older "allow all" mode).
   */
  capabilities(policies: readonly string[], path: string): string[] | undefined {
    const defined = policies.filter((p) => this.policies.has(p));
    if (defined.length === 0) return undefined;
    const caps = new Set<string>();
    for (const name of defined) {
      let best: PathRule | undefined;
      let bestScore = -1;
      for (const rule of this.policies.get(name)!) {
        const score = matchScore(rule.path, path);
        if (score !== undefined && score > bestScore) {
          best = rule;
          bestScore = score;
        }
      }
      for (const c of best?.capabilities ?? []) caps.add(c);
    }
    if (caps.has("deny") || caps.size === 0) return ["deny"];
    return [...caps].sort();
  }
}
