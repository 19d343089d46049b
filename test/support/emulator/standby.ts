// HA standby nodes: an emulator started with `standbyOf: active` shares the active node's state
// and certificate, answers the status endpoints itself (sys/health 429, standby: true) and hands
// every other request to the active node: forwarded (OpenBao's default), or a 307 to it when
// forwarding is off. Follows internal/http/handler.go (forwardRequest, respondStandby) and
// internal/http/logical.go (handleLogicalInternal forwards before parsing anything).
import type { Server } from "bun";
import { errorResponse } from "./envelope.ts";
import { Faults, normalizePrefix } from "./faults.ts";
import { goQuote } from "./go-format.ts";
import { routeRequest, type RouterDeps } from "./router.ts";
import type { Emulator, EmulatorOptions, RequestRecord } from "./types.ts";

/** What a standby needs from the active node it follows (registered by server.ts). */
export interface ActiveLink {
  url: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  serverName: string;
  /** The active node's router dependencies: the state every node of the cluster shares. */
  deps: RouterDeps;
  /** True while the node holds leadership: running, initialized and unsealed. */
  leading(): boolean;
  /** Turns on HA answers in the active's sys/leader once a standby joined. */
  joinHa(): void;
  clusterName: string;
  clusterId: string;
}

const links = new WeakMap<Emulator, ActiveLink>();

export function registerActive(e: Emulator, link: ActiveLink): void {
  links.set(e, link);
}

/** Header the standby adds to a forwarded request, so the active's accounting can tell it apart. */
export const forwardedByHeader = "x-emulator-forwarded-by";
/** Longest a forwarded request may take (OpenBao bounds it by max_request_duration, 90 s). */
export const forwardTimeoutMs = 30_000;
const maxRecords = 100_000;
const hopHeaders = new Set(["host", "connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade", forwardedByHeader]);

/** The request-forwarding cluster address a node reports: its API port + 1 (OpenBao's default layout). */
export function clusterAddressOf(url: string): string {
  const u = new URL(url);
  return `https://${u.hostname}:${Number(u.port) + 1}`;
}

/** respondStandby: 307 to the same path and query on the active node; no body. */
function redirectTo(activeUrl: string, url: URL, extra: Record<string, string> = {}): Response {
  const target = new URL(activeUrl);
  target.pathname = url.pathname;
  target.search = url.search;
  return new Response(null, { status: 307, headers: { ...extra, Location: target.toString(), "Cache-Control": "no-store" } });
}

/** Starts a standby of `opts.standbyOf`. Call `stop()` when done (the active is not stopped). */
export async function startStandby(opts: EmulatorOptions): Promise<Emulator> {
  const active = opts.standbyOf!;
  const link = links.get(active);
  if (link === undefined) throw new Error("emulator: standbyOf must be an active emulator started by startEmulator");
  const faults = new Faults();
  const requests: RequestRecord[] = [];
  let forwarding = opts.forwarding ?? true;
  let stopping = false;
  const inflight = new Set<AbortController>();
  let self = "";

  const forward = async (req: Request, url: URL, echo: Record<string, string>): Promise<Response> => {
    const headers = new Headers();
    for (const [k, v] of req.headers) if (!hopHeaders.has(k.toLowerCase())) headers.set(k, v);
    headers.set(forwardedByHeader, self);
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
    const ac = new AbortController();
    inflight.add(ac);
    try {
      const res = await fetch(link.url + url.pathname + url.search, {
        method: req.method, headers, body, redirect: "manual", tls: { ca: link.caPem, serverName: link.serverName },
        signal: AbortSignal.any([ac.signal, AbortSignal.timeout(forwardTimeoutMs)]),
      });
      const out = new Headers();
      for (const [k, v] of res.headers) if (!hopHeaders.has(k.toLowerCase())) out.set(k, v);
      return new Response(req.method === "HEAD" ? null : await res.arrayBuffer(), { status: res.status, headers: out });
    } catch {
      // ForwardRequest failed: OpenBao falls back to redirecting (forwardRequest → respondStandby).
      return redirectTo(link.url, url, echo);
    } finally {
      inflight.delete(ac);
    }
  };

  const standby = async (req: Request, path: string): Promise<Response | "drop"> => {
    const url = new URL(req.url);
    const rel = path.slice(4);
    // The generic handler echoes X-Vault-Namespace on every answer (internal/http/handler.go).
    const ns = req.headers.get("x-vault-namespace") ?? "";
    const echo: Record<string, string> = ns === "" ? {} : { "X-Vault-Namespace": ns };
    // The rate-limit quota wraps the whole handler (internal/http/util.go), so it applies here too.
    if (faults.isRateLimited(path)) return errorResponse(429, [`request path ${goQuote(rel)}: rate limit quota exceeded`], echo);
    // core.Leader() on a sealed node: ErrSealed, which respondError turns into 503.
    if (faults.sealed || !faults.initialized) return errorResponse(503, ["Vault is sealed"], echo);
    if (!link.leading()) return errorResponse(500, ["local node not active but active cluster node not found"], echo);
    if (!forwarding || req.headers.get("x-vault-no-request-forwarding") !== null) return redirectTo(link.url, url, echo);
    return forward(req, url, echo);
  };

  const deps: RouterDeps = {
    ...link.deps,
    faults,
    cluster: () => ({
      sealed: faults.sealed, initialized: faults.initialized, standby: true,
      leader: { isSelf: false, address: link.leading() ? link.url : "", clusterAddress: link.leading() ? clusterAddressOf(link.url) : "" },
      clusterName: link.clusterName, clusterId: link.clusterId, nowMs: link.deps.cluster().nowMs,
    }),
    isStopping: () => stopping,
    standby,
  };

  const server: Server<unknown> = Bun.serve({
    hostname: opts.host ?? "127.0.0.1",
    port: opts.port ?? 0,
    development: false,
    tls: { cert: link.certPem, key: link.keyPem },
    maxRequestBodySize: link.deps.maxRequestBytes + 16 * 1024 * 1024,
    async fetch(req, srv) {
      const record: RequestRecord = { method: req.method, path: new URL(req.url).pathname, status: 0, atMs: Date.now() };
      const ns = req.headers.get("x-vault-namespace");
      if (ns !== null) record.namespace = ns;
      requests.push(record);
      if (requests.length > maxRecords) requests.splice(0, maxRecords / 10);
      const res = await routeRequest(req, srv, deps);
      if (res === "drop") return new Response(new ReadableStream({ start: (c) => c.error(undefined) }));
      record.status = res.status;
      return res;
    },
    error: (err) => errorResponse(500, [`emulator internal error: ${err.message}`]),
  });
  const host = server.hostname ?? "127.0.0.1";
  self = `https://${host.includes(":") ? `[${host}]` : host}:${server.port}`;
  link.joinHa();

  const base = active;
  return {
    ...base,
    url: self,
    port: server.port ?? 0,
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
    role: "standby",
    setForwarding: (on) => void (forwarding = on),
    // deny/allow model ACL policy: shared, evaluated by the active node (base's methods).
    setLatency: (ms, p) => faults.setLatency(ms, p),
    rateLimit: (p) => faults.setRateLimit(p),
    dropConnections: (on, p) => faults.setDrop(on, p),
    hang: (on, p) => faults.setHang(on, p),
    clearFaults: () => faults.clear(),
    async stop() {
      if (stopping) return;
      stopping = true;
      faults.releaseAll();
      for (const ac of inflight) ac.abort();
      await server.stop(true);
    },
  };
}
