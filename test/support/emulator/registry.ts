// The mount registry of one namespace: every mount's table entry together with its backend
// routes and (for transit) its key store, plus the namespace's ACL policies; sys/ and
// auth/token/ are always present and cannot be unmounted.
import type { KeyObject } from "node:crypto";
import { PolicyStore } from "./acl.ts";
import { tokenCreateRoute } from "./auth-token-create.ts";
import type { NamespaceAdmin, NamespaceInfo } from "./namespaces.ts";
import { namespaceRoutes } from "./sys-namespaces.ts";
import { policyRoutes } from "./sys-policies.ts";
import { appRoleRoutes, SecretIds, type AppRoleConfig } from "./auth-approle.ts";
import { jwtRoutes, type JwtAuthConfig, type JwtRole } from "./auth-jwt.ts";
import { tokenRoutes } from "./auth-token.ts";
import { normalizePrefix, type Faults } from "./faults.ts";
import { KeyStore } from "./keys.ts";
import { MountTable, normalizeMountPath } from "./mounts.ts";
import type { Backend } from "./router.ts";
import { sysRoutes, type SysDeps } from "./sys.ts";
import type { TokenStore } from "./tokens.ts";
import { transitRoutes } from "./transit.ts";

export class Registry {
  readonly mounts = new MountTable();
  readonly stores = new Map<string, KeyStore>();
  readonly backends = new Map<string, Backend>();
  readonly policies: PolicyStore;
  private readonly tokens: TokenStore;

  constructor(
    tokens: TokenStore,
    private readonly nowMs: () => number,
    faults: Faults,
    private readonly disableUpsertDefault: boolean,
    readonly ns: NamespaceInfo,
    namespaces: NamespaceAdmin & { aclFor: SysDeps["aclFor"] },
  ) {
    this.tokens = tokens.scoped(ns);
    this.policies = new PolicyStore(ns.path);
    this.backends.set("auth/token/", { routes: [...tokenRoutes(this.tokens), tokenCreateRoute(
      this.tokens, (p) => this.policies.get(p) !== undefined, (t) => namespaces.aclFor(t).capabilities(ns.path + "auth/token/create").includes("sudo"),
    )] });
    this.backends.set("sys/", {
      // OpenBao's sys PathsSpecial.Unauthenticated entries the emulator serves (the handler checks the token).
      unauthenticated: /^internal\/ui\/mounts(?:\/.*)?$/,
      routes: [
        ...sysRoutes({
          mounts: this.mounts,
          nsPath: ns.path,
          isDenied: (rel) => faults.isDenied(normalizePrefix(rel)),
          enableTransit: (p) => void this.mountTransit(p),
          enableAuth: (p, type) => (type === "jwt" ? void this.mountJwt(p) : `emulator: only jwt auth methods can be enabled, not ${JSON.stringify(type)}`),
          disableMount: (p) => this.unmount(p),
          aclFor: (t) => namespaces.aclFor(t),
        }),
        ...policyRoutes(this.policies),
        ...namespaceRoutes(ns.path, namespaces),
      ],
    });
  }

  /** Mounts transit at `path` (idempotent) and returns its key store. */
  mountTransit(path: string): KeyStore {
    const p = normalizeMountPath(path);
    const existing = this.stores.get(p);
    if (existing) return existing;
    const store = new KeyStore(this.nowMs, this.disableUpsertDefault);
    this.mounts.add(p, "transit");
    this.stores.set(p, store);
    this.backends.set(p, { routes: transitRoutes(store) });
    return store;
  }

  /** Mounts an unconfigured jwt auth method at `path` ("auth/x"); returns its mutable config. */
  mountJwt(path: string): JwtAuthConfig {
    const mount = normalizeMountPath(path).replace(/\/$/, "");
    const cfg: JwtAuthConfig = {
      mount, configured: false, boundIssuer: "", keys: [], keyPems: [], supportedAlgs: [], defaultRole: "", roles: new Map(),
    };
    this.mounts.add(mount, "jwt");
    this.backends.set(mount + "/", { routes: jwtRoutes(cfg, this.tokens, this.nowMs), unauthenticated: /^login$/ });
    return cfg;
  }

  /** Mounts a jwt auth method already configured with one trusted key and one role. */
  mountConfiguredJwt(path: string, c: { issuer: string; key: KeyObject; keyPem: string; algs: string[]; role: JwtRole }): JwtAuthConfig {
    return Object.assign(this.mountJwt(path), {
      configured: true, boundIssuer: c.issuer, keys: [c.key], keyPems: [c.keyPem], supportedAlgs: c.algs,
      roles: new Map([[c.role.name, c.role]]),
    });
  }

  /** Mounts AppRole with one role; returns its secret-ID table (the configured secret ID is added by the caller). */
  mountAppRole(cfg: AppRoleConfig): SecretIds {
    const secretIds = new SecretIds(this.nowMs);
    this.mounts.add(cfg.mount, "approle");
    this.backends.set(normalizeMountPath(cfg.mount), { routes: appRoleRoutes(cfg, this.tokens, secretIds), unauthenticated: /^login$/ });
    return secretIds;
  }

  unmount(path: string): void {
    const p = normalizeMountPath(path);
    if (p === "sys/" || p === "auth/token/") return;
    this.mounts.remove(p);
    this.stores.delete(p);
    this.backends.delete(p);
  }
}
