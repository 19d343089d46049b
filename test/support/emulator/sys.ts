// Logical sys/ routes: mounts (list, read, enable/disable transit), internal/ui/mounts and
// capabilities-self. The emulator's only ACL model is the deny fault (see faults.ts).
import { fixedError, ok, userError, type Outcome } from "./envelope.ts";
import { mountInfo, normalizeMountPath, type MountTable } from "./mounts.ts";
import type { Route } from "./routes.ts";

export interface SysDeps {
  mounts: MountTable;
  /** Whether the deny fault covers `/v1/<relPath>`. */
  isDenied(relPath: string): boolean;
  enableTransit(path: string): void;
  disableMount(path: string): void;
  /** Enables an auth method at auth/<path>; returns an error text for unsupported types. */
  enableAuth(path: string, type: string): string | undefined;
  /** Capabilities from ACL policies (acl.ts); undefined = none of the token's policies is defined. */
  policyCapabilities?(policies: readonly string[], path: string): string[] | undefined;
}

const allCapabilities = ["create", "delete", "list", "read", "update"];

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
        read: (_c, _f, p) => {
          const target = p.path!;
          if (d.isDenied(target)) {
            return fixedError(403, `preflight capability check returned 403, please ensure client's policies grant access to path "${target}"`);
          }
          const m = d.mounts.match(target);
          if (m === undefined) return userError(`no mount found at path "${target}"`);
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
            data[p] = d.isDenied(p) ? ["deny"] : ctx.token?.isRoot ? ["root"] : (d.policyCapabilities?.(ctx.token?.policies ?? [], p) ?? allCapabilities);
          }
          if (paths.length === 1) data.capabilities = data[paths[0]!];
          return injected(data);
        },
      },
    },
  ];
}
