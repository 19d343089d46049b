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
