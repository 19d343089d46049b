// The HTTP request pipeline in OpenBao's order: faults (drop, hang, latency) → non-/v1 404 →
// status endpoints → method → quota 429 → request data → sealed 503 → namespace (404) → token
// (403) → existence check (update/create) → ACL (403) → mount → backend route. Returns "drop"
// when the connection must close without a reply. docs/openbao-compat.md §ACL, §Namespaces.
import type { Server } from "bun";
import { errorResponse, goError, multierror, toResponse, type Operation } from "./envelope.ts";
import type { Faults } from "./faults.ts";
import type { RawData } from "./fields.ts";
import { goQuote, parseGoBool } from "./go-format.ts";
import type { NamespaceStore } from "./namespaces.ts";
import { bodyData, queryData, readBody, RequestDataError } from "./request-data.ts";
import { dispatch, writeOperation, type Route } from "./routes.ts";
import { handleHealth, handleLeader, handleSealStatus, type ClusterStatus } from "./sys-status.ts";
import type { TokenStore } from "./tokens.ts";
import { namespaceEcho, quotaExceeded } from "./node.ts";

export interface Backend {
  routes: Route[];
  unauthenticated?: RegExp; // sub-paths that need no token (logins)
}

export interface RouterDeps {
  faults: Faults;
  tokens: TokenStore;
  namespaces: NamespaceStore; // each namespace's mounts and backends ("transit/", "auth/jwt/", "sys/")
  cluster(): ClusterStatus;
  maxRequestBytes: number;
  maxJsonStrings: number;
  isStopping(): boolean;
  /**
   * A cluster node's role switch (follower.ts): undefined while the node leads (the pipeline below
   * runs), else its answer as a follower (locally or via the leader) to every request past the
   * status endpoints.
   */
  standby?: (req: Request, path: string) => Promise<Response | "drop"> | undefined;
}

/** X-Vault-Token first, else `Authorization: Bearer <t>`. */
export function requestToken(h: Headers): string {
  const direct = h.get("x-vault-token") ?? "";
  if (direct !== "") return direct;
  const auth = h.get("authorization") ?? "";
  return auth.startsWith("Bearer ") ? auth.slice("Bearer ".length).trim() : "";
}

type MethodResult = { op: Operation; path: string } | Response;

function operationFor(req: Request, q: URLSearchParams, rel: string): MethodResult {
  switch (req.method) {
    case "GET": {
      const flag = (name: string) => (q.has(name) ? parseGoBool(q.get(name)!) : false);
      const list = flag("list");
      const scan = flag("scan");
      if (list === undefined || scan === undefined || (list && scan)) return errorResponse(400, []);
      q.delete("list");
      q.delete("scan");
      if (!list && !scan) return { op: "read", path: rel };
      return { op: list ? "list" : "scan", path: rel.endsWith("/") ? rel : rel + "/" };
    }
    case "POST":
    case "PUT":
      return { op: "update", path: rel };
    case "DELETE":
      return { op: "delete", path: rel };
    case "HEAD":
      return { op: "header", path: rel };
    case "PATCH": {
      const ct = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      return ct === "application/merge-patch+json" ? { op: "patch", path: rel } : errorResponse(415, []);
    }
    default:
      // LIST / SCAN never get here: Bun.serve closes connections that use unknown methods.
      return errorResponse(405, []);
  }
}

async function requestData(req: Request, op: Operation, q: URLSearchParams, d: RouterDeps): Promise<RawData | null> {
  if (op === "update" || op === "patch") {
    const body = await readBody(req, d.maxRequestBytes);
    return bodyData(body, req.headers.get("content-type"), d.maxJsonStrings);
  }
  return op === "header" ? null : queryData(q);
}

/** Handles one request; "drop" = close the connection without any HTTP response. */
export async function routeRequest(req: Request, server: Server<unknown>, d: RouterDeps): Promise<Response | "drop"> {
  const url = new URL(req.url);
  const path = url.pathname;
  if (d.faults.shouldDrop(path)) return "drop";
  if (d.faults.shouldHang(path)) {
    server.timeout(req, 0);
    await d.faults.waitWhileHung(path);
    if (d.isStopping()) return "drop";
  }
  const delay = d.faults.latencyFor(path);
  if (delay > 0) {
    server.timeout(req, 0);
    await Bun.sleep(delay);
  }
  if (d.isStopping()) return "drop";
  if (d.faults.unavailable) return errorResponse(503, ["emulator: node unavailable"]);
  if (!path.startsWith("/v1/")) return errorResponse(404, []);
  let rel = path.slice(4);
  try {
    rel = decodeURIComponent(rel);
  } catch {
    // keep the raw path; it will not match any route
  }
  const headers = namespaceEcho(req.headers);

  if (rel === "sys/health") return handleHealth(req.method, url.searchParams, req.headers, d.cluster());
  if (rel === "sys/seal-status") return handleSealStatus(req.method, d.cluster());
  if (rel === "sys/leader") return handleLeader(req.method, d.cluster());
  // A follower serves reads itself and forwards (or redirects) writes (internal/http/logical.go; follower.ts).
  const followed = d.standby?.(req, path);
  if (followed !== undefined) return followed;

  const m = operationFor(req, url.searchParams, rel);
  if (m instanceof Response) return m;
  const { op } = m;
  rel = m.path;
  if (d.faults.isRateLimited(path)) return quotaExceeded(rel, headers);
  if (op === "update" && rel.endsWith("/")) return errorResponse(400, ["cannot write to a path ending in '/'"], headers);
  let data: RawData | null;
  try {
    data = await requestData(req, op, url.searchParams, d);
  } catch (e) {
    if (e instanceof RequestDataError) return errorResponse(e.status, [e.message], headers);
    throw e;
  }
  if (d.faults.sealed) return errorResponse(503, ["Vault is sealed"], headers);
  const resolved = d.namespaces.resolve(req.headers.get("x-vault-namespace") ?? "", rel);
  if (resolved === undefined) return errorResponse(404, ["namespace not found"], headers);
  const { ns } = resolved;
  rel = resolved.rel;

  const mount = ns.registry.mounts.match(rel);
  const backend = mount === undefined ? undefined : ns.registry.backends.get(mount.path);
  const sub = mount === undefined ? rel : rel.slice(mount.path.length);
  const unauthenticated = backend?.unauthenticated?.test(sub) ?? false;
  const raw = requestToken(req.headers);
  const token = raw === "" ? undefined : d.tokens.lookup(raw);
  let operation: Operation = op;
  if (unauthenticated) {
    if (d.faults.isDenied(path)) return errorResponse(403, ["permission denied"], headers);
  } else {
    // A missing, unknown, revoked or expired token: plain "permission denied". An ACL refusal
    // of a valid token: the go-multierror form.
    if (token === undefined) return errorResponse(403, ["permission denied"], headers);
    if (op === "update" && backend !== undefined) operation = writeOperation(backend.routes, sub);
    if (!token.isRoot && !d.namespaces.aclFor(token).allows(ns.path + rel, operation)) {
      return errorResponse(403, [multierror("permission denied")], headers);
    }
    if (d.faults.isDenied(path)) return errorResponse(403, [multierror("permission denied")], headers);
  }
  if (backend === undefined) {
    return errorResponse(404, [`no handler for route ${goQuote(rel)}. route entry not found.`], headers);
  }
  try {
    const outcome = dispatch(backend.routes, { op: operation, path: sub, data, token, headers: req.headers });
    return toResponse(outcome, operation, headers);
  } catch (e) {
    return toResponse(goError(`emulator internal error: ${(e as Error).message}`), operation, headers);
  }
}
