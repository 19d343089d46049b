// JWT auth method login: POST auth/<mount>/login {role, jwt} with path_login.go's checks and
// texts, issuing a renewable service token with the role's TTL / max TTL and policies.
import type { KeyObject } from "node:crypto";
import { userError, type Outcome } from "./envelope.ts";
import type { Fields } from "./fields.ts";
import { goQuote } from "./go-format.ts";
import { newUuid } from "./ids.ts";
import { validateJwt } from "./jwt-verify.ts";
import type { Route } from "./routes.ts";
import type { TokenStore } from "./tokens.ts";
import { authObject } from "./auth-token.ts";
import { jwtConfigRoutes } from "./auth-jwt-config.ts";

export interface JwtRole {
  name: string;
  roleType: "jwt" | "oidc";
  boundAudiences: string[];
  boundSubject: string;
  boundClaims: Record<string, string | string[]>;
  userClaim: string;
  ttlS: number; // 0 = mount default (768h)
  maxTtlS: number; // 0 = system max (768h)
  policies: string[];
  noDefaultPolicy?: boolean; // token_no_default_policy
}

/** State of one jwt auth mount (config + roles); `configured` false until auth/<mount>/config is written. */
export interface JwtAuthConfig {
  mount: string; // "auth/jwt" (no trailing slash)
  configured: boolean;
  boundIssuer: string;
  keys: KeyObject[]; // jwt_validation_pubkeys
  keyPems: string[];
  supportedAlgs: string[]; // jwt_supported_algs; empty = RS256
  defaultRole: string;
  roles: Map<string, JwtRole>;
}

export const systemMaxTtlS = 768 * 3600;

function claimValues(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return undefined;
}

function checkBoundClaims(bound: JwtRole["boundClaims"], claims: Record<string, unknown>): string | undefined {
  for (const [name, expected] of Object.entries(bound)) {
    const actual = claims[name];
    if (actual === undefined || actual === null) return `claim ${goQuote(name)} is missing`;
    const values = claimValues(actual);
    if (values === undefined) return `received claim is not a string or list: ${String(actual)}`;
    const wanted = Array.isArray(expected) ? expected : [expected];
    if (!values.some((v) => wanted.includes(v))) return `claim ${goQuote(name)} does not match any associated bound claim values`;
  }
  return undefined;
}

/** Routes of one jwt auth mount: login plus config/role management. Entity ids are stable per subject. */
export function jwtRoutes(cfg: JwtAuthConfig, tokens: TokenStore, nowMs: () => number): Route[] {
  const entityIds = new Map<string, string>();
  const mountName = cfg.mount.replace(/^auth\//, "").replace(/\//g, "-");
  const login = (f: Fields): Outcome => {
    if (!cfg.configured) return userError("could not load configuration");
    const roleName = f.string("role") || cfg.defaultRole;
    if (roleName === "") return userError("missing role");
    const role = cfg.roles.get(roleName.toLowerCase());
    if (role === undefined) return userError(`role ${goQuote(roleName)} could not be found`);
    if (role.roleType === "oidc") return userError("role with oidc role_type is not allowed");
    const jwt = f.string("jwt") ?? "";
    if (jwt === "") return userError("missing token");
    const claims = validateJwt(jwt, cfg.keys, {
      issuer: cfg.boundIssuer, subject: role.boundSubject, audiences: role.boundAudiences,
      algorithms: cfg.supportedAlgs, nowMs: nowMs(),
    });
    if (typeof claims === "string") return userError(`error validating token: ${claims}`);
    const aud = claimValues(claims.aud) ?? [];
    if (aud.length > 0 && role.boundAudiences.length === 0) {
      return userError("audience claim found in JWT but no audiences bound to the role");
    }
    const user = claims[role.userClaim];
    if (typeof user !== "string" || user === "") return userError(`claim ${goQuote(role.userClaim)} not found in token`);
    const claimErr = checkBoundClaims(role.boundClaims, claims);
    if (claimErr !== undefined) return userError(`error validating claims: ${claimErr}`);

    let entityId = entityIds.get(user);
    if (entityId === undefined) entityIds.set(user, (entityId = newUuid()));
    const { token, warnings } = tokens.issue({
      policies: [...new Set([...(role.noDefaultPolicy ? [] : ["default"]), ...role.policies])].sort(),
      meta: { role: role.name },
      displayName: `${mountName}-${user}`,
      path: `${cfg.mount}/login`,
      entityId,
      renewable: true,
      ttlS: role.ttlS || systemMaxTtlS,
      maxTtlS: role.maxTtlS || systemMaxTtlS,
    });
    return { kind: "ok", data: null, warnings, auth: authObject(token, token.ttlS) };
  };
  return [
    { pattern: /^login$/, fields: { role: "string", jwt: "string" }, ops: { update: (_c, f) => login(f) } },
    ...jwtConfigRoutes(cfg),
  ];
}
