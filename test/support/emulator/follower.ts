// The follower side of the HA role switch (ha.ts), the same for every node: while another node
// leads, this node answers the status endpoints itself (router.ts) and every other request here.
//
// With standby reads on (OpenBao's default, `disable_standby_reads = false`) a follower handles a
// request itself and hands it to the leader only when handling it would write storage
// (internal/http/logical.go handleLogicalInternal; internal/vault/request_handling.go:
// ErrReadOnly / ErrPerfStandbyPleaseForward → logical.ShouldForward → forwardRequest). With them
// off it forwards every logical request before parsing it. Forwarding, or a 307 to the leader
// when it cannot forward, follows internal/http/handler.go (forwardRequest, respondStandby).
import type { Server } from "bun";
import { errorResponse } from "./envelope.ts";
import type { Faults } from "./faults.ts";
import { type HaLink, leaderOf, leads } from "./ha.ts";
import { namespaceEcho, quotaExceeded } from "./node.ts";
import { requestToken, routeRequest, type RouterDeps } from "./router.ts";

/** Header a follower adds to a forwarded request, so the leader's accounting can tell it apart. */
export const forwardedByHeader = "x-emulator-forwarded-by";
/** Longest a forwarded request may take (OpenBao bounds it by max_request_duration, 90 s). */
export const forwardTimeoutMs = 30_000;
const hopHeaders = new Set(["host", "connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade", forwardedByHeader]);

// Transit operations that only read storage: a read-enabled standby serves them itself (their
// handlers in internal/builtin/logical/transit/ run in a storage transaction that writes nothing,
// so no ErrReadOnly). Encrypt is one of them only for an existing key: on a missing key it is a
// create (upsert), which writes.
const transitReadOps = /^(?<mount>.+?)\/(?<op>encrypt|decrypt|rewrap|datakey\/plaintext|datakey\/wrapped|hmac|sign|verify)\/(?<name>[^/]+)$/;
// Token and capability look-ups read the token store only.
const readOnlyPosts = /^(?:sys\/capabilities(?:-self|-accessor)?|auth\/token\/lookup(?:-self|-accessor)?)$/;

/** Transit key reads frozen at a replication pause (standby.ts): each key's GET answer by URL path. */
export interface Frozen {
  keys: Map<string, { body: string; headers: Record<string, string> }>;
  mounts: string[];
}

export interface FollowerOptions {
  link: HaLink;
  self(): string;
  /** This node's faults and router dependencies. */
  faults: Faults;
  deps(): RouterDeps;
  server(): Server<unknown>;
  /** Forwarded requests in flight (aborted when the node stops). */
  inflight: Set<AbortController>;
  forwarding(): boolean;
  standbyReads: boolean;
  frozen?(): Frozen | undefined;
}

/**
 * The node's role switch, `RouterDeps.standby`: undefined while it leads (the router then runs the
 * whole pipeline), else the follower's answer. `local` runs the pipeline without the node faults
 * (already applied on the way in) and without the switch.
 */
export function followerRole(o: FollowerOptions) {
  const { link } = o;
  let localDeps: RouterDeps | undefined;
  const local = (req: Request) => {
    // Only the seal is this node's here; drop/hang/latency/quota ran on the way in.
    localDeps ??= { ...o.deps(), faults: quiet(o.faults), standby: undefined };
    return routeRequest(req, o.server(), localDeps);
  };

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
      return link.shared.keyInfo(decodeURIComponent(m.name!), m.mount) !== undefined;
    } catch {
      return false; // not a transit mount the cluster knows: let the leader answer
    }
  };

  /** A local answer, with transit key reads taken from the paused snapshot when there is one. */
  const answerLocally = async (req: Request, url: URL, echo: Record<string, string>): Promise<Response | "drop"> => {
    const live = await local(req);
    const frozen = o.frozen?.();
    if (frozen === undefined || live === "drop" || req.method !== "GET" || url.search !== "") return live;
    if (live.status !== 200 && live.status !== 404) return live; // refused (403, 400…): not about the key's state
    const snap = frozen.keys.get(url.pathname);
    if (snap !== undefined) return new Response(snap.body, { status: 200, headers: { ...snap.headers, ...echo } });
    // A key created after the pause does not exist yet on this node: a nil response → 404.
    const keyRead = frozen.mounts.some((m) => url.pathname.startsWith(`/v1/${m}/keys/`) && !url.pathname.slice(`/v1/${m}/keys/`.length).includes("/"));
    return keyRead ? errorResponse(404, [], echo) : live;
  };

  const follow = async (req: Request, path: string): Promise<Response | "drop"> => {
    const url = new URL(req.url);
    let rel = path.slice(4);
    try {
      rel = decodeURIComponent(rel);
    } catch {
      // keep the raw path
    }
    const echo = namespaceEcho(req.headers);
    // The rate-limit quota wraps the whole handler (internal/http/util.go), so it applies here too.
    if (o.faults.isRateLimited(path)) return quotaExceeded(rel, echo);
    // Sealed: core.HandleRequest (reads on) or core.Leader() (reads off) → ErrSealed → 503.
    if (o.faults.sealed || !o.faults.initialized) return errorResponse(503, ["Vault is sealed"], echo);
    if (o.standbyReads && servesLocally(req, rel)) return answerLocally(req, url, echo);
    const leader = leaderOf(link);
    // forwardRequest: no leader → 500; forwarding off or the client's no-forwarding header → 307.
    if (leader === undefined) return errorResponse(500, ["local node not active but active cluster node not found"], echo);
    if (!o.forwarding() || (req.headers.get("x-vault-no-request-forwarding") ?? "") !== "") return redirectTo(leader, url, echo);
    return forwardTo(leader, link, o.self(), o.inflight, req, url, echo);
  };

  const standby = (req: Request, path: string) => (leads(link, o.self()) ? undefined : follow(req, path));
  return { standby, local };
}

/** `faults` without the node faults that apply on the way in (drop, hang, latency, quota, unavailable). */
function quiet(faults: Faults): Faults {
  return Object.create(faults, {
    shouldDrop: { value: () => false }, shouldHang: { value: () => false }, latencyFor: { value: () => 0 },
    isRateLimited: { value: () => false }, unavailable: { value: false },
  }) as Faults;
}

/** respondStandby: 307 to the same path and query on the leader; no body. */
function redirectTo(leader: string, url: URL, extra: Record<string, string> = {}): Response {
  const target = new URL(leader);
  target.pathname = url.pathname;
  target.search = url.search;
  return new Response(null, { status: 307, headers: { ...extra, Location: target.toString(), "Cache-Control": "no-store" } });
}

/** Forwards `req` to the leader at `leader`; when that fails, a 307 to it (forwardRequest → respondStandby). */
async function forwardTo(
  leader: string, link: HaLink, self: string, inflight: Set<AbortController>, req: Request, url: URL, echo: Record<string, string>,
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
