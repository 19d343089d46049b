// Mount tables (secret engines and auth methods) with stable random uuids and
// `<type>_<8hex>` accessors, rendered the way sys/mounts shows them.
import { newUuid, randomHex } from "./ids.ts";

export const baoVersion = "2.6.0";
const builtinVersion = `v${baoVersion}+builtin.bao`;

export interface MountEntry {
  path: string; // with trailing "/", e.g. "transit/" or "auth/jwt/"
  type: string;
  description: string;
  uuid: string;
  accessor: string;
  local: boolean;
  builtinPlugin: boolean; // has a deprecation status
}

export class MountTable {
  private readonly entries = new Map<string, MountEntry>();

  constructor() {
    this.add("cubbyhole/", "cubbyhole", { description: "per-token private secret storage", local: true, builtin: false });
    this.add("identity/", "identity", { description: "identity store", builtin: false });
    this.add("sys/", "system", { description: "system endpoints used for control, policy and debugging", builtin: false });
    this.add("auth/token/", "token", { description: "token based credentials", builtin: false });
  }

  /** Adds a mount at `path` ("transit" or "auth/jwt"; a trailing "/" is added). Returns it. */
  add(path: string, type: string, o: { description?: string; local?: boolean; builtin?: boolean } = {}): MountEntry {
    const p = normalizeMountPath(path);
    const existing = this.entries.get(p);
    if (existing) return existing;
    const accessorType = p.startsWith("auth/") ? `auth_${type}` : type;
    const entry: MountEntry = {
      path: p, type, description: o.description ?? "", uuid: newUuid(),
      accessor: `${accessorType}_${randomHex(4)}`, local: o.local ?? false, builtinPlugin: o.builtin ?? true,
    };
    this.entries.set(p, entry);
    return entry;
  }

  remove(path: string): boolean {
    return this.entries.delete(normalizeMountPath(path));
  }

  get(path: string): MountEntry | undefined {
    return this.entries.get(normalizeMountPath(path));
  }

  /** The mount owning `relPath` (path under /v1/), by longest prefix. */
  match(relPath: string): MountEntry | undefined {
    let best: MountEntry | undefined;
    const p = relPath.endsWith("/") ? relPath : relPath + "/";
    for (const e of this.entries.values()) {
      if (p.startsWith(e.path) && (best === undefined || e.path.length > best.path.length)) best = e;
    }
    return best;
  }

  /** Auth-method mounts (auth/…), in insertion order. */
  authMounts(): MountEntry[] {
    return [...this.entries.values()].filter((e) => e.path.startsWith("auth/"));
  }

  /** Secret-engine mounts (not auth/), in insertion order. */
  secretMounts(): MountEntry[] {
    return [...this.entries.values()].filter((e) => !e.path.startsWith("auth/"));
  }
}

export function normalizeMountPath(path: string): string {
  const trimmed = path.replace(/^\/+/, "").replace(/\/+$/, "");
  return trimmed + "/";
}

/** The mount info object of sys/mounts (a Go map, so keys are sorted on output). */
export function mountInfo(e: MountEntry): Record<string, unknown> {
  return {
    accessor: e.accessor,
    config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 },
    ...(e.builtinPlugin ? { deprecation_status: "supported" } : {}),
    description: e.description,
    external_entropy_access: false,
    local: e.local,
    options: null,
    plugin_version: "",
    running_plugin_version: builtinVersion,
    running_sha256: "",
    seal_wrap: false,
    type: e.type,
    uuid: e.uuid,
  };
}
