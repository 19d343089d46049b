// A tiny version of OpenBao's sdk/framework router: anchored path patterns, per-operation
// handlers, typed fields, "unsupported path/operation" errors and the unknown-parameter warning.
import { goError, userError, type Operation, type Outcome } from "./envelope.ts";
import { FieldError, Fields, type RawData, type Schema } from "./fields.ts";
import type { TokenEntry } from "./tokens.ts";

/** Everything a backend handler may look at. `path` is relative to the mount (no leading "/"). */
export interface RequestContext {
  op: Operation;
  path: string;
  data: RawData | null;
  token: TokenEntry | undefined;
  headers: Headers;
}

export type Handler = (ctx: RequestContext, f: Fields, params: Readonly<Record<string, string>>) => Outcome;

export interface Route {
  pattern: RegExp; // anchored; named groups become params
  fields: Schema;
  ops: Partial<Record<Operation, Handler>>;
  /** The path's ExistenceCheck: a write to a missing object is then a `create` operation. */
  exists?: (params: Readonly<Record<string, string>>) => boolean;
}

/**
 * OpenBao's existence check (request_handling.go, before the ACL check): a POST/PUT to a path
 * whose route has a check becomes `create` when the object does not exist, else `update`.
 */
export function writeOperation(routes: readonly Route[], path: string): "create" | "update" {
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m === null) continue;
    return route.exists === undefined || route.exists(m.groups ?? {}) ? "update" : "create";
  }
  return "update";
}

/** OpenBao's key/role name syntax, usable inside a pattern: `\w(([\w-.]+)?\w)?`. */
export const namePattern = String.raw`\w(?:(?:[\w.-]+)?\w)?`;

/** Routes a request within one backend. `create` falls back to the `update` handler. */
export function dispatch(routes: readonly Route[], ctx: RequestContext): Outcome {
  for (const route of routes) {
    const m = route.pattern.exec(ctx.path);
    if (m === null) continue;
    const handler = route.ops[ctx.op] ?? (ctx.op === "create" ? route.ops.update : undefined);
    if (handler === undefined) return goError("unsupported operation");
    let fields: Fields;
    try {
      fields = Fields.parse(ctx.data, route.fields);
    } catch (e) {
      if (e instanceof FieldError) return userError(e.message);
      throw e;
    }
    const out = handler(ctx, fields, m.groups ?? {});
    const warning = fields.unknownWarning();
    if (out.kind === "ok" && warning !== undefined) return { ...out, warnings: [...(out.warnings ?? []), warning] };
    return out;
  }
  return goError("unsupported path");
}
