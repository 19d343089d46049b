// Read-only sys calls used by the operator tools (doctor, verify-key): health (proves TLS and
// reachability), capabilities-self (least privilege) and the mount's own info (its uuid).
import * as v from "valibot";
import { TransitError } from "../kms/errors.ts";
import type { OpenBaoHttp } from "./http.ts";

/** GET sys/health. Any HTTP answer proves TLS; the result says whether the node is usable. */
export async function readHealth(http: OpenBaoHttp, signal?: AbortSignal): Promise<{ readonly status: number; readonly sealed: boolean }> {
  try {
    const res = await http.request("GET", "sys/health", "sys.health", signal ? { signal } : {});
    return { status: res.status, sealed: false };
  } catch (e) {
    // sys/health answers 429/473/501/503 with a body for standby, DR, uninitialised, sealed.
    if (e instanceof TransitError && e.status !== undefined) return { status: e.status, sealed: e.kind === "sealed" || e.status === 503 };
    throw e;
  }
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
