// auth/token paths used by clients: lookup-self, renew-self, revoke-self; plus the `auth`
// object (HTTPAuth field order) shared by every login and renew response.
import { ok, userError, type Outcome } from "./envelope.ts";
import { goStruct, type GoStruct } from "./go-json.ts";
import { rfc3339, rfc3339Nano } from "./go-format.ts";
import type { Route } from "./routes.ts";
import type { TokenEntry, TokenStore } from "./tokens.ts";

/** logical.HTTPAuth in Go field order; identity_policies is omitted (empty). */
export function authObject(t: TokenEntry, leaseDurationS: number): GoStruct {
  const tokenPolicies = t.policies.filter((p) => p !== "root");
  return goStruct([
    ["client_token", t.id],
    ["accessor", t.accessor],
    ["policies", t.policies],
    ["token_policies", tokenPolicies.length > 0 ? tokenPolicies : undefined],
    ["metadata", t.meta],
    ["lease_duration", leaseDurationS],
    ["renewable", t.renewable],
    ["entity_id", t.entityId],
    ["token_type", "service"],
    ["orphan", true],
    ["mfa_requirement", null],
    ["num_uses", 0],
  ]);
}

/** The `data` of lookup-self (a Go map; sorted on output). */
export function lookupData(tokens: TokenStore, t: TokenEntry): Record<string, unknown> {
  const exp = tokens.expireMs(t);
  const data: Record<string, unknown> = {
    accessor: t.accessor,
    creation_time: Math.floor(t.issueMs / 1000),
    creation_ttl: t.creationTtlS,
    display_name: t.displayName,
    entity_id: t.entityId,
    expire_time: exp === undefined ? null : rfc3339Nano(exp),
    explicit_max_ttl: 0,
    id: t.id,
    meta: t.meta,
    num_uses: 0,
    orphan: true,
    path: t.path,
    policies: t.policies,
    ttl: tokens.remainingS(t),
    type: "service",
  };
  if (exp !== undefined) {
    // Only tokens with a lease carry these (root has none).
    data.renewable = t.renewable;
    data.issue_time = rfc3339Nano(t.issueMs);
    if (t.lastRenewalMs !== undefined) {
      data.last_renewal_time = Math.floor(t.lastRenewalMs / 1000);
      data.last_renewal = rfc3339(t.lastRenewalMs);
    }
  }
  return data;
}

/** Routes under auth/token/. The router guarantees `ctx.token` is a live token here. */
export function tokenRoutes(tokens: TokenStore): Route[] {
  const lookup = (ctx: { token: TokenEntry | undefined }): Outcome => ok(lookupData(tokens, ctx.token!));
  return [
    { pattern: /^lookup-self$/, fields: {}, ops: { read: lookup, update: lookup } },
    {
      pattern: /^renew-self$/,
      fields: { increment: "duration" },
      ops: {
        update: (ctx, f) => {
          const t = ctx.token!;
          const r = tokens.renew(t, f.int("increment") ?? 0);
          if (typeof r === "string") return userError(r);
          return { kind: "ok", data: null, warnings: r.warnings, auth: authObject(t, t.ttlS) };
        },
      },
    },
    {
      pattern: /^revoke-self$/,
      fields: {},
      ops: {
        update: (ctx) => {
          tokens.revoke(ctx.token!.id);
          return { kind: "nil" };
        },
      },
    },
  ];
}
