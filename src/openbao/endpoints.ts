// Several OpenBao endpoints of one cluster behind the OpenBaoHttp seam (docs/decisions/openbao-endpoints.md).
// A background sys/health per endpoint, on its own jittered interval and never on the request path,
// sorts them: active, then standby, then not yet checked; sealed, uninitialized, unreachable,
// TLS-failed, redirecting and unresponsive ones are skipped. A request that cannot connect, or gets
// a 5xx, 429 or 307, is retried once on the next usable endpoint; one still unanswered after
// stallMs is sent once more to the next endpoint too (not a login), and the first answer wins.
// A 4xx from a live node is the answer: never retried elsewhere. Requests also mark endpoints, so
// traffic leaves a dead or frozen node at the first failure instead of the next health check.

import { TransitError } from "../kms/errors.ts";
import type { OpenBaoHttp, OpenBaoResponse, RequestOptions } from "./http.ts";
import { type Health, readHealth } from "./sys-reads.ts";

/** What the pool knows of one endpoint. "unknown" = not checked yet (usable, after active and standby). */
export type EndpointRole =
  | "active" | "standby" | "unknown"
  | "sealed" | "uninitialized" | "unreachable" | "tls_failed" | "redirecting" | "unavailable" | "unresponsive" | "unexpected";

// Usable roles first; the rest only matter when nothing is usable, and then the likeliest to
// answer goes first (a slow node before a dead one).
const rank: Record<EndpointRole, number> = {
  active: 0, standby: 1, unknown: 2,
  unresponsive: 3, unexpected: 4, unavailable: 5, redirecting: 6, sealed: 7, uninitialized: 8, tls_failed: 9, unreachable: 10,
};
export const isUsableRole = (r: EndpointRole): boolean => rank[r] <= rank.unknown;
/** Every role, usable ones first (metrics export one series per role). */
export const endpointRoles = Object.keys(rank) as EndpointRole[];

export interface EndpointStatus {
  readonly address: string;
  readonly role: EndpointRole;
  readonly usable: boolean;
  /** The class of the last failure seen on this endpoint ("" = none yet). */
  readonly lastError: string;
  /** Finished requests by outcome ("ok" or a failure class), health checks excluded. */
  readonly requests: ReadonlyMap<string, number>;
}

export interface Endpoint {
  readonly address: string;
  /** That endpoint's own client (its server name, same CA, namespace and timeout). */
  readonly http: OpenBaoHttp;
}

export interface EndpointPoolOptions {
  readonly endpoints: readonly Endpoint[];
  readonly healthIntervalMs: number;
  /** A request still unanswered after this long marks its endpoint unresponsive (it keeps waiting). */
  readonly stallMs: number;
  /** [0,1) for the jitter; Math.random by default. */
  readonly random?: () => number;
  /** Called when an endpoint's role changes (logs); never with request data. */
  readonly onChange?: (address: string, from: EndpointRole, to: EndpointRole, errorClass: string) => void;
}

/** What one sys/health round found on an endpoint: its answer, or why there was none. */
export type HealthCheck =
  | { readonly address: string; readonly health: Health; readonly error?: undefined }
  | { readonly address: string; readonly health?: undefined; readonly error: unknown };

export interface EndpointPool extends OpenBaoHttp {
  /** The endpoints in configured order, each with its own client. */
  readonly members: readonly Endpoint[];
  statuses(): readonly EndpointStatus[];
  usableCount(): number;
  /**
   * One sys/health round on every endpoint now (joining one already in progress); resolves, in
   * configured order, with what each answered once all have answered or failed. doctor reports
   * these, so the pool and its report come from the same requests.
   */
  checkAll(signal?: AbortSignal): Promise<readonly HealthCheck[]>;
  /** Starts the background health checks (first round at once). Idempotent. */
  start(): void;
  stop(): void;
}

/** Failures another node may not have: no connection, 5xx, 429, or a standby's 307. Never a 4xx answer. */
export function retryableElsewhere(e: unknown): e is TransitError {
  if (!(e instanceof TransitError)) return false;
  if (e.status === undefined) return e.kind === "connection_failed" || e.kind === "dns_failed" || e.kind === "tls_failed";
  return e.status >= 500 || e.status === 429 || e.status === 307;
}

/** The role a failed request (or health check) leaves its endpoint in; undefined = leave it. */
function roleAfterFailure(e: unknown): EndpointRole | undefined {
  if (!(e instanceof TransitError)) return undefined;
  if (e.kind === "tls_failed") return "tls_failed";
  if (e.status === undefined) return e.kind === "unavailable" ? "unresponsive" : "unreachable";
  if (e.status === 307) return "redirecting";
  if (e.kind === "sealed") return "sealed";
  if (e.status >= 500) return "unavailable";
  return undefined;
}

interface State {
  readonly ep: Endpoint;
  readonly index: number;
  role: EndpointRole;
  lastError: string;
  readonly requests: Map<string, number>;
  timer: ReturnType<typeof setTimeout> | undefined;
  checking: Promise<HealthCheck> | undefined;
}

export function createEndpointPool(opts: EndpointPoolOptions): EndpointPool {
  if (opts.endpoints.length === 0) throw new RangeError("at least one endpoint is required");
  const random = opts.random ?? Math.random;
  const states: State[] = opts.endpoints.map((ep, index) => ({ ep, index, role: "unknown", lastError: "", requests: new Map(), timer: undefined, checking: undefined }));
  let running = false;
  const stopper = new AbortController();

  const setRole = (s: State, role: EndpointRole, errorClass = "") => {
    if (errorClass !== "") s.lastError = errorClass;
    if (s.role === role) return;
    const from = s.role;
    s.role = role;
    try {
      opts.onChange?.(s.ep.address, from, role, errorClass);
    } catch {
      // An observer never changes the pool's behaviour.
    }
  };
  const count = (s: State, outcome: string) => s.requests.set(outcome, (s.requests.get(outcome) ?? 0) + 1);

  /** Usable endpoints by role then configured order; when none is, all of them, likeliest first. */
  const order = (): State[] => {
    const sorted = [...states].sort((a, b) => rank[a.role] - rank[b.role] || a.index - b.index);
    const usable = sorted.filter((s) => isUsableRole(s.role));
    return usable.length > 0 ? usable : sorted;
  };

  async function attempt(s: State, method: "GET" | "POST", path: string, operation: string, options: RequestOptions, onStall: () => void): Promise<OpenBaoResponse> {
    const stall = setTimeout(() => {
      if (isUsableRole(s.role)) setRole(s, "unresponsive", "unavailable");
      onStall();
    }, opts.stallMs);
    try {
      const reply = await s.ep.http.request(method, path, operation, options);
      count(s, "ok");
      // An answer proves the endpoint alive; the next health check says which role it has.
      if (!isUsableRole(s.role)) setRole(s, "unknown");
      return reply;
    } catch (e) {
      if (e instanceof TransitError) {
        count(s, e.kind);
        const role = roleAfterFailure(e);
        if (role !== undefined) setRole(s, role, e.kind);
      }
      throw e;
    } finally {
      clearTimeout(stall);
    }
  }

  async function check(s: State, signal?: AbortSignal): Promise<HealthCheck> {
    const address = s.ep.address;
    try {
      const health = await readHealth(s.ep.http, signal);
      setRole(s, health.state, health.usable ? "" : health.state);
      return { address, health };
    } catch (error) {
      if (signal?.aborted !== true) setRole(s, roleAfterFailure(error) ?? "unreachable", error instanceof TransitError ? error.kind : "unknown");
      return { address, error };
    }
  }

  /** One check at a time per endpoint: a second caller waits for the one in progress. */
  const checkOnce = (s: State, signal?: AbortSignal): Promise<HealthCheck> => {
    s.checking ??= check(s, signal).finally(() => (s.checking = undefined));
    return s.checking;
  };

  const schedule = (s: State, delayMs: number) => {
    if (!running) return;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void checkOnce(s, stopper.signal).finally(() => schedule(s, opts.healthIntervalMs * (0.75 + 0.25 * random())));
    }, delayMs);
    (s.timer as { unref?: () => void }).unref?.();
  };

  return {
    request(method, path, operation, options = {}) {
      // A login is never sent twice at once (an AppRole secret_id may have few uses left).
      const hedgeable = !operation.startsWith("auth.");
      return new Promise<OpenBaoResponse>((resolve, reject) => {
        let settled = false;
        let second = false;
        let pending = 0;
        const finish = (ok: boolean, value: unknown) => {
          if (settled) return;
          settled = true;
          if (ok) resolve(value as OpenBaoResponse);
          else reject(value);
        };
        /** The one extra attempt: after a retryable failure, or (not for logins) a stall. */
        const tryNext = (from: State): boolean => {
          if (second || settled || options.signal?.aborted === true) return false;
          const next = order().find((s) => s !== from);
          if (next === undefined) return false;
          second = true;
          launch(next);
          return true;
        };
        const launch = (s: State) => {
          pending++;
          attempt(s, method, path, operation, options, () => void (hedgeable && tryNext(s))).then(
            (reply) => finish(true, reply),
            (e: unknown) => {
              pending--;
              // The caller's signal ended it, or the answer is final: no other node is asked.
              if (options.signal?.aborted === true || !retryableElsewhere(e)) return finish(false, e);
              if (!tryNext(s) && pending === 0) finish(false, e);
            },
          );
        };
        launch(order()[0]!);
      });
    },
    members: opts.endpoints,
    statuses: () => states.map((s) => ({ address: s.ep.address, role: s.role, usable: isUsableRole(s.role), lastError: s.lastError, requests: new Map(s.requests) })),
    usableCount: () => states.filter((s) => isUsableRole(s.role)).length,
    checkAll: (signal) => Promise.all(states.map((s) => checkOnce(s, signal))),
    start() {
      if (running) return;
      running = true;
      for (const s of states) schedule(s, 0);
    },
    stop() {
      running = false;
      stopper.abort();
      for (const s of states) if (s.timer !== undefined) clearTimeout(s.timer);
    },
  };
}
