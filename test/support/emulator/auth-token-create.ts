// POST auth/token/create: a child token with the requested policies, as an operator makes one
// (internal/vault/token_store.go handleCreateCommon / resolveTokenPolicies: `default` added
// unless no_default_policy, a non-root parent may only hand out a subset of its own policies,
// "Policy … does not exist" warnings; docs/openbao-compat.md §Admin endpoints).
import { userError, type Outcome } from "./envelope.ts";
import { GoNumber, type JsonValue } from "./json-input.ts";
import type { Route } from "./routes.ts";
import type { TokenStore } from "./tokens.ts";
import { authObject } from "./auth-token.ts";
import { systemMaxTtlS } from "./auth-jwt.ts";

const sanitize = (ps: readonly string[]) => [...new Set(ps.map((p) => p.trim().toLowerCase()).filter((p) => p !== ""))];

export function tokenCreateRoute(tokens: TokenStore, policyExists: (name: string) => boolean): Route {
  return {
    pattern: /^create$/,
    fields: {
      policies: "strings", ttl: "duration", explicit_max_ttl: "duration", no_default_policy: "bool", display_name: "string",
      meta: "map", renewable: "bool", num_uses: "int", period: "duration", no_parent: "bool", type: "string",
    },
    ops: {
      update: (ctx, f): Outcome => {
        const parent = ctx.token!;
        const isSudo = parent.isRoot;
        const requested = sanitize(f.strings("policies") ?? []);
        const noDefault = f.bool("no_default_policy") ?? false;
        let policies: string[];
        if (requested.length === 0) policies = sanitize(parent.policies);
        else if (!isSudo && !requested.filter((p) => p !== "default").every((p) => parent.policies.includes(p))) {
          return userError("child policies must be subset of parent");
        } else policies = [...requested, ...(!noDefault && (isSudo || parent.policies.includes("default")) ? ["default"] : [])];
        policies = sanitize(policies).sort();
        if (policies.includes("root")) return userError("emulator: creating root tokens is not implemented");
        const meta: Record<string, string> = {};
        const raw = f.rawValue("meta");
        if (raw instanceof Map) for (const [k, v] of raw as Map<string, JsonValue>) meta[k] = v instanceof GoNumber ? v.text : String(v);
        const display = f.string("display_name") ?? "";
        const ttlS = f.int("ttl") || systemMaxTtlS;
        const explicitMax = f.int("explicit_max_ttl") ?? 0;
        const { token, warnings } = tokens.issue({
          policies, meta: raw instanceof Map ? meta : null,
          displayName: display === "" ? "token" : `token-${display}`.replace(/[^a-zA-Z0-9-]/g, "-").replace(/-$/, ""),
          path: "auth/token/create", entityId: "", renewable: f.bool("renewable") ?? true, ttlS,
          maxTtlS: explicitMax > 0 ? Math.min(explicitMax, systemMaxTtlS) : systemMaxTtlS,
        });
        for (const p of policies) if (!policyExists(p)) warnings.push(`Policy ${JSON.stringify(p)} does not exist`);
        return { kind: "ok", data: null, warnings, auth: authObject(token, token.ttlS) };
      },
    },
  };
}
