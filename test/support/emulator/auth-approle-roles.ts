// AppRole role management as an operator runs it (OpenBao builtin/credential/approle/path_role.go):
// POST role/<name> (token_policies, token_ttl, token_max_ttl, secret_id_num_uses, secret_id_ttl,
// role_id, …), GET role/<name>/role-id, POST role/<name>/secret-id. The emulator keeps one role
// per mount: writing role/<name> names it and sets its fields (the role the login checks).
import { newUuid } from "./ids.ts";
import { ok, userError } from "./envelope.ts";
import { namePattern, type Route } from "./routes.ts";
import type { AppRoleConfig, SecretIds } from "./auth-approle.ts";

/** Per-role secret-id defaults (0 = unlimited / no expiry). */
export interface AppRoleSecretIdDefaults {
  numUses: number;
  ttlS: number;
}

export function appRoleRoleRoutes(cfg: AppRoleConfig, secretIds: SecretIds, defaults: AppRoleSecretIdDefaults = { numUses: 0, ttlS: 0 }): Route[] {
  const known = (name: string | undefined) => (name ?? "").toLowerCase() === cfg.roleName.toLowerCase();
  return [
    {
      pattern: new RegExp(`^role/(?<name>${namePattern})$`),
      fields: {
        role_id: "string", token_policies: "strings", policies: "strings", token_ttl: "duration", token_max_ttl: "duration",
        secret_id_num_uses: "int", secret_id_ttl: "duration", bind_secret_id: "bool", token_no_default_policy: "bool",
        token_type: "string", secret_id_bound_cidrs: "strings", token_bound_cidrs: "strings",
      },
      ops: {
        update: (_c, f, p) => {
          const ttl = f.int("token_ttl") ?? cfg.ttlS;
          const maxTtl = f.int("token_max_ttl") ?? cfg.maxTtlS;
          if (maxTtl > 0 && ttl > maxTtl) return userError("token_ttl should not be greater than token_max_ttl");
          if (f.bool("bind_secret_id") === false) return userError("emulator: bind_secret_id=false is not supported");
          cfg.roleName = (p.name ?? "").toLowerCase();
          cfg.roleId = f.string("role_id") || (cfg.roleId === "" ? newUuid() : cfg.roleId);
          cfg.policies = f.strings("token_policies") ?? f.strings("policies") ?? cfg.policies;
          cfg.ttlS = ttl;
          cfg.maxTtlS = maxTtl;
          const noDefault = f.bool("token_no_default_policy");
          if (noDefault !== undefined) (cfg as { noDefaultPolicy?: boolean }).noDefaultPolicy = noDefault;
          defaults.numUses = f.int("secret_id_num_uses") ?? defaults.numUses;
          defaults.ttlS = f.int("secret_id_ttl") ?? defaults.ttlS;
          return { kind: "nil" };
        },
        read: (_c, _f, p) =>
          known(p.name)
            ? ok({ token_policies: cfg.policies, token_ttl: cfg.ttlS, token_max_ttl: cfg.maxTtlS, secret_id_num_uses: defaults.numUses, secret_id_ttl: defaults.ttlS, bind_secret_id: true })
            : { kind: "nil" },
      },
    },
    {
      pattern: new RegExp(`^role/(?<name>${namePattern})/role-id$`),
      fields: { role_id: "string" },
      ops: {
        read: (_c, _f, p) => (known(p.name) ? ok({ role_id: cfg.roleId }) : userError("invalid role name")),
        update: (_c, f, p) => {
          if (!known(p.name)) return userError("invalid role name");
          const id = f.string("role_id") ?? "";
          if (id === "") return userError("missing role_id");
          cfg.roleId = id;
          return { kind: "nil" };
        },
      },
    },
    {
      pattern: new RegExp(`^role/(?<name>${namePattern})/secret-id$`),
      fields: { metadata: "string", cidr_list: "strings", token_bound_cidrs: "strings", num_uses: "int", ttl: "duration" },
      ops: {
        update: (_c, f, p) => {
          if (!known(p.name)) return userError(`role "${p.name}" does not exist`);
          const numUses = f.int("num_uses") ?? defaults.numUses;
          const ttlS = f.int("ttl") ?? defaults.ttlS;
          const id = newUuid();
          secretIds.add(id, numUses, ttlS);
          return ok({ secret_id: id, secret_id_accessor: newUuid(), secret_id_ttl: ttlS, secret_id_num_uses: numUses });
        },
      },
    },
  ];
}
