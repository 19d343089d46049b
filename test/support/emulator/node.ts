// What every emulator node (active or standby) owns itself: request accounting, the seal and
// initialized switches, node faults, and the Bun.serve handler that records each request. Both
// server.ts (active) and standby.ts build their nodes from these.
import type { Server } from "bun";
import { errorResponse } from "./envelope.ts";
import { normalizePrefix, type Faults } from "./faults.ts";
import { goQuote } from "./go-format.ts";
import { routeRequest, type RouterDeps } from "./router.ts";
import type { Emulator, RequestRecord } from "./types.ts";

/** Records kept per node; the oldest tenth is dropped past this. */
export const maxRecords = 100_000;

/** The generic handler echoes a non-empty X-Vault-Namespace on every answer (internal/http/handler.go, wrapGenericHandler). */
export function namespaceEcho(h: Headers): Record<string, string> {
  const ns = h.get("x-vault-namespace") ?? "";
  return ns === "" ? {} : { "X-Vault-Namespace": ns };
}

/** A rate-limit quota's refusal (internal/http/util.go, rateLimitQuotaWrapping); `rel` is the path after /v1/. */
export function quotaExceeded(rel: string, headers: Record<string, string>): Response {
  return errorResponse(429, [`request path ${goQuote(rel)}: rate limit quota exceeded`], headers);
}

// Bun.serve has no API to close a connection from a handler. A body stream that errors before
// its first byte makes Bun reset the connection without sending any HTTP bytes (no status line);
// erroring with `undefined` keeps Bun from logging it. faults.test.ts checks both at the socket.
// Known Bun.serve limit: requests with non-standard methods (LIST, SCAN) are closed by Bun before
// reaching us, so only `GET ?list=true` works for listing.
export function droppedResponse(): Response {
  return new Response(new ReadableStream({ start: (c) => c.error(undefined) }));
}

/** Bun.serve's fetch for one node: records the request, routes it, records the status. */
export function recordingHandler(requests: RequestRecord[], deps: RouterDeps, forwardedByHeader: string) {
  return async (req: Request, srv: Server<unknown>): Promise<Response> => {
    const record: RequestRecord = { method: req.method, path: new URL(req.url).pathname, status: 0, atMs: Date.now() };
    const ns = req.headers.get("x-vault-namespace");
    if (ns !== null) record.namespace = ns;
    const forwardedBy = req.headers.get(forwardedByHeader);
    if (forwardedBy !== null) record.forwardedBy = forwardedBy;
    requests.push(record);
    if (requests.length > maxRecords) requests.splice(0, maxRecords / 10);
    const res = await routeRequest(req, srv, deps);
    if (res === "drop") return droppedResponse();
    record.status = res.status;
    return res;
  };
}

export type NodeControls = Pick<
  Emulator,
  "requests" | "count" | "resetCounts" | "seal" | "unseal" | "sealed" | "setInitialized" | "initialized" |
  "setLatency" | "rateLimit" | "dropConnections" | "hang" | "setUnavailable" | "clearFaults"
>;

/** The per-node part of the control handle: accounting, seal/initialized and node faults. */
export function nodeControls(requests: RequestRecord[], faults: Faults): NodeControls {
  return {
    get requests() {
      return requests;
    },
    count(filter = {}) {
      const prefix = filter.pathPrefix === undefined ? undefined : normalizePrefix(filter.pathPrefix);
      return requests.filter((r) => (filter.method === undefined || r.method === filter.method) && (prefix === undefined || r.path.startsWith(prefix))).length;
    },
    resetCounts: () => void requests.splice(0, requests.length),
    seal: () => void (faults.sealed = true),
    unseal: () => {
      if (!faults.initialized) throw new Error("emulator: cannot unseal a node that is not initialized");
      faults.sealed = false;
    },
    get sealed() {
      return faults.sealed;
    },
    setInitialized: (v) => faults.setInitialized(v),
    get initialized() {
      return faults.initialized;
    },
    setLatency: (ms, p) => faults.setLatency(ms, p),
    rateLimit: (p) => faults.setRateLimit(p),
    dropConnections: (on, p) => faults.setDrop(on, p),
    hang: (on, p) => faults.setHang(on, p),
    setUnavailable: (on) => void (faults.unavailable = on),
    clearFaults: () => faults.clear(),
  };
}

/** `base` with `node`'s properties laid over it, getters kept as getters (a spread would freeze them). */
export function mergeHandles(base: Omit<Emulator, keyof NodeControls>, node: NodeControls): Emulator {
  return Object.defineProperties(base, Object.getOwnPropertyDescriptors(node)) as unknown as Emulator;
}
