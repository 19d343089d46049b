// sys/policies/acl/<name> and the older sys/policy/<name>: write, read, list and delete ACL
// policies of the request's namespace, with OpenBao's shapes (internal/vault/logical_system.go
// handlePolicies*: names lower-cased, base64 policy text accepted, `rules` on sys/policy,
// sys/policy answers injected at the top level; docs/openbao-compat.md §Admin endpoints).
import { ok, userError, type Outcome } from "./envelope.ts";
import type { Fields } from "./fields.ts";
import { goBase64Decode } from "./go-format.ts";
import { PolicyRefused, type PolicyStore, type StoredPolicy } from "./acl.ts";
import type { Route } from "./routes.ts";

function readData(p: StoredPolicy, legacy: boolean): Record<string, unknown> {
  return {
    allow_slashes_in_identity_templates: false,
    allow_wildcards_in_identity_templates: false,
    cas_required: false,
    name: p.name,
    [legacy ? "rules" : "policy"]: p.raw,
    version: p.version,
  };
}

function write(store: PolicyStore, rawName: string, f: Fields, legacy: boolean): Outcome {
  const name = rawName.toLowerCase();
  const warnings: string[] = [];
  if (name === "") return userError("policy name must be provided in the URL");
  if (name !== rawName) warnings.push(`policy name was converted to ${name}`);
  let text = f.string("policy") ?? "";
  if (text === "" && legacy) {
    text = f.string("rules") ?? "";
    if (text !== "") warnings.push("'rules' is deprecated, please use 'policy' instead");
  }
  if (text === "") return userError("'policy' parameter not supplied or empty");
  const decoded = goBase64Decode(text);
  if (decoded instanceof Uint8Array) text = new TextDecoder().decode(decoded);
  try {
    store.set(name, text);
  } catch (e) {
    if (e instanceof PolicyRefused) return userError(e.message);
    throw e;
  }
  return warnings.length > 0 ? { kind: "ok", data: null, warnings } : { kind: "nil" };
}

function remove(store: PolicyStore, rawName: string): Outcome {
  try {
    store.delete(rawName);
  } catch (e) {
    if (e instanceof PolicyRefused) return userError(e.message);
    throw e;
  }
  return { kind: "nil" };
}

export function policyRoutes(store: PolicyStore): Route[] {
  const fields = { policy: "string", rules: "string" } as const;
  const injected = (data: Record<string, unknown>): Outcome => ({ kind: "ok", data, injectTopLevel: true });
  return [
    { pattern: /^policies\/acl\/?$/, fields: {}, ops: { list: () => ok({ keys: store.names() }) } },
    {
      pattern: /^policies\/acl\/(?<name>.+)$/,
      fields,
      ops: {
        read: (_c, _f, p) => {
          const pol = store.get(p.name!);
          return pol === undefined ? { kind: "nil" } : ok(readData(pol, false));
        },
        update: (_c, f, p) => write(store, p.name!, f, false),
        delete: (_c, _f, p) => remove(store, p.name!),
      },
    },
    {
      pattern: /^policy\/?$/,
      fields: {},
      ops: {
        read: () => injected({ keys: store.names(), policies: store.names() }),
        list: () => injected({ keys: store.names(), policies: store.names() }),
      },
    },
    {
      pattern: /^policy\/(?<name>.+)$/,
      fields,
      ops: {
        read: (_c, _f, p) => {
          const pol = store.get(p.name!);
          return pol === undefined ? { kind: "nil" } : injected(readData(pol, true));
        },
        update: (_c, f, p) => {
          const out = write(store, p.name!, f, true);
          return out.kind === "ok" ? { ...out, injectTopLevel: true } : out;
        },
        delete: (_c, _f, p) => remove(store, p.name!),
      },
    },
  ];
}
