// POST auth/token/create: a child token with the requested policies, as an operator makes one
// (OpenBao internal/vault/token_store.go handleCreateCommon / resolveTokenPolicies;
// docs/openbao-compat.md §Admin endpoints):
// - no policies asked for: the parent's policies (`default` only if the parent has it);
// - a parent without sudo (root, or `sudo` on auth/token/create, dynamic_system_view.go
//   SudoPrivilege) may only hand out a subset of its own policies, `default` included;
//   `default` is added when the parent holds it; with sudo it is added in any case;
// - `no_default_policy` removes `default` at the end, even when it was asked for by name;
// - only a root parent may create a root token; `response-wrapping` cannot be assigned;
// - "Policy … does not exist" warnings.
import { userError, type Outcome } from "./envelope.ts";
import { GoNumber, type JsonValue } from "./json-input.ts";
import type { Route } from "./routes.ts";
import type { TokenEntry, TokenStore } from "./tokens.ts";
import { authObject } from "./auth-token.ts";
import { systemMaxTtlS } from "./auth-jwt.ts";

/** policyutil.SanitizePolicies: trimmed, lower-cased, no empties; `root` alone replaces all; optional `default`; sorted, unique. */
function sanitizePolicies(ps: readonly string[], addDefault: boolean): string[] {
  const clean = ps.map((p) => p.trim().toLowerCase()).filter((p) => p !== "");
  if (clean.includes("root")) return ["root"];
  if (addDefault && !clean.includes("default")) clean.push("default");
  return [...new Set(clean)].sort();
}

/** The final policies of a child token, or the error text of a 400 (resolveTokenPolicies, no role). */
export function resolveChildPolicies(parent: readonly string[], requested: readonly string[], noDefault: boolean, isSudo: boolean): string[] | string {
  let addDefault = false;
  let policies = requested;
  if (sanitizePolicies(requested, false).length === 0) policies = sanitizePolicies(parent, false);
  else if (!isSudo) {
    const own = sanitizePolicies(parent, false);
    if (!sanitizePolicies(requested, false).every((p) => own.includes(p))) return "child policies must be subset of parent";
    addDefault = !noDefault && parent.includes("default");
  } else addDefault = !noDefault;
  let final = sanitizePolicies(policies, addDefault);
  if (noDefault) final = final.filter((p) => p !== "default");
  if (final.includes("response-wrapping")) return `cannot assign policy "response-wrapping"`;
  if (final.includes("root") && !parent.includes("root")) return "root tokens may not be created without parent token being root";
  return final;
}

/** `hasSudo(token)`: whether the parent token has `sudo` on auth/token/create (root tokens always do). */
export function tokenCreateRoute(tokens: TokenStore, policyExists: (name: string) => boolean, hasSudo: (t: TokenEntry) => boolean): Route {
  return {
    pattern: /^create$/,
    fields: {
      policies: "strings", ttl: "duration", explicit_max_ttl: "duration", no_default_policy: "bool", display_name: "string",
      meta: "map", renewable: "bool", num_uses: "int", period: "duration", no_parent: "bool", type: "string",
    },
    ops: {
      update: (ctx, f): Outcome => {
        const parent = ctx.token!;
        const resolved = resolveChildPolicies(parent.policies, f.strings("policies") ?? [], f.bool("no_default_policy") ?? false, parent.isRoot || hasSudo(parent));
        if (typeof resolved === "string") return userError(resolved);
        const policies = resolved;
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
