// AppRole auth method (minimal): POST auth/<mount>/login {role_id, secret_id} with OpenBao's
// error texts; one role, secret IDs with use limits and TTLs, renewable service tokens. A secret
// ID that is used up or expired is deleted, so it then fails like an unknown one (as in OpenBao).
import { userError, type Outcome } from "./envelope.ts";
import { newUuid } from "./ids.ts";
import type { Route } from "./routes.ts";
import type { TokenStore } from "./tokens.ts";
import { authObject } from "./auth-token.ts";
import { appRoleRoleRoutes } from "./auth-approle-roles.ts";

export interface AppRoleConfig {
  mount: string; // "auth/approle"
  roleName: string;
  roleId: string;
  secretId: string;
  ttlS: number;
  maxTtlS: number;
  policies: string[];
  noDefaultPolicy?: boolean; // token_no_default_policy
}

/** One secret ID: uses left (0 = unlimited) and absolute expiry (undefined = none). */
export interface SecretIdEntry {
  usesLeft: number;
  expiresAtMs: number | undefined;
}

/** The secret IDs of the role; the configured one is unlimited unless the options say otherwise. */
export class SecretIds {
  readonly entries = new Map<string, SecretIdEntry>();
  constructor(private readonly nowMs: () => number) {}

  add(id: string, numUses = 0, ttlS = 0): void {
    this.entries.set(id, { usesLeft: numUses, expiresAtMs: ttlS > 0 ? this.nowMs() + ttlS * 1000 : undefined });
  }

  /** Consumes one use; false when unknown, used up or expired (the entry is then gone). */
  use(id: string): boolean {
    const e = this.entries.get(id);
    if (e === undefined) return false;
    if (e.expiresAtMs !== undefined && this.nowMs() >= e.expiresAtMs) {
      this.entries.delete(id);
      return false;
    }
    if (e.usesLeft > 0) {
      e.usesLeft--;
      if (e.usesLeft === 0) this.entries.delete(id);
    }
    return true;
  }
}

export function appRoleRoutes(cfg: AppRoleConfig, tokens: TokenStore, secretIds: SecretIds): Route[] {
  const entityId = newUuid();
  const mountName = cfg.mount.replace(/^auth\//, "").replace(/\//g, "-");
  const login = (roleId: string, secretId: string): Outcome => {
    if (roleId === "") return userError("missing role_id");
    if (roleId !== cfg.roleId) return userError("invalid role or secret ID");
    if (secretId === "") return userError("missing secret_id");
    if (!secretIds.use(secretId)) return userError("invalid role or secret ID");
    const { token, warnings } = tokens.issue({
      policies: [...new Set([...(cfg.noDefaultPolicy ? [] : ["default"]), ...cfg.policies])].sort(),
      meta: { role_name: cfg.roleName },
      displayName: mountName,
      path: `${cfg.mount}/login`,
      entityId,
      renewable: true,
      ttlS: cfg.ttlS,
      maxTtlS: cfg.maxTtlS,
    });
    return { kind: "ok", data: null, warnings, auth: authObject(token, token.ttlS) };
  };
  return [
    {
      pattern: /^login$/,
      fields: { role_id: "string", secret_id: "string" },
      ops: { update: (_c, f) => login((f.string("role_id") ?? "").trim(), (f.string("secret_id") ?? "").trim()) },
    },
    // Role management (auth-approle-roles.ts): what an operator's setup writes.
    ...appRoleRoleRoutes(cfg, secretIds),
  ];
}
