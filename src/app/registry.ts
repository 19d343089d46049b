// The key registry as every command opens it: the file store for state.path, bound to the
// config's identity (scope and fingerprint), and a load that refuses a state written for another
// key, mount, namespace or config before anyone uses it.

import type { Config } from "../config/schema.ts";
import { expectedIdentityOf } from "../keys/identity.ts";
import { keyScopeOf } from "../keys/scope.ts";
import type { Logger } from "../platform/log.ts";
import { createFileRegistryStore, type FileRegistryStore } from "../registry/store/file-store.ts";
import type { LoadResult } from "../registry/types.ts";
import { validateScope } from "../registry/validate.ts";

/** The store for config.state.path; loads and saves check the config's identity fingerprint. */
export function registryStore(config: Config, log?: Pick<Logger, "info">): FileRegistryStore {
  return createFileRegistryStore(config.state.path, { identity: expectedIdentityOf(config), ...(log === undefined ? {} : { log }) });
}

/**
 * Loads the registry strictly: file checks, decoding, validation, rollback, identity fingerprint,
 * then the key scope. Throws RegistryError on any of them; "missing" when there is no state yet.
 */
export async function loadRegistry(config: Config, store: FileRegistryStore = registryStore(config)): Promise<LoadResult> {
  const loaded = await store.load();
  if (loaded.kind === "loaded") validateScope(loaded.state, keyScopeOf(config));
  return loaded;
}
