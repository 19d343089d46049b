// AppRole auth method (minimal): POST auth/<mount>/login {role_id, secret_id} with OpenBao's
// error texts; one role, one secret id, renewable service tokens.
import { userError, type Outcome } from "./envelope.ts";
import { newUuid } from "./ids.ts";
import type { Route } from "./routes.ts";
import type { TokenStore } from "./tokens.ts";
import { authObject } from "./auth-token.ts";

export interface AppRoleConfig {
  mount: string; // "auth/approle"
  roleName: string;
  roleId: string;
  secretId: string;
  ttlS: number;
  maxTtlS: number;
  policies: string[];
}

export function appRoleRoutes(cfg: AppRoleConfig, tokens: TokenStore): Route[] {
  const entityId = newUuid();
  const mountName = cfg.mount.replace(/^auth\//, "").replace(/\//g, "-");
  const login = (roleId: string, secretId: string): Outcome => {
    if (roleId === "") return userError("missing role_id");
    if (roleId !== cfg.roleId) return userError("invalid role or secret ID");
    if (secretId === "") return userError("missing secret_id");
    if (secretId !== cfg.secretId) return userError("invalid role or secret ID");
    const { token, warnings } = tokens.issue({
      policies: [...new Set(["default", ...cfg.policies])].sort(),
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
  ];
}
