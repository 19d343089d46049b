// The registry hash chain (reference §4.5): currentHash = "krs1." + base64url-nopad(SHA-256(
// compact Go JSON of {schemaVersion, identityFingerprint (v1alpha2 only), generation,
// previousHash (omitempty), activeKeyId, snapshots})), fields in struct order, currentHash
// itself excluded. And the canonical record order the file is written in.

import { createHash } from "node:crypto";
import { goJsonString } from "../kms/go-json.ts";
import { recordCompact } from "./codec.ts";
import { type RegistryState, type SnapshotRecord, stateHashPrefix } from "./types.ts";

const stateRank = { active: 0, pending: 1, retired: 2, rejected: 3, removed: 4 } as const;

/** Active first, then pending, retired, rejected, removed; in each group versions high → low, then key_id. */
export function sortRecords(records: readonly SnapshotRecord[]): SnapshotRecord[] {
  return [...records].sort(
    (a, b) =>
      (stateRank[a.state] ?? 5) - (stateRank[b.state] ?? 5) ||
      b.transitVersion - a.transitVersion ||
      (a.kubernetesKeyId < b.kubernetesKeyId ? -1 : a.kubernetesKeyId > b.kubernetesKeyId ? 1 : 0),
  );
}

/** The exact bytes the hash covers. */
export function hashedJson(state: Omit<RegistryState, "currentHash">): string {
  const parts = [`"schemaVersion":${goJsonString(state.schemaVersion)}`];
  if (state.identityFingerprint !== undefined) parts.push(`"identityFingerprint":${goJsonString(state.identityFingerprint)}`);
  parts.push(`"generation":${state.generation}`);
  if (state.previousHash) parts.push(`"previousHash":${goJsonString(state.previousHash)}`);
  parts.push(`"activeKeyId":${goJsonString(state.activeKeyId)}`, `"snapshots":[${state.snapshots.map(recordCompact).join(",")}]`);
  return `{${parts.join(",")}}`;
}

export function computeStateHash(state: Omit<RegistryState, "currentHash">): string {
  return stateHashPrefix + createHash("sha256").update(hashedJson(state), "utf8").digest("base64url");
}
