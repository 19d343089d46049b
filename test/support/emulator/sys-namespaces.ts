// sys/namespaces: create, read, list and delete child namespaces of the request's namespace
// (internal/vault/logical_system_namespaces.go: the response shape of createNamespaceDataResponse,
// namespace.ParseName's errors; docs/openbao-compat.md §Namespaces). Deleting is immediate here;
// OpenBao answers "in-progress" and finishes in the background.
import type { JsonValue } from "./json-input.ts";
import { ok, userError, type Outcome } from "./envelope.ts";
import { canonicalNamespace, reservedNamespaceNames, type Namespace, type NamespaceAdmin } from "./namespaces.ts";
import type { Route } from "./routes.ts";

function data(ns: Namespace, explicitMetadata: boolean): Record<string, unknown> {
  return {
    custom_metadata: explicitMetadata || Object.keys(ns.customMetadata).length > 0 ? ns.customMetadata : null,
    id: ns.id,
    locked: false,
    path: ns.path,
    tainted: false,
    uuid: ns.uuid,
  };
}

/** namespace.ParseName: one segment, not reserved; returns the canonical "name/" or an error text. */
function parseName(input: string): { name: string } | { error: string } {
  const name = canonicalNamespace(input);
  if (name === "") return { error: "namespace name cannot be empty" };
  const clipped = name.slice(0, -1);
  if (clipped.includes("/")) return { error: "namespace name cannot contain /" };
  if (reservedNamespaceNames.has(clipped)) return { error: `${JSON.stringify(name)} is a reserved path and cannot be used as a namespace name` };
  return { name };
}

export function namespaceRoutes(current: string, admin: NamespaceAdmin): Route[] {
  const list = (): Outcome => {
    const kids = admin.children(current);
    if (kids.length === 0) return { kind: "nil" };
    const keys = kids.map((k) => k.path.slice(current.length)).sort();
    const info = Object.fromEntries(kids.map((k) => [k.path.slice(current.length), data(k, false)]));
    return ok({ key_info: info, keys });
  };
  return [
    { pattern: /^namespaces\/?$/, fields: {}, ops: { list, scan: list } },
    {
      pattern: /^namespaces\/(?<path>.+)$/,
      fields: { custom_metadata: "map" },
      ops: {
        read: (_c, _f, p) => {
          const n = parseName(p.path!);
          if ("error" in n) return userError(n.error);
          const ns = admin.get(current + n.name);
          return ns === undefined ? { kind: "nil" } : ok(data(ns, false));
        },
        update: (_c, f, p) => {
          const n = parseName(p.path!);
          if ("error" in n) return userError(n.error);
          const meta: Record<string, string> = {};
          const raw = f.rawValue("custom_metadata");
          if (raw instanceof Map) {
            for (const [k, v] of raw as Map<string, JsonValue>) {
              if (typeof v !== "string") return userError("custom_metadata values must be strings");
              meta[k] = v;
            }
          }
          return ok(data(admin.create(current + n.name, meta), raw instanceof Map));
        },
        delete: (_c, _f, p) => {
          const n = parseName(p.path!);
          if ("error" in n) return userError(n.error);
          if (!admin.delete(current + n.name)) return { kind: "ok", data: null, warnings: ["requested namespace does not exist"] };
          return ok({ status: "in-progress" });
        },
      },
    },
  ];
}
