// The key_id scope a config names: what goes into every key_id, annotation and AAD. One place,
// so serve, doctor and the rotation commands cannot drift apart.
import type { Config } from "../config/schema.ts";
import type { KeyScope } from "../kms/snapshot.ts";

export function keyScopeOf(config: Config): KeyScope {
  return { ...config.transit.keyIdScope, openbaoInstanceId: config.openbao.instanceId, openbaoNamespace: config.openbao.namespace };
}
