// The unauthenticated, non-logical status endpoints: sys/health (query codes, HEAD, namespace
// refusal), sys/seal-status and sys/leader — answered even while sealed.
import { errorResponse, jsonResponse } from "./envelope.ts";
import { goEncode, goStruct } from "./go-json.ts";
import { parseGoBool, parseGoInt } from "./go-format.ts";
import { baoVersion } from "./mounts.ts";

export interface ClusterStatus {
  sealed: boolean;
  /** false: a fresh node nobody initialized (it is also sealed). Default true. */
  initialized?: boolean;
  /** This node is a standby of another (HA). */
  standby?: boolean;
  /** sys/leader for an HA node; undefined = not HA ({"ha_enabled":false}). */
  leader?: { isSelf: boolean; address: string; clusterAddress: string; activeTime?: string };
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

/**
 * GET/HEAD /v1/sys/health (internal/http/sys_health.go). The namespace refusal comes first, as in
 * the generic handler wrapper (internal/http/handler.go, restrictedSysAPIsNonLogical). Code:
 * uninitialized → uninitcode (501), sealed → sealedcode (503), standby without standbyok →
 * standbycode (429), else activecode (200). A sealed or uninitialized node reports standby: true
 * (core.standby is set on seal and at start-up).
 */
export function handleHealth(method: string, q: URLSearchParams, headers: Headers, s: ClusterStatus): Response {
  const ns = headers.get("x-vault-namespace") ?? "";
  if (ns !== "") return errorResponse(400, ["operation unavailable in namespaces"], { "X-Vault-Namespace": ns });
  if (method !== "GET" && method !== "HEAD") return errorResponse(405, []);
  const standbyOk = q.has("standbyok") ? parseGoBool(q.get("standbyok")!) : false;
  if (standbyOk === undefined) return errorResponse(400, []);
  const active = codeParam(q, "activecode", 200);
  const standbyCode = codeParam(q, "standbycode", 429);
  const sealedCode = codeParam(q, "sealedcode", 503);
  const uninit = codeParam(q, "uninitcode", 501);
  if (active === undefined || standbyCode === undefined || sealedCode === undefined || uninit === undefined) return errorResponse(400, []);
  const initialized = s.initialized ?? true;
  const sealed = s.sealed || !initialized;
  const standby = (s.standby ?? false) || sealed;
  const status = !initialized ? uninit : sealed ? sealedCode : standby && !standbyOk ? standbyCode : active;
  if (method === "HEAD") return jsonResponse(status, null);
  const body = goStruct([
    ["initialized", initialized],
    ["sealed", sealed],
    ["standby", standby],
    ["replication_performance_mode", "disabled"],
    ["replication_dr_mode", "disabled"],
    ["server_time_utc", Math.floor(s.nowMs / 1000)],
    ["version", baoVersion],
    ["cluster_name", sealed ? undefined : s.clusterName],
    ["cluster_id", sealed ? undefined : s.clusterId],
  ]);
  return jsonResponse(status, goEncode(body));
}

/** GET /v1/sys/seal-status (Shamir 1-of-1, raft storage). */
export function handleSealStatus(method: string, s: ClusterStatus): Response {
  if (method !== "GET") return errorResponse(405, []);
  // Uninitialized: no seal config yet, so t and n stay 0 (internal/vault/logical_system.go, GetSealStatus).
  const initialized = s.initialized ?? true;
  const sealed = s.sealed || !initialized;
  const body = goStruct([
    ["type", "shamir"],
    ["initialized", initialized],
    ["sealed", sealed],
    ["t", initialized ? 1 : 0],
    ["n", initialized ? 1 : 0],
    ["progress", 0],
    ["nonce", ""],
    ["recovery_seal", false],
    ["version", baoVersion],
    ["commit_date", "2026-08-18T00:00:00Z"],
    ["migration", false],
    ["cluster_name", sealed ? undefined : s.clusterName],
    ["cluster_id", sealed ? undefined : s.clusterId],
    ["storage_type", "raft"],
  ]);
  return jsonResponse(200, goEncode(body));
}

/**
 * GET /v1/sys/leader (internal/vault/logical_system.go, GetLeaderStatusLocked): {"ha_enabled":false}
 * for a lone node; an HA node names the active node (is_self and active_time only on the active
 * one); a sealed HA node cannot look the leader up (503 Vault is sealed).
 */
export function handleLeader(method: string, s: ClusterStatus): Response {
  if (method !== "GET") return errorResponse(405, []);
  const l = s.leader;
  if (l === undefined) return jsonResponse(200, goEncode(goStruct([["ha_enabled", false]])));
  if (s.sealed || !(s.initialized ?? true)) return errorResponse(503, ["Vault is sealed"]);
  const body = goStruct([
    ["ha_enabled", true],
    ["is_self", l.isSelf ? true : undefined],
    ["active_time", l.isSelf ? l.activeTime : undefined],
    ["leader_address", l.address === "" ? undefined : l.address],
    ["leader_cluster_address", l.clusterAddress === "" ? undefined : l.clusterAddress],
  ]);
  return jsonResponse(200, goEncode(body));
}
