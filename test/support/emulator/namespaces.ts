// Namespaces, each with its own mounts, transit keys, auth methods, policies and tokens
// (docs/openbao-compat.md §Namespaces). A request's namespace is X-Vault-Namespace stacked ahead
// of the request path, resolved by longest prefix; a header that names no namespace → 404
// "namespace not found" (OpenBao internal/vault/namespace_store.go ResolveNamespaceFromRequest,
// request_handling.go).
import { posix } from "node:path";
import { Acl } from "./acl.ts";
import { newUuid, randomBase62 } from "./ids.ts";
import type { Registry } from "./registry.ts";
import type { TokenEntry } from "./tokens.ts";

export interface NamespaceInfo {
  path: string; // "" = root, else canonical "team-a/" or "team-a/sub/"
  id: string; // "root" or 6 base62 characters
  uuid: string;
  customMetadata: Record<string, string>;
}

export interface Namespace extends NamespaceInfo {
  registry: Registry;
}

/** The ways sys/namespaces may change the store (handed to every namespace's sys backend). */
export interface NamespaceAdmin {
  get(path: string): Namespace | undefined;
  create(path: string, customMetadata: Record<string, string>): Namespace;
  delete(path: string): boolean;
  /** Direct children of `parent` (a namespace path). */
  children(parent: string): Namespace[];
}

/** namespace.Canonicalize: no leading "/", cleaned, trailing "/"; "" for root. */
export function canonicalNamespace(p: string): string {
  const cleaned = posix.normalize(p.replace(/^\/+/, "")).replace(/\/+$/, "");
  return cleaned === "." || cleaned === "" ? "" : cleaned + "/";
}

/** Namespace names OpenBao refuses (internal/helper/namespace/namespace.go reservedNames). */
export const reservedNamespaceNames: ReadonlySet<string> = new Set(["", ".", "..", "root", "sys", "audit", "auth", "cubbyhole", "identity"]);

export class NamespaceStore implements NamespaceAdmin {
  private readonly byPath = new Map<string, Namespace>();
  readonly root: Namespace;

  /**
   * `revokeTokens(path)` revokes the tokens of the namespace at `path` and of its children: a
   * deleted namespace's auth mounts (token/ included) are unmounted, so its tokens stop working
   * (OpenBao internal/vault/namespace_store.go DeleteNamespace → undoCreateMounts).
   */
  constructor(
    private readonly makeRegistry: (info: NamespaceInfo, store: NamespaceStore) => Registry,
    private readonly revokeTokens: (path: string) => void = () => {},
  ) {
    this.root = this.build({ path: "", id: "root", uuid: newUuid(), customMetadata: {} });
  }

  private build(info: NamespaceInfo): Namespace {
    const ns = { ...info, registry: undefined as unknown as Registry };
    ns.registry = this.makeRegistry(info, this);
    this.byPath.set(info.path, ns);
    return ns;
  }

  get(path: string): Namespace | undefined {
    return this.byPath.get(canonicalNamespace(path));
  }

  /** Creates the namespace at canonical `path` (its parent must exist); returns the existing one unchanged. */
  create(path: string, customMetadata: Record<string, string>): Namespace {
    const p = canonicalNamespace(path);
    const existing = this.byPath.get(p);
    if (existing !== undefined) {
      existing.customMetadata = customMetadata;
      return existing;
    }
    return this.build({ path: p, id: randomBase62(6), uuid: newUuid(), customMetadata });
  }

  delete(path: string): boolean {
    const p = canonicalNamespace(path);
    if (p === "" || !this.byPath.has(p)) return false;
    for (const key of [...this.byPath.keys()]) if (key.startsWith(p)) this.byPath.delete(key);
    this.revokeTokens(p);
    return true;
  }

  children(parent: string): Namespace[] {
    return [...this.byPath.values()].filter((n) => n.path !== "" && n.path.startsWith(parent) && !n.path.slice(parent.length, -1).includes("/") && n.path !== parent);
  }

  /**
   * The namespace of a request and the path inside it; undefined when the header names a
   * namespace that does not exist (→ 404 "namespace not found").
   */
  resolve(header: string, relPath: string): { ns: Namespace; rel: string } | undefined {
    let h = canonicalNamespace(header);
    if (h === "root/") h = "";
    const full = h + relPath;
    let best = this.root;
    for (const ns of this.byPath.values()) {
      if (ns.path !== "" && full.startsWith(ns.path) && ns.path.length > best.path.length) best = ns;
    }
    if (!best.path.startsWith(h)) return undefined;
    return { ns: best, rel: full.slice(best.path.length) };
  }

  /** The merged ACL of a (non-root) token, from the policies of the namespace it lives in. */
  aclFor(t: TokenEntry): Acl {
    const ns = this.byPath.get(t.namespace);
    return ns === undefined ? new Acl([]) : ns.registry.policies.acl(t.policies);
  }
}
