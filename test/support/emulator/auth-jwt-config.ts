// jwt auth mount management: auth/<mount>/config (static public keys only) and
// auth/<mount>/role/<name>, so tests configure the emulator and a real OpenBao the same way.
import { createPublicKey, type KeyObject } from "node:crypto";
import { ok, userError, type Outcome } from "./envelope.ts";
import type { Fields } from "./fields.ts";
import { GoNumber, type JsonValue } from "./json-input.ts";
import { namePattern, type Route } from "./routes.ts";
import type { JwtAuthConfig, JwtRole } from "./auth-jwt.ts";

function parseKeys(pems: string[]): KeyObject[] | string {
  const keys: KeyObject[] = [];
  for (const pem of pems) {
    try {
      const k = createPublicKey(pem);
      if (k.asymmetricKeyType !== "rsa" && k.asymmetricKeyType !== "ec") throw new Error("unsupported key type");
      keys.push(k);
    } catch {
      return "error parsing public key: data does not contain any valid RSA or ECDSA public keys";
    }
  }
  return keys;
}

function writeConfig(cfg: JwtAuthConfig, f: Fields): Outcome {
  const pems = f.strings("jwt_validation_pubkeys") ?? [];
  const remote = (f.string("jwks_url") ?? "") !== "" || (f.string("oidc_discovery_url") ?? "") !== "";
  if (remote && pems.length > 0) return userError("exactly one of 'jwt_validation_pubkeys', 'jwks_url' or 'oidc_discovery_url' must be set");
  if (remote) return userError("emulator: only jwt_validation_pubkeys is supported");
  if (pems.length === 0) return userError("exactly one of 'jwt_validation_pubkeys', 'jwks_url' or 'oidc_discovery_url' must be set");
  const keys = parseKeys(pems);
  if (typeof keys === "string") return userError(keys);
  Object.assign(cfg, {
    configured: true, keys, keyPems: pems, boundIssuer: f.string("bound_issuer") ?? "",
    supportedAlgs: f.strings("jwt_supported_algs") ?? [], defaultRole: (f.string("default_role") ?? "").toLowerCase(),
  });
  return { kind: "nil" };
}

function boundClaims(v: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!(v instanceof Map)) return out;
  for (const [k, val] of v as Map<string, JsonValue>) {
    out[k] = Array.isArray(val) ? val.map((x) => (x instanceof GoNumber ? x.text : String(x))) : val instanceof GoNumber ? val.text : String(val);
  }
  return out;
}

function writeRole(cfg: JwtAuthConfig, name: string, f: Fields): Outcome {
  const roleType = f.string("role_type") || "oidc";
  if (roleType !== "jwt" && roleType !== "oidc") return userError(`invalid 'role_type': ${roleType}`);
  const role: JwtRole = {
    name,
    roleType,
    boundAudiences: f.strings("bound_audiences") ?? [],
    boundSubject: f.string("bound_subject") ?? "",
    boundClaims: boundClaims(f.rawValue("bound_claims")),
    userClaim: f.string("user_claim") ?? "",
    ttlS: f.int("token_ttl") ?? 0,
    maxTtlS: f.int("token_max_ttl") ?? 0,
    policies: f.strings("token_policies") ?? [],
    noDefaultPolicy: f.bool("token_no_default_policy") ?? false,
  };
  if (role.userClaim === "") return userError("a user claim must be defined on the role");
  const hasBound = role.boundAudiences.length > 0 || role.boundSubject !== "" || Object.keys(role.boundClaims).length > 0;
  if (roleType === "jwt" && !hasBound) return userError("must have at least one bound constraint when creating/updating a role");
  if (role.maxTtlS > 0 && role.ttlS > role.maxTtlS) return userError("ttl should not be greater than max ttl");
  cfg.roles.set(name, role);
  return { kind: "nil" };
}

function readRole(r: JwtRole): Outcome {
  return ok({
    bound_audiences: r.boundAudiences, bound_claims: Object.keys(r.boundClaims).length > 0 ? r.boundClaims : null,
    bound_subject: r.boundSubject, role_type: r.roleType, token_max_ttl: r.maxTtlS, token_policies: r.policies,
    token_no_default_policy: r.noDefaultPolicy ?? false, token_ttl: r.ttlS, user_claim: r.userClaim,
  });
}

export function jwtConfigRoutes(cfg: JwtAuthConfig): Route[] {
  const roleName = (p: Readonly<Record<string, string>>) => (p.name ?? "").toLowerCase();
  return [
    {
      pattern: /^config\/?$/,
      fields: {
        jwt_validation_pubkeys: "strings", bound_issuer: "string", jwt_supported_algs: "strings", default_role: "string",
        jwks_url: "string", oidc_discovery_url: "string",
      },
      ops: {
        read: () => (cfg.configured ? ok({
          bound_issuer: cfg.boundIssuer, default_role: cfg.defaultRole, jwt_supported_algs: cfg.supportedAlgs,
          jwt_validation_pubkeys: cfg.keyPems,
        }) : { kind: "nil" }),
        update: (_c, f) => writeConfig(cfg, f),
      },
    },
    { pattern: /^role\/?$/, fields: {}, ops: { list: () => (cfg.roles.size === 0 ? { kind: "nil" } : ok({ keys: [...cfg.roles.keys()].sort() })) } },
    {
      pattern: new RegExp(`^role/(?<name>${namePattern})$`),
      fields: {
        role_type: "string", bound_audiences: "strings", bound_subject: "string", bound_claims: "map", user_claim: "string",
        token_ttl: "duration", token_max_ttl: "duration", token_policies: "strings", bound_claims_type: "string",
        token_no_default_policy: "bool",
      },
      ops: {
        read: (_c, _f, p) => {
          const r = cfg.roles.get(roleName(p));
          return r === undefined ? { kind: "nil" } : readRole(r);
        },
        update: (_c, f, p) => writeRole(cfg, roleName(p), f),
        delete: (_c, _f, p) => (cfg.roles.delete(roleName(p)), { kind: "nil" }),
      },
    },
  ];
}
