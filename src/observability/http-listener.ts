// A small, strict HTTP listener for operational endpoints (Bun.serve): fixed routes, GET and
// HEAD only (405 with Allow otherwise), 404 for anything else, no request bodies, a URL-length
// cap, and an idle timeout. A port already in use becomes a ListenerError naming the config key.

import { parseListenAddress } from "../config/rules.ts";

export type Route = () => Response;

export interface ListenerOptions {
  /** Config key, for messages ("server.metrics_address"). */
  readonly configKey: string;
  /** `host:port` (port 0 = any free port). */
  readonly address: string;
  readonly routes: Readonly<Record<string, Route>>;
  /** Seconds a connection may sit idle (also bounds a slow request); default 10. */
  readonly idleTimeoutSeconds?: number;
  /** Longest request URL accepted; default 2048 bytes. */
  readonly maxUrlBytes?: number;
}

export interface RunningListener {
  /** Where it really listens, `host:port` (IPv6 in brackets). */
  readonly address: string;
  stop(): void;
}

export class ListenerError extends Error {
  override readonly name = "ListenerError" as const;
}

const allow = "GET, HEAD";
const commonHeaders = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } as const;

/** A JSON response with the listener's common headers. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...commonHeaders, "Content-Type": "application/json", ...headers } });
}

/** A text response with the listener's common headers. */
export function textResponse(status: number, body: string, contentType: string): Response {
  return new Response(body, { status, headers: { ...commonHeaders, "Content-Type": contentType } });
}

/** Answers one request: the guards first, then the route (pure apart from the route itself). */
export function handleRequest(req: Request, routes: Readonly<Record<string, Route>>, maxUrlBytes = 2048): Response {
  if (req.url.length > maxUrlBytes) return jsonResponse(414, { error: "uri too long" });
  if (req.method !== "GET" && req.method !== "HEAD") return jsonResponse(405, { error: "method not allowed" }, { Allow: allow });
  if (req.headers.has("transfer-encoding") || Number(req.headers.get("content-length") ?? "0") !== 0) {
    return jsonResponse(413, { error: "request body not allowed" });
  }
  const route = Object.hasOwn(routes, new URL(req.url).pathname) ? routes[new URL(req.url).pathname] : undefined;
  return route === undefined ? jsonResponse(404, { error: "not found" }) : route();
}

export function startListener(o: ListenerOptions): RunningListener {
  const addr = parseListenAddress(o.address);
  if (addr === undefined) throw new ListenerError(`${o.configKey} ${o.address} is not a host:port address`);
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: addr.host,
      port: addr.port,
      development: false,
      // Bun sets SO_REUSEPORT unless told not to (with development off): a second provider would then
      // share the port silently and answer some scrapes for the first. Fail with EADDRINUSE instead.
      reusePort: false,
      idleTimeout: o.idleTimeoutSeconds ?? 10,
      maxRequestBodySize: 1024,
      // Every path goes through handleRequest, so unknown paths and methods get our answers.
      routes: { "/*": (req: Request) => handleRequest(req, o.routes, o.maxUrlBytes) },
      error: () => jsonResponse(500, { error: "internal error" }),
    });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why = code === "EADDRINUSE" ? "the address is already in use" : typeof code === "string" ? code : "it could not be bound";
    throw new ListenerError(`cannot listen on ${o.configKey} ${o.address}: ${why}`, { cause: e });
  }
  const host = server.hostname ?? addr.host;
  return {
    address: `${host.includes(":") ? `[${host}]` : host}:${server.port}`,
    stop: () => void server.stop(true),
  };
}
