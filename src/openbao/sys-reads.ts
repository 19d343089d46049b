// Read-only sys calls used by the operator tools (doctor, verify-key): health (proves TLS and
// reachability), capabilities-self (least privilege) and the mount's own info (its uuid).
import * as v from "valibot";
import { TransitError } from "../kms/errors.ts";
import type { OpenBaoHttp } from "./http.ts";

/**
 * What a sys/health status code says about the node (internal/http/sys_health.go: 200 active,
 * 429 standby, 503 sealed, 501 uninitialized; other codes are not OpenBao's defaults).
 */
export type HealthState = "active" | "standby" | "sealed" | "uninitialized" | "unexpected";

export interface Health {
  readonly status: number;
  readonly state: HealthState;
  /** Only an active node (200) or a standby (429, which forwards or redirects) can serve requests. */
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

/**
 * GET sys/health, always in the root namespace (the HTTP helper never sends X-Vault-Namespace to
 * it). Any HTTP answer proves TLS; the status code alone says whether the node is usable.
 */
export async function readHealth(http: OpenBaoHttp, signal?: AbortSignal): Promise<Health> {
  let status: number;
  try {
    status = (await http.request("GET", "sys/health", "sys.health", signal ? { signal } : {})).status;
  } catch (e) {
    // sys/health answers 429/501/503 with a body: an answer, not a transport failure.
    if (!(e instanceof TransitError) || e.status === undefined || e.kind === "standby_redirect") throw e;
    status = e.status;
  }
  const state = healthState(status);
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
