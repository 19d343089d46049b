// Logical sys/ routes: mounts (list, read, enable/disable transit), internal/ui/mounts and
// capabilities-self, answered from the token's ACL (acl.ts) and the deny fault (faults.ts).
import type { Acl } from "./acl.ts";
import { fixedError, goError, ok, userError, type Outcome } from "./envelope.ts";
import { mountInfo, normalizeMountPath, type MountTable } from "./mounts.ts";
import type { Route } from "./routes.ts";
import type { TokenEntry } from "./tokens.ts";

export interface SysDeps {
  mounts: MountTable;
  nsPath: string; // path of this sys backend's namespace ("" = root)
  /** Whether the deny fault covers `/v1/<relPath>`. */
  isDenied(relPath: string): boolean;
  enableTransit(path: string): void;
  disableMount(path: string): void;
  /** Enables an auth method at auth/<path>; returns an error text for unsupported types. */
  enableAuth(path: string, type: string): string | undefined;
  /** The merged ACL of a non-root token (from the policies of the token's own namespace). */
  aclFor(t: TokenEntry): Acl;
}

/** sanitizePath (logical_system.go): no leading "/", a trailing "/". */
const sanitizePath = (p: string) => (p.endsWith("/") ? p : p + "/").replace(/^\//, "");

function injected(data: Record<string, unknown>): Outcome {
  return { kind: "ok", data, injectTopLevel: true };
}

export function sysRoutes(d: SysDeps): Route[] {
  const secretMount = (path: string) => {
    const m = d.mounts.match(path);
    return m !== undefined && !m.path.startsWith("auth/") ? m : undefined;
  };
  return [
    {
      pattern: /^mounts\/?$/,
      fields: {},
      ops: { read: () => injected(Object.fromEntries(d.mounts.secretMounts().map((m) => [m.path, mountInfo(m)]))) },
    },
    {
      pattern: /^mounts\/(?<path>.+)$/,
      fields: { type: "string", description: "string", config: "map", options: "map", local: "bool", seal_wrap: "bool" },
      ops: {
        read: (_c, _f, p) => {
          const m = secretMount(p.path!);
          return m === undefined ? userError(`No secret engine mount at ${normalizeMountPath(p.path!)}`) : injected(mountInfo(m));
        },
        update: (_c, f, p) => {
          const path = normalizeMountPath(p.path!);
          if (d.mounts.get(path) !== undefined) return userError(`path is already in use at ${path}`);
          const type = f.string("type") ?? "";
          if (type !== "transit") return userError(`emulator: only transit mounts can be enabled, not ${JSON.stringify(type)}`);
          d.enableTransit(path);
          return { kind: "nil" };
        },
        delete: (_c, _f, p) => {
          d.disableMount(p.path!);
          return { kind: "nil" };
        },
      },
    },
    {
      pattern: /^auth\/?$/,
      fields: {},
      ops: { read: () => injected(Object.fromEntries(d.mounts.authMounts().map((m) => [m.path.slice("auth/".length), mountInfo(m)]))) },
    },
    {
      pattern: /^auth\/(?<path>.+)$/,
      fields: { type: "string", description: "string", config: "map", options: "map", local: "bool", seal_wrap: "bool" },
      ops: {
        update: (_c, f, p) => {
          const path = "auth/" + normalizeMountPath(p.path!);
          if (d.mounts.get(path) !== undefined) return userError(`path is already in use at ${path}`);
          const err = d.enableAuth(path, f.string("type") ?? "");
          return err === undefined ? { kind: "nil" } : userError(err);
        },
        delete: (_c, _f, p) => {
          d.disableMount("auth/" + normalizeMountPath(p.path!));
          return { kind: "nil" };
        },
      },
    },
    {
      pattern: /^internal\/ui\/mounts\/(?<path>.+)$/,
      fields: {},
      ops: {
        // Unauthenticated route: the handler checks the token itself (pathInternalUIMountRead).
        // A missing mount is the same 403 as no access, so mounts cannot be probed.
        read: (ctx, _f, p) => {
          if (ctx.token === undefined) return goError("permission denied");
          const target = sanitizePath(p.path!);
          const denied = fixedError(403, `preflight capability check returned 403, please ensure client's policies grant access to path "${target}"`);
          if (d.isDenied(target)) return denied;
          const m = d.mounts.match(target);
          if (m === undefined) return denied;
          if (!ctx.token.isRoot && !d.aclFor(ctx.token).hasMountAccess(d.nsPath + m.path)) return denied;
          return ok({ ...mountInfo(m), path: m.path });
        },
      },
    },
    {
      pattern: /^capabilities-self\/?$/,
      fields: { path: "strings", paths: "strings" },
      ops: {
        update: (ctx, f) => {
          const paths = [...(f.strings("paths") ?? []), ...(f.strings("path") ?? [])];
          if (paths.length === 0) return userError("paths must be supplied");
          const data: Record<string, unknown> = {};
          for (const p of paths) {
            data[p] = d.isDenied(p) ? ["deny"] : ctx.token?.isRoot ? ["root"] : d.aclFor(ctx.token!).capabilities(d.nsPath + p.replace(/^\/+/, ""));
          }
          if (paths.length === 1) data.capabilities = data[paths[0]!];
          return injected(data);
        },
      },
    },
  ];
}
