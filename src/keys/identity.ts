// The identity a key registry must have been written for: the key_id scope and the config
// identity fingerprint (which also binds transit.mount_path and transit.key_name). One place,
// so serve, doctor and the rotation commands check a state file the same way.
import { identityFingerprint } from "../config/fingerprint.ts";
import type { Config } from "../config/schema.ts";
import type { ExpectedIdentity } from "../registry/validate.ts";
import { keyScopeOf } from "./scope.ts";

export function expectedIdentityOf(config: Config): ExpectedIdentity {
  return { scope: keyScopeOf(config), fingerprint: identityFingerprint(config) };
}
