// ACL policies the way OpenBao evaluates them (docs/openbao-compat.md §ACL; OpenBao
// internal/vault/policy/{policy,acl}.go): policies are parsed into exact, prefix (`*`) and
// segment-wildcard (`+`) rules under the namespace's path; all of a token's policies are merged
// into ONE rule set first (same path → capabilities OR-ed, `deny` wins), then one rule decides a
// path: an exact rule, else the most specific of the longest `*` prefix and the matching `+`
// rules. Capabilities from a less specific rule never add to a more specific one.

export interface PathRule {
  path: string; // as written in the HCL, without a leading "/"
  capabilities: string[];
}

const knownCapabilities = new Set(["create", "read", "update", "patch", "delete", "list", "scan", "sudo", "deny"]);
// `policy = "…"`, the pre-capabilities syntax (policy.go maps it to capabilities).
const oldStyle: Readonly<Record<string, string[]>> = {
  deny: ["deny"],
  read: ["read", "list"],
  write: ["create", "read", "update", "delete", "list"],
  sudo: ["create", "read", "update", "delete", "list", "sudo"],
};

/** A policy write or delete OpenBao refuses with a 400 (logical_system.go handleError). */
export class PolicyRefused extends Error {
  override name: string = "PolicyRefused";
}

/** A policy text OpenBao would refuse: policy.go's wording, behind its "failed to parse policy: " prefix. */
export class PolicyParseError extends PolicyRefused {
  override name = "PolicyParseError";
  constructor(detail: string) {
    super(`failed to parse policy: ${detail}`);
  }
}

/** policy_store.go immutablePolicies: never written or deleted through the API. */
export const immutablePolicies: ReadonlySet<string> = new Set(["root", "response-wrapping"]);

/** Parses the `path "<p>" { capabilities = [...] }` (or `policy = "..."`) subset of policy HCL. */
export function parsePolicyHcl(text: string): PathRule[] {
  const src = text.replace(/#[^\n]*|\/\/[^\n]*/g, "");
  const rules: PathRule[] = [];
  const stanza = /\s*path\s+"([^"\\]*)"\s*\{\s*(capabilities|policy)\s*=\s*(\[[^\]]*\]|"[a-z]*")\s*\}\s*/y;
  let at = 0;
  while (at < src.length) {
    if (/^\s*$/.test(src.slice(at))) break;
    stanza.lastIndex = at;
    const m = stanza.exec(src);
    if (m === null) throw new PolicyParseError(`emulator: unsupported policy syntax near offset ${at}`);
    const key = m[1]!;
    let caps: string[];
    if (m[2] === "policy") {
      const old = oldStyle[m[3]!.slice(1, -1)];
      if (old === undefined) throw new PolicyParseError(`path ${JSON.stringify(key)}: invalid policy ${m[3]}`);
      caps = old;
    } else {
      const items = m[3]!.slice(1, -1).split(",").map((s) => s.trim()).filter((s) => s !== "");
      caps = items.map((s) => {
        const c = /^"([a-z]*)"$/.exec(s)?.[1];
        if (c === undefined || !knownCapabilities.has(c)) throw new PolicyParseError(`path ${JSON.stringify(key)}: invalid capability ${s}`);
        return c;
      });
    }
    if (caps.includes("deny")) caps = ["deny"];
    rules.push({ path: key.replace(/^\//, ""), capabilities: caps });
    at = stanza.lastIndex;
  }
  return rules;
}

interface Perms {
  caps: Set<string>;
}

type Op = "read" | "list" | "update" | "delete" | "create" | "patch" | "scan" | "header";

/** The merged rule set of one token (OpenBao's policy.ACL). */
export class Acl {
  private readonly exact = new Map<string, Perms>();
  private readonly prefix = new Map<string, Perms>();
  private readonly segment = new Map<string, Perms>();

  /** `policies`: each policy's rules with paths already under the namespace path. */
  constructor(policies: ReadonlyArray<readonly PathRule[]>) {
    for (const rules of policies) {
      for (const r of rules) {
        let path = r.path;
        const hasSegment = path === "+" || path.includes("/+") || path.startsWith("+/");
        let table = this.exact;
        if (hasSegment) table = this.segment;
        else if (path.endsWith("*")) {
          path = path.slice(0, -1);
          table = this.prefix;
        }
        const existing = table.get(path);
        if (existing === undefined) table.set(path, { caps: new Set(r.capabilities) });
        else if (existing.caps.has("deny")) continue;
        else if (r.capabilities.includes("deny")) existing.caps = new Set(["deny"]);
        else for (const c of r.capabilities) existing.caps.add(c);
      }
    }
  }

  /** The one rule that governs `path` for `op` (acl.go AllowOperation's lookup order). */
  private rule(path: string, op: Op): Perms | undefined {
    path = path.replace(/^\/+/, "");
    const listing = op === "list" || op === "scan";
    const found = this.exact.get(path) ?? (listing ? this.exact.get(path.replace(/\/$/, "")) : undefined) ?? this.nonExact(path);
    if (found !== undefined) return found;
    return listing && path.endsWith("/") ? this.nonExact(path.slice(0, -1)) : undefined;
  }

  /** CheckAllowedFromNonExactPaths: longest `*` prefix and `+` rules, the most specific wins. */
  private nonExact(path: string): Perms | undefined {
    let best: { firstWc: number; isPrefix: boolean; wildcards: number; wcPath: string; perms: Perms } | undefined;
    let longest: string | undefined;
    for (const p of this.prefix.keys()) if (path.startsWith(p) && (longest === undefined || p.length > longest.length)) longest = p;
    if (longest !== undefined) {
      if (this.segment.size === 0) return this.prefix.get(longest);
      best = { firstWc: longest.length, isPrefix: true, wildcards: 0, wcPath: longest, perms: this.prefix.get(longest)! };
    }
    const parts = path.split("/");
    for (const [full, perms] of this.segment) {
      if (full === "") continue;
      const isPrefix = full.endsWith("*");
      const wcPath = isPrefix ? full.slice(0, -1) : full;
      const ruleParts = wcPath.split("/");
      if (parts.length < ruleParts.length || (!isPrefix && ruleParts.length !== parts.length)) continue;
      let wildcards = 0;
      let matched = true;
      for (let i = 0; i < ruleParts.length; i++) {
        const rp = ruleParts[i]!;
        if (rp === "+") wildcards++;
        else if (rp === parts[i]) continue;
        else if (isPrefix && i === ruleParts.length - 1 && parts[i]!.startsWith(rp)) continue;
        else {
          matched = false;
          break;
        }
      }
      if (!matched) continue;
      const cand = { firstWc: full.indexOf("+"), isPrefix, wildcards, wcPath, perms };
      if (best === undefined || lowerPriority(best, cand)) best = cand;
    }
    return best?.perms;
  }

  /** Whether `op` on the full path (namespace path + request path) is allowed. */
  allows(path: string, op: Op): boolean {
    const perms = this.rule(path, op);
    if (perms === undefined || perms.caps.has("deny")) return false;
    // header (HEAD) has no capability in acl.go: it is never allowed by a policy.
    return op !== "header" && perms.caps.has(op);
  }

  /** acl.go Capabilities (evaluated as a list operation), sorted as sys/capabilities-self sorts them. */
  capabilities(path: string): string[] {
    const perms = this.rule(path, "list");
    if (perms === undefined || perms.caps.has("deny") || perms.caps.size === 0) return ["deny"];
    return [...perms.caps].sort();
  }

  /** logical_system.go hasMountAccess: any non-deny capability on the mount or under it. */
  hasMountAccess(mountPath: string): boolean {
    if (!this.capabilities(mountPath).includes("deny")) return true;
    const grants = (p: Perms) => !p.caps.has("deny") && p.caps.size > 0;
    for (const table of [this.exact, this.prefix]) {
      for (const [p, perms] of table) if (p.startsWith(mountPath) && grants(perms)) return true;
    }
    for (const [full, perms] of this.segment) if (grants(perms) && segmentRuleReachesMount(full, mountPath)) return true;
    return false;
  }
}

/**
 * acl.go CheckAllowedFromNonExactPaths with bareMount: walk the `+` rule's segments over the
 * mount path ("transit/", trailing "/"), keeping the path's segment where the rule's matches (or
 * the rest of the path for a final `*` prefix). At the mount's last segment, the kept segments must
 * start with the mount path. A rule with fewer segments than the mount never gets there, so it
 * grants nothing.
 */
function segmentRuleReachesMount(full: string, mountPath: string): boolean {
  const mount = mountPath.endsWith("/") ? mountPath : mountPath + "/";
  const isPrefix = full.endsWith("*");
  const ruleParts = (isPrefix ? full.slice(0, -1) : full).split("/");
  const pathParts = mount.split("/"); // last element "" (the trailing "/")
  const kept: string[] = [];
  for (let i = 0; i < ruleParts.length; i++) {
    const rp = ruleParts[i]!;
    if (rp === "+" || rp === pathParts[i]) kept.push(pathParts[i]!);
    else if (isPrefix && i === ruleParts.length - 1 && pathParts[i]!.startsWith(rp)) kept.push(...pathParts.slice(i));
    if (i === pathParts.length - 2) return `${kept.join("/")}/`.startsWith(mount);
  }
  return false;
}

// acl.go's `less`: earlier first wildcard/glob, a prefix rule, more `+` segments, a shorter path
// (then the lexically smaller one) have lower priority.
function lowerPriority(a: { firstWc: number; isPrefix: boolean; wildcards: number; wcPath: string }, b: typeof a): boolean {
  if (a.firstWc !== b.firstWc) return a.firstWc < b.firstWc;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix;
  if (a.wildcards !== b.wildcards) return a.wildcards > b.wildcards;
  if (a.wcPath.length !== b.wcPath.length) return a.wcPath.length < b.wcPath.length;
  return a.wcPath < b.wcPath;
}

/** OpenBao's built-in `default` policy (policy_store.go), minus the identity-templated paths. */
export const defaultPolicyHcl = `
path "auth/token/lookup-self" { capabilities = ["read"] }
path "auth/token/renew-self" { capabilities = ["update"] }
path "auth/token/revoke-self" { capabilities = ["update"] }
path "sys/capabilities-self" { capabilities = ["update"] }
path "sys/internal/ui/resultant-acl" { capabilities = ["read"] }
path "sys/leases/renew" { capabilities = ["update"] }
path "sys/leases/lookup" { capabilities = ["update"] }
path "cubbyhole/*" { capabilities = ["create", "read", "update", "delete", "list"] }
path "sys/wrapping/wrap" { capabilities = ["update"] }
path "sys/wrapping/lookup" { capabilities = ["update"] }
path "sys/wrapping/unwrap" { capabilities = ["update"] }
path "sys/tools/hash" { capabilities = ["update"] }
path "sys/tools/hash/*" { capabilities = ["update"] }
path "identity/oidc/provider/+/authorize" { capabilities = ["read", "update"] }
`;

export interface StoredPolicy {
  name: string;
  raw: string;
  rules: PathRule[]; // paths under the namespace path
  version: number;
}

/** The named ACL policies of one namespace (`nsPath` "" for root, else "team-a/"). */
export class PolicyStore {
  private readonly policies = new Map<string, StoredPolicy>();

  constructor(private readonly nsPath = "") {
    this.set("default", defaultPolicyHcl);
  }

  /**
   * Parses and stores `hcl` under the lower-cased name. Throws PolicyParseError for bad text, then
   * PolicyRefused for an immutable name (parse first, as handlePoliciesSet does before SetPolicy).
   */
  set(name: string, hcl: string): StoredPolicy {
    const n = name.toLowerCase();
    const rules = parsePolicyHcl(hcl).map((r) => ({ ...r, path: this.nsPath + r.path }));
    for (const r of rules) {
      if (r.path.includes("+*")) throw new PolicyParseError(`path ${JSON.stringify(r.path)}: invalid use of wildcards ('+*' is forbidden)`);
    }
    if (immutablePolicies.has(n)) throw new PolicyRefused(`cannot update ${JSON.stringify(n)} policy`);
    const p: StoredPolicy = { name: n, raw: hcl, rules, version: (this.policies.get(n)?.version ?? 0) + 1 };
    this.policies.set(n, p);
    return p;
  }
  get(name: string): StoredPolicy | undefined {
    return this.policies.get(name.toLowerCase());
  }
  /** Deletes a policy (absent is fine); throws PolicyRefused for `root`, `response-wrapping` and `default`. */
  delete(name: string): void {
    const n = name.toLowerCase();
    if (immutablePolicies.has(n)) throw new PolicyRefused(`cannot delete ${JSON.stringify(n)} policy`);
    if (n === "default") throw new PolicyRefused("cannot delete default policy");
    this.policies.delete(n);
  }
  /** Policy names as sys/policies/acl lists them: `root` is listed in the root namespace only. */
  names(): string[] {
    return [...this.policies.keys(), ...(this.nsPath === "" ? ["root"] : [])].sort();
  }

  /** The merged ACL of a token holding `names` (undefined policies grant nothing, as in OpenBao). */
  acl(names: readonly string[]): Acl {
    return new Acl(names.map((n) => this.policies.get(n.toLowerCase())?.rules ?? []));
  }

  /** Capabilities of `names` on `fullPath` (namespace path included), sorted; ["deny"] when nothing matches. */
  capabilities(names: readonly string[], fullPath: string): string[] {
    return this.acl(names).capabilities(fullPath);
  }
}
