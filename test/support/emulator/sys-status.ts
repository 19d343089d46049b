// The unauthenticated, non-logical status endpoints: sys/health (query codes, HEAD, namespace
// refusal), sys/seal-status and sys/leader — answered even while sealed.
import { errorResponse, jsonResponse } from "./envelope.ts";
import { goEncode, goStruct } from "./go-json.ts";
import { parseGoBool, parseGoInt } from "./go-format.ts";
import { baoVersion } from "./mounts.ts";

export interface ClusterStatus {
  sealed: boolean;
  clusterName: string;
  clusterId: string;
  nowMs: number;
}

function codeParam(q: URLSearchParams, name: string, dflt: number): number | undefined {
  if (!q.has(name)) return dflt;
  const v = parseGoInt(q.get(name)!);
  // Bun cannot send statuses outside 200..599; such codes are refused like unparsable ones.
  return v !== undefined && v >= 200 && v <= 599 ? v : undefined;
}

/** GET/HEAD /v1/sys/health. The emulator is always initialized and never a standby. */
export function handleHealth(method: string, q: URLSearchParams, headers: Headers, s: ClusterStatus): Response {
  if (method !== "GET" && method !== "HEAD") return errorResponse(405, []);
  if ((headers.get("x-vault-namespace") ?? "") !== "") return errorResponse(400, ["operation unavailable in namespaces"]);
  if (q.has("standbyok") && parseGoBool(q.get("standbyok")!) === undefined) return errorResponse(400, []);
  const active = codeParam(q, "activecode", 200);
  const standby = codeParam(q, "standbycode", 429);
  const sealed = codeParam(q, "sealedcode", 503);
  const uninit = codeParam(q, "uninitcode", 501);
  if (active === undefined || standby === undefined || sealed === undefined || uninit === undefined) return errorResponse(400, []);
  const status = s.sealed ? sealed : active;
  if (method === "HEAD") return jsonResponse(status, null);
  const body = goStruct([
    ["initialized", true],
    ["sealed", s.sealed],
    ["standby", false],
    ["replication_performance_mode", "disabled"],
    ["replication_dr_mode", "disabled"],
    ["server_time_utc", Math.floor(s.nowMs / 1000)],
    ["version", baoVersion],
    ["cluster_name", s.sealed ? undefined : s.clusterName],
    ["cluster_id", s.sealed ? undefined : s.clusterId],
  ]);
  return jsonResponse(status, goEncode(body));
}

/** GET /v1/sys/seal-status (Shamir 1-of-1, raft storage). */
export function handleSealStatus(method: string, s: ClusterStatus): Response {
  if (method !== "GET") return errorResponse(405, []);
  const body = goStruct([
    ["type", "shamir"],
    ["initialized", true],
    ["sealed", s.sealed],
    ["t", 1],
    ["n", 1],
    ["progress", 0],
    ["nonce", ""],
    ["recovery_seal", false],
    ["version", baoVersion],
    ["commit_date", "2026-08-18T00:00:00Z"],
    ["migration", false],
    ["cluster_name", s.sealed ? undefined : s.clusterName],
    ["cluster_id", s.sealed ? undefined : s.clusterId],
    ["storage_type", "raft"],
  ]);
  return jsonResponse(200, goEncode(body));
}

/** GET /v1/sys/leader for a non-HA node. */
export function handleLeader(method: string): Response {
  if (method !== "GET") return errorResponse(405, []);
  return jsonResponse(200, goEncode(goStruct([["ha_enabled", false]])));
}
