// HA standby nodes: an emulator started with `standbyOf: active` shares the active node's state
// and certificate and answers the status endpoints itself (sys/health 429, standby: true).
//
// With standby reads on (OpenBao's default, `disable_standby_reads = false`) a standby handles a
// request itself and hands it to the active node only when handling it would write storage
// (internal/http/logical.go handleLogicalInternal; internal/vault/request_handling.go:
// ErrReadOnly / ErrPerfStandbyPleaseForward → logical.ShouldForward → forwardRequest). With them
// off it forwards every logical request before parsing it. Forwarding, or a 307 to the active
// when it cannot forward, follows internal/http/handler.go (forwardRequest, respondStandby).
import type { Server } from "bun";
import { errorResponse } from "./envelope.ts";
import { Faults } from "./faults.ts";
import { mergeHandles, namespaceEcho, nodeControls, quotaExceeded, recordingHandler } from "./node.ts";
import { requestToken, routeRequest, type RouterDeps } from "./router.ts";
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
  /**
   * Cluster failover (cluster.ts): the URL of the node that leads now, when another node took
   * over (undefined = the started active, if it is leading; null = no leader at all).
   */
  leader?: string | null;
  /** Makes the started active follow `leaderUrl` (forwarding like a standby) or lead again (null). */
  follow(leaderUrl: string | null): void;
  /** Closes the started active's listener without removing its files (a crashed process). */
  kill(): Promise<void>;
  /** Turns on HA answers in the active's sys/leader once a standby joined. */
  joinHa(): void;
  clusterName: string;
  clusterId: string;
}

const links = new WeakMap<Emulator, ActiveLink>();

export function registerActive(e: Emulator, link: ActiveLink): void {
  links.set(e, link);
}

export function linkOf(e: Emulator): ActiveLink | undefined {
  return links.get(e);
}

/** The URL of the cluster's leader, or undefined when no node leads. */
export function leaderOf(link: ActiveLink): string | undefined {
  if (link.leader === null) return undefined;
  if (link.leader !== undefined) return link.leader;
  return link.leading() ? link.url : undefined;
}

/** A standby's failover switch: lead (answer everything itself) or follow again. */
const promotions = new WeakMap<Emulator, (on: boolean) => void>();
export function promoteStandby(e: Emulator, on: boolean): void {
  const set = promotions.get(e);
  if (set === undefined) throw new Error("emulator: not a standby node");
  set(on);
}

/** Header the standby adds to a forwarded request, so the active's accounting can tell it apart. */
export const forwardedByHeader = "x-emulator-forwarded-by";
/** Longest a forwarded request may take (OpenBao bounds it by max_request_duration, 90 s). */
export const forwardTimeoutMs = 30_000;
/** Most transit keys one replication pause snapshots (bounds the pause's internal reads). */
const maxSnapshotKeys = 10_000;
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

// Transit operations that only read storage: a read-enabled standby serves them itself (their
// handlers in internal/builtin/logical/transit/ run in a storage transaction that writes nothing,
// so no ErrReadOnly). Encrypt is one of them only for an existing key: on a missing key it is a
// create (upsert), which writes.
const transitReadOps = /^(?<mount>.+?)\/(?<op>encrypt|decrypt|rewrap|datakey\/plaintext|datakey\/wrapped|hmac|sign|verify)\/(?<name>[^/]+)$/;
// Token and capability look-ups read the token store only.
const readOnlyPosts = /^(?:sys\/capabilities(?:-self|-accessor)?|auth\/token\/lookup(?:-self|-accessor)?)$/;

/** Starts a standby of `opts.standbyOf`. Call `stop()` when done (the active is not stopped). */
export async function startStandby(opts: EmulatorOptions): Promise<Emulator> {
  const active = opts.standbyOf!;
  const link = links.get(active);
  if (link === undefined) throw new Error("emulator: standbyOf must be an active emulator started by startEmulator");
  const faults = new Faults();
  const requests: RequestRecord[] = [];
  let forwarding = opts.forwarding ?? true;
  let promoted = false;
  const standbyReads = opts.standbyReads ?? true;
  let stopping = false;
  const inflight = new Set<AbortController>();
  let self = "";
  let server: Server<unknown> | undefined;
  /** While replication is paused: each transit key's GET answer as of the pause, by URL path. */
  let frozen: { keys: Map<string, { body: string; headers: Record<string, string> }>; mounts: string[] } | undefined;

  // Local handling runs the shared pipeline once more; this node's drop/hang/latency/quota were
  // applied on the way in, so here only the seal is this node's and the rest (ACL deny) shared.
  const localFaults: Faults = Object.create(link.deps.faults, {
    shouldDrop: { value: () => false },
    shouldHang: { value: () => false },
    latencyFor: { value: () => 0 },
    isRateLimited: { value: () => false },
    unavailable: { value: false },
    sealed: { get: () => faults.sealed || !faults.initialized },
  });

  /** Would a read-enabled standby answer this itself (no storage write, token known locally)? */
  const servesLocally = (req: Request, rel: string): boolean => {
    const raw = requestToken(req.headers);
    // An unknown token is forwarded, not refused (fetchACLTokenEntryAndEntity on a standby).
    if (raw === "" || link.deps.tokens.lookup(raw) === undefined) return false;
    if (req.method === "GET" || req.method === "HEAD") return true;
    if (req.method !== "POST" && req.method !== "PUT") return false;
    if (readOnlyPosts.test(rel)) return true;
    const m = transitReadOps.exec(rel)?.groups;
    if (m === undefined) return false;
    if (m.op !== "encrypt") return true;
    // Encrypt on a missing key may create it: forwarded. Keys in a namespace are not looked up here.
    if ((req.headers.get("x-vault-namespace") ?? "").replace(/^\/+|\/+$/g, "") !== "") return false;
    try {
      return active.keyInfo(decodeURIComponent(m.name!), m.mount) !== undefined;
    } catch {
      return false; // not a transit mount the active knows: let the active answer
    }
  };

  const forward = (req: Request, url: URL, echo: Record<string, string>) => forwardTo(leaderOf(link) ?? link.url, link, self, inflight, req, url, echo);

  /** A local answer, with transit key reads taken from the paused snapshot when there is one. */
  const answerLocally = async (req: Request, url: URL, echo: Record<string, string>): Promise<Response | "drop"> => {
    const live = await routeRequest(req, server!, localDeps);
    if (frozen === undefined || live === "drop" || req.method !== "GET" || url.search !== "") return live;
    if (live.status !== 200 && live.status !== 404) return live; // refused (403, 400…): not about the key's state
    const snap = frozen.keys.get(url.pathname);
    if (snap !== undefined) return new Response(snap.body, { status: 200, headers: { ...snap.headers, ...echo } });
    // A key created after the pause does not exist yet on this node: a nil response → 404.
    const keyRead = frozen.mounts.some((m) => url.pathname.startsWith(`/v1/${m}/keys/`) && !url.pathname.slice(`/v1/${m}/keys/`.length).includes("/"));
    return keyRead ? errorResponse(404, [], echo) : live;
  };

  const standby = async (req: Request, path: string): Promise<Response | "drop"> => {
    const url = new URL(req.url);
    let rel = path.slice(4);
    try {
      rel = decodeURIComponent(rel);
    } catch {
      // keep the raw path
    }
    const echo = namespaceEcho(req.headers);
    // The rate-limit quota wraps the whole handler (internal/http/util.go), so it applies here too.
    if (faults.isRateLimited(path)) return quotaExceeded(rel, echo);
    // Sealed: core.HandleRequest (reads on) or core.Leader() (reads off) → ErrSealed → 503.
    if (faults.sealed || !faults.initialized) return errorResponse(503, ["Vault is sealed"], echo);
    if (promoted || (standbyReads && servesLocally(req, rel))) return answerLocally(req, url, echo);
    return followerAnswer(leaderOf(link), forwarding, req, url, echo, forward);
  };

  const deps: RouterDeps = {
    ...link.deps,
    faults,
    cluster: () => ({
      sealed: faults.sealed, initialized: faults.initialized, standby: !promoted,
      leader: promoted ? { isSelf: true, address: self, clusterAddress: clusterAddressOf(self) } : leaderStatus(leaderOf(link)),
      clusterName: link.clusterName, clusterId: link.clusterId, nowMs: link.deps.cluster().nowMs,
    }),
    isStopping: () => stopping,
    standby,
  };
  const localDeps: RouterDeps = { ...deps, faults: localFaults, standby: undefined };

  /** Reads every transit key's GET answer through the local pipeline (root token), as of now. */
  const snapshot = async () => {
    const get = async (p: string) => {
      const res = await routeRequest(new Request(self + p, { headers: { "X-Vault-Token": active.rootToken } }), server!, localDeps);
      if (res === "drop" || res.status !== 200) return undefined;
      return { body: await res.text(), headers: Object.fromEntries(res.headers) };
    };
    const mountsRes = await get("/v1/sys/mounts");
    const table = mountsRes === undefined ? {} : (JSON.parse(mountsRes.body) as { data?: Record<string, { type?: string }> }).data ?? {};
    const mounts = Object.entries(table).filter(([, m]) => m.type === "transit").map(([p]) => p.replace(/\/+$/, ""));
    const keys = new Map<string, { body: string; headers: Record<string, string> }>();
    for (const m of mounts) {
      const list = await get(`/v1/${m}/keys?list=true`);
      const names = list === undefined ? [] : ((JSON.parse(list.body) as { data?: { keys?: string[] } }).data?.keys ?? []);
      for (const n of names.slice(0, maxSnapshotKeys - keys.size)) {
        const p = `/v1/${m}/keys/${encodeURIComponent(n)}`;
        const r = await get(p);
        if (r !== undefined) keys.set(p, r);
      }
    }
    return { keys, mounts };
  };

  server = Bun.serve({
    hostname: opts.host ?? "127.0.0.1",
    port: opts.port ?? 0,
    development: false,
    tls: { cert: link.certPem, key: link.keyPem },
    maxRequestBodySize: link.deps.maxRequestBytes + 16 * 1024 * 1024,
    fetch: recordingHandler(requests, deps, forwardedByHeader),
    error: (err) => errorResponse(500, [`emulator internal error: ${err.message}`]),
  });
  const host = server.hostname ?? "127.0.0.1";
  self = `https://${host.includes(":") ? `[${host}]` : host}:${server.port}`;
  link.joinHa();

  const srv = server;
  const handle = mergeHandles(
    {
      ...active,
      url: self,
      port: srv.port ?? 0,
      role: "standby" as const,
      setForwarding: (on: boolean) => void (forwarding = on),
      async pauseReplication(on: boolean) {
        frozen = on ? (frozen ?? (await snapshot())) : undefined;
      },
      // deny/allow model ACL policy: shared, evaluated by the active node (the active's methods).
      async stop() {
        if (stopping) return;
        stopping = true;
        faults.releaseAll();
        for (const ac of inflight) ac.abort();
        await srv.stop(true);
      },
    },
    nodeControls(requests, faults),
  );
  promotions.set(handle, (on) => void (promoted = on));
  return handle;
}

/** sys/leader as a follower reports it. */
export function leaderStatus(leader: string | undefined) {
  return { isSelf: false, address: leader ?? "", clusterAddress: leader === undefined ? "" : clusterAddressOf(leader) };
}

/** forwardRequest for a follower: no leader → 500; forwarding off or the client's no-forwarding header → 307; else forwarded. */
export function followerAnswer(
  leader: string | undefined, forwarding: boolean, req: Request, url: URL, echo: Record<string, string>,
  forward: (req: Request, url: URL, echo: Record<string, string>) => Promise<Response>,
): Promise<Response> | Response {
  if (leader === undefined) return errorResponse(500, ["local node not active but active cluster node not found"], echo);
  if (!forwarding || (req.headers.get("x-vault-no-request-forwarding") ?? "") !== "") return redirectTo(leader, url, echo);
  return forward(req, url, echo);
}

/** Forwards `req` to the leader at `leader`; when that fails, a 307 to it (forwardRequest → respondStandby). */
export async function forwardTo(
  leader: string, link: ActiveLink, self: string, inflight: Set<AbortController>, req: Request, url: URL, echo: Record<string, string>,
): Promise<Response> {
  const headers = new Headers();
  for (const [k, v] of req.headers) if (!hopHeaders.has(k.toLowerCase())) headers.set(k, v);
  headers.set(forwardedByHeader, self);
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
  const ac = new AbortController();
  inflight.add(ac);
  try {
    const res = await fetch(leader + url.pathname + url.search, {
      method: req.method, headers, body, redirect: "manual", tls: { ca: link.caPem, serverName: link.serverName },
      signal: AbortSignal.any([ac.signal, AbortSignal.timeout(forwardTimeoutMs)]),
    });
    const out = new Headers();
    for (const [k, v] of res.headers) if (!hopHeaders.has(k.toLowerCase())) out.set(k, v);
    return new Response(req.method === "HEAD" ? null : await res.arrayBuffer(), { status: res.status, headers: out });
  } catch {
    return redirectTo(leader, url, echo);
  } finally {
    inflight.delete(ac);
  }
}
