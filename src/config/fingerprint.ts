// Config identity fingerprint ("cfg1." + 43 chars): equal on every node that encrypts for the same
// key identity, different as soon as any identity-bearing field differs. Byte-compatible with Go.
import { createHash } from "node:crypto";
import { goJsonString } from "../kms/go-json.ts";
import type { Config } from "./schema.ts";

/** Domain separator inside the hashed JSON. */
export const fingerprintDomain = "openbao-kubernetes-kms/config-identity/v1";

/** The exact JSON hashed by identityFingerprint: Go encoding/json of the ordered identity struct. */
export function identityJson(cfg: Config): string {
  const scope = cfg.transit.keyIdScope;
  const fields: Array<readonly [string, string]> = [
    ["domain", fingerprintDomain],
    ["provider_name", scope.providerName],
    ["cluster_id", scope.clusterId],
    ["openbao_instance_id", cfg.openbao.instanceId],
  ];
  // Go's `omitempty`: an empty namespace leaves the field out entirely.
  if (cfg.openbao.namespace !== "") fields.push(["openbao_namespace", cfg.openbao.namespace]);
  fields.push(
    ["transit_mount_id", scope.transitMountId],
    ["key_lineage_id", scope.keyLineageId],
    ["transit_mount_path", cfg.transit.mountPath],
    ["transit_key_name", cfg.transit.keyName],
  );
  return "{" + fields.map(([k, val]) => `${goJsonString(k)}:${goJsonString(val)}`).join(",") + "}";
}

/** `cfg1.` + base64url-nopad(SHA-256(identityJson(cfg))); 48 chars. */
export function identityFingerprint(cfg: Config): string {
  return "cfg1." + createHash("sha256").update(identityJson(cfg), "utf8").digest("base64url");
}
