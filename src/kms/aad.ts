// Canonical AAD (docs/wire-format.md): compact Go-style JSON, fixed field order, sent to
// Transit as `associated_data`. The bytes must equal the Go implementation's exactly.

import { goJsonObjectOfStrings } from "./go-json.ts";
import { hashValue } from "./hash.ts";
import type { KeySnapshot } from "./snapshot.ts";

/** The fixed AAD of the background deep probe; never valid for a KMS object. */
export const statusProbeAad = new TextEncoder().encode("openbao-kubernetes-kms/status-probe/v1");

export const aadVersion = "v1";
export const aadPurpose = "kubernetes-etcd-kms-v2";
export const providerKind = "openbao-transit";

// Snapshots are immutable, so their AAD is computed once (it costs five SHA-256 runs).
const aadCache = new WeakMap<KeySnapshot, Uint8Array>();

/**
 * The canonical AAD bytes for a snapshot. All values derive from the snapshot and its scope.
 * The returned bytes are shared between calls: read them, never modify them.
 */
export function canonicalAad(snapshot: KeySnapshot): Uint8Array {
  let aad = aadCache.get(snapshot);
  if (aad === undefined) {
    aad = buildAad(snapshot);
    aadCache.set(snapshot, aad);
  }
  return aad;
}

function buildAad(snapshot: KeySnapshot): Uint8Array {
  const s = snapshot.scope;
  const fields: Array<readonly [string, string]> = [
    ["aad_version", aadVersion],
    ["purpose", aadPurpose],
    ["provider", providerKind],
    ["provider_name", s.providerName],
    ["cluster_id_hash", hashValue(s.clusterId)],
    ["openbao_instance_hash", hashValue(s.openbaoInstanceId)],
  ];
  if (s.openbaoNamespace !== "") fields.push(["openbao_namespace_hash", hashValue(s.openbaoNamespace)]);
  fields.push(
    ["transit_mount_hash", hashValue(s.transitMountId)],
    ["transit_key_hash", hashValue(s.keyLineageId)],
    ["key_id_hash", hashValue(snapshot.keyId)],
    ["key_version", String(snapshot.transitVersion)],
  );
  return new TextEncoder().encode(goJsonObjectOfStrings(fields));
}
