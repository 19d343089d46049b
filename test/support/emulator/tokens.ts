// Token store on an injected clock: service tokens with TTL, max TTL and renewal, a root token,
// revocation. An expired token is simply invalid (OpenBao treats it as gone → 403).
import { goDuration } from "./go-format.ts";
import { newAccessor, newServiceToken } from "./ids.ts";

export interface TokenEntry {
  id: string;
  accessor: string;
  isRoot: boolean;
  policies: string[]; // sorted, "default" included unless root
  meta: Record<string, string> | null;
  displayName: string;
  path: string; // e.g. "auth/jwt/login", "auth/token/root"
  entityId: string;
  issueMs: number;
  creationTtlS: number; // TTL at issue time
  ttlS: number; // current lease TTL, counted from lastRenewalMs ?? issueMs; 0 = never expires
  maxTtlS: number; // effective max TTL counted from issueMs; 0 = none
  backendTtlS: number; // TTL a renewal without increment gets (the role's token_ttl)
  lastRenewalMs: number | undefined;
  renewable: boolean;
  namespace: string; // path of the namespace the token lives in: "" = root, else "team-a/"
}

export type NewToken = Pick<TokenEntry, "policies" | "meta" | "displayName" | "path" | "entityId" | "renewable"> & {
  ttlS: number;
  maxTtlS: number;
  namespace?: { path: string; id: string }; // default root
};

const maxTokens = 100_000;

/** Format of the TTL-capping warning added to login and renew responses. */
export function ttlCappedWarning(requestedS: number, cappedS: number): string {
  return `TTL of "${goDuration(requestedS)}" exceeded the effective max_ttl of "${goDuration(cappedS)}"; TTL value is capped accordingly`;
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenEntry>();
  readonly root: TokenEntry;

  constructor(private readonly nowMs: () => number) {
    const now = nowMs();
    this.root = {
      id: newServiceToken(), accessor: newAccessor(), isRoot: true, policies: ["root"], meta: null,
      displayName: "root", path: "auth/token/root", entityId: "", issueMs: now, creationTtlS: 0, ttlS: 0,
      maxTtlS: 0, backendTtlS: 0, lastRenewalMs: undefined, renewable: false, namespace: "",
    };
    this.tokens.set(this.root.id, this.root);
  }

  /** Issues a service token; its TTL is capped by its max TTL (warnings say so). */
  issue(o: NewToken): { token: TokenEntry; warnings: string[] } {
    this.evictIfFull();
    const warnings: string[] = [];
    let ttlS = o.ttlS;
    if (o.maxTtlS > 0 && ttlS > o.maxTtlS) {
      warnings.push(ttlCappedWarning(ttlS, o.maxTtlS));
      ttlS = o.maxTtlS;
    }
    const { namespace, ...rest } = o;
    // Tokens of a non-root namespace carry its id as a ".<nsid>" suffix (token_store.go).
    const suffix = namespace === undefined || namespace.path === "" ? "" : `.${namespace.id}`;
    const token: TokenEntry = {
      ...rest, id: newServiceToken() + suffix, accessor: newAccessor() + suffix, isRoot: false, issueMs: this.nowMs(),
      creationTtlS: ttlS, ttlS, backendTtlS: o.ttlS, lastRenewalMs: undefined, namespace: namespace?.path ?? "",
    };
    this.tokens.set(token.id, token);
    return { token, warnings };
  }

  /** Absolute expiry in ms, or undefined for a non-expiring token. */
  expireMs(t: TokenEntry): number | undefined {
    return t.ttlS === 0 ? undefined : (t.lastRenewalMs ?? t.issueMs) + t.ttlS * 1000;
  }

  /** The live token for `id`; unknown, revoked and expired tokens give undefined. */
  lookup(id: string): TokenEntry | undefined {
    const t = this.tokens.get(id);
    if (t === undefined) return undefined;
    const exp = this.expireMs(t);
    if (exp !== undefined && this.nowMs() > exp) {
      this.tokens.delete(id);
      return undefined;
    }
    return t;
  }

  /** Remaining whole seconds of the lease (0 for non-expiring tokens). */
  remainingS(t: TokenEntry): number {
    const exp = this.expireMs(t);
    return exp === undefined ? 0 : Math.max(0, Math.trunc((exp - this.nowMs()) / 1000));
  }

  /**
   * Renews from "now": TTL = increment (if > 0) else the backend TTL, capped so the token never
   * outlives issue + max TTL. Returns warnings, or an error text for the 400 response.
   */
  renew(t: TokenEntry, incrementS: number): { warnings: string[] } | string {
    if (t.isRoot || t.ttlS === 0 || !t.renewable) return "lease is not renewable";
    const now = this.nowMs();
    let ttlS = incrementS > 0 ? incrementS : t.backendTtlS;
    const warnings: string[] = [];
    if (t.maxTtlS > 0) {
      const maxValidS = Math.trunc((t.issueMs + t.maxTtlS * 1000 - now) / 1000);
      if (maxValidS < ttlS) {
        warnings.push(ttlCappedWarning(ttlS, maxValidS));
        ttlS = maxValidS;
      }
    }
    if (ttlS <= 0) return "lease expired";
    t.ttlS = ttlS;
    t.lastRenewalMs = now;
    return { warnings };
  }

  /** Revokes every token of the namespace at `path` and of its children (namespace deletion). */
  revokeNamespace(path: string): void {
    for (const [id, t] of this.tokens) if (path !== "" && t.namespace.startsWith(path)) this.tokens.delete(id);
  }

  /** A view whose `issue` stamps every new token with `ns` (for the backends of that namespace). */
  scoped(ns: { path: string; id: string }): TokenStore {
    if (ns.path === "") return this;
    const view = Object.create(this) as TokenStore;
    view.issue = (o) => this.issue({ ...o, namespace: ns });
    return view;
  }

  revoke(id: string): void {
    this.tokens.delete(id);
  }

  /** Revokes every token except the root token. */
  revokeAllButRoot(): void {
    for (const id of this.tokens.keys()) if (id !== this.root.id) this.tokens.delete(id);
  }

  private evictIfFull(): void {
    if (this.tokens.size < maxTokens) return;
    for (const [id, t] of this.tokens) {
      if (id === this.root.id) continue;
      this.tokens.delete(id);
      if (this.tokens.size < maxTokens * 0.9) break;
    }
  }
}
