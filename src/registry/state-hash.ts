// PLACEHOLDER until the registry persistence branch lands (it replaces this file): the krs1
// hash over compact Go JSON, and the canonical record order.
import { createHash } from "node:crypto";
import { goJsonString } from "../kms/go-json.ts";
import { type RegistryState, type SnapshotRecord, stateHashPrefix } from "./types.ts";

const stateRank = { active: 0, pending: 1, retired: 2, rejected: 3, removed: 4 } as const;

export function sortRecords(records: readonly SnapshotRecord[]): SnapshotRecord[] {
  return [...records].sort(
    (a, b) => stateRank[a.state] - stateRank[b.state] || b.transitVersion - a.transitVersion || (a.kubernetesKeyId < b.kubernetesKeyId ? -1 : a.kubernetesKeyId > b.kubernetesKeyId ? 1 : 0),
  );
}

function recordJson(r: SnapshotRecord): string {
  const f: string[] = [];
  const s = (k: string, v: string) => f.push(`${goJsonString(k)}:${goJsonString(v)}`);
  const n = (k: string, v: number) => f.push(`${goJsonString(k)}:${v}`);
  s("providerName", r.providerName);
  s("clusterId", r.clusterId);
  s("openbaoInstanceId", r.openbaoInstanceId);
  if (r.openbaoNamespace) s("openbaoNamespace", r.openbaoNamespace);
  s("transitMountId", r.transitMountId);
  s("transitKeyLineageId", r.transitKeyLineageId);
  n("transitVersion", r.transitVersion);
  n("transitVersionCreatedAtUnix", r.transitVersionCreatedAtUnix);
  s("kubernetesKeyId", r.kubernetesKeyId);
  s("state", r.state);
  s("aadMode", r.aadMode);
  if (r.observedAtUnix) n("observedAtUnix", r.observedAtUnix);
  if (r.stableObservationCount) n("stableObservationCount", r.stableObservationCount);
  if (r.stableAtUnix) n("stableAtUnix", r.stableAtUnix);
  if (r.promotedAtUnix) n("promotedAtUnix", r.promotedAtUnix);
  return `{${f.join(",")}}`;
}

export function computeStateHash(state: Omit<RegistryState, "currentHash">): string {
  const parts = [`"schemaVersion":${goJsonString(state.schemaVersion)}`, `"generation":${state.generation}`];
  if (state.previousHash) parts.push(`"previousHash":${goJsonString(state.previousHash)}`);
  parts.push(`"activeKeyId":${goJsonString(state.activeKeyId)}`, `"snapshots":[${state.snapshots.map(recordJson).join(",")}]`);
  return stateHashPrefix + createHash("sha256").update(`{${parts.join(",")}}`).digest("base64url");
}
