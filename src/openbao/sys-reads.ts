// Read-only sys calls used by the operator tools (doctor, verify-key): health (proves TLS and
// reachability), capabilities-self (least privilege) and the mount's own info (its uuid).
import * as v from "valibot";
import { TransitError } from "../kms/errors.ts";
import type { OpenBaoHttp } from "./http.ts";

/**
 * What a sys/health answer says about the node (internal/http/sys_health.go: 200 active,
 * 429 standby, 503 sealed, 501 uninitialized; other codes are not OpenBao's defaults).
 */
export type HealthState = "active" | "standby" | "sealed" | "uninitialized" | "unexpected";

export interface Health {
  readonly status: number;
  readonly state: HealthState;
  /** Only an active node (200) or a standby (429: serves reads, forwards or redirects writes) can serve requests. */
  readonly usable: boolean;
}

export function healthState(status: number): HealthState {
  switch (status) {
    case 200:
      return "active";
    case 429:
      return "standby";
    case 503:
      return "sealed";
    case 501:
      return "uninitialized";
    default:
      return "unexpected";
  }
}

/** The three fields of OpenBao's HealthResponse that say what the node is (internal/http/sys_health.go). */
const healthFields = v.object({ initialized: v.boolean(), sealed: v.boolean(), standby: v.boolean() });

/** What the body says the node is (the same order sys_health.go picks its status code in). */
function bodyState(b: v.InferOutput<typeof healthFields>): HealthState {
  if (!b.initialized) return "uninitialized";
  if (b.sealed) return "sealed";
  return b.standby ? "standby" : "active";
}

/**
 * Judges one sys/health answer by its status and, when it is JSON, its body: the body must be
 * OpenBao's health JSON and say the same as the status. A 2xx must carry it (a proxy's 200 page
 * is not an active node); a 429/501/503 without a JSON body is judged by its status alone.
 */
export function judgeHealth(status: number, body: unknown): HealthState {
  const byStatus = healthState(status);
  const ok = status >= 200 && status < 300;
  if (body === undefined && !ok) return byStatus;
  const parsed = v.safeParse(healthFields, body);
  if (!parsed.success) return "unexpected";
  return bodyState(parsed.output) === byStatus ? byStatus : "unexpected";
}

/** sys/health's own non-2xx codes: answers to judge, not failures. */
const healthAnswers: ReadonlySet<number> = new Set([429, 501, 503]);

/**
 * GET sys/health, always in the root namespace (the HTTP helper never sends X-Vault-Namespace to
 * it). Any HTTP answer proves TLS; status and body together say whether the node is usable.
 */
export async function readHealth(http: OpenBaoHttp, signal?: AbortSignal): Promise<Health> {
  let status: number;
  let state: HealthState;
  try {
    const res = await http.request("GET", "sys/health", "sys.health", { answerStatuses: healthAnswers, ...(signal ? { signal } : {}) });
    status = res.status;
    state = judgeHealth(res.status, res.body);
  } catch (e) {
    // Any other answer (a 2xx that is not JSON, 4xx, 5xx) is not a usable node's; a 307 and
    // transport failures are thrown.
    if (!(e instanceof TransitError) || e.status === undefined || e.kind === "standby_redirect") throw e;
    status = e.status;
    state = "unexpected";
  }
  return { status, state, usable: state === "active" || state === "standby" };
}

const capsList = v.array(v.string());

/** POST sys/capabilities-self; returns each path's capabilities (top-level or under data). */
export async function readCapabilities(http: OpenBaoHttp, token: string, paths: readonly string[], signal?: AbortSignal): Promise<Map<string, string[]>> {
  const res = await http.request("POST", "sys/capabilities-self", "sys.capabilities_self", { token, json: { paths }, ...(signal ? { signal } : {}) });
  const body = res.body as Record<string, unknown> | undefined;
  const data = (body?.data ?? body) as Record<string, unknown> | undefined;
  const out = new Map<string, string[]>();
  for (const p of paths) {
    const parsed = v.safeParse(capsList, data?.[p] ?? body?.[p]);
    if (!parsed.success) throw new TransitError("invalid_response", "sys.capabilities_self", res.status);
    out.set(p, parsed.output);
  }
  return out;
}

const mountInfo = v.object({ data: v.object({ uuid: v.string() }) });

/** GET sys/internal/ui/mounts/<mount>: the mount's uuid (works with any capability under the mount). */
export async function readMountUuid(http: OpenBaoHttp, token: string, mount: string, signal?: AbortSignal): Promise<string> {
  const res = await http.request("GET", `sys/internal/ui/mounts/${mount}`, "sys.mount_info", { token, ...(signal ? { signal } : {}) });
  const parsed = v.safeParse(mountInfo, res.body);
  if (!parsed.success) throw new TransitError("invalid_response", "sys.mount_info", res.status);
  return parsed.output.data.uuid;
}
