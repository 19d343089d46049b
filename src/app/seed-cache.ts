// Wires the opt-in seed cache into serve (docs/decisions/seed-cache.md): built from [cache], and
// kept honest by what the provider learns elsewhere. A version that leaves the registry (retired),
// or that Transit no longer lists or archives, loses its entries at once; a key Transit reports
// missing or soft-deleted, or a token it refuses, empties the cache.

import type { Config } from "../config/schema.ts";
import { TransitError } from "../kms/errors.ts";
import type { KeyLookup } from "../kms/ports.ts";
import { SeedCache } from "../kms/seed-cache.ts";
import type { TransitClient } from "../openbao/transit-client.ts";
import type { Clock } from "../platform/clock.ts";
import { versionAvailability } from "../status/retained.ts";

/** Share of openbao.timeout a Decrypt waits for Transit before a held seed is served. */
export const seedCacheWaitShare = 0.75;

/** The cache [cache] describes, or undefined when decrypt_seed_ttl is 0 (off). */
export function seedCacheFromConfig(config: Config, clock: Clock): SeedCache | undefined {
  const c = config.cache;
  if (c.decryptSeedTtlMs === 0) return undefined;
  return new SeedCache({ ttlMs: c.decryptSeedTtlMs, maxEntries: c.decryptSeedMaxEntries, maxBytes: c.decryptSeedMaxBytes, nowMs: () => clock.monotonicMs() });
}

/** How long Decrypt waits for Transit before serving a held seed, ms. */
export function seedCacheWaitMs(config: Config): number {
  return Math.max(1, Math.floor(config.openbao.timeoutMs * seedCacheWaitShare));
}

const keyGone: ReadonlySet<string> = new Set(["not_found", "key_soft_deleted", "permission_denied", "unauthenticated"]);

/** `transit` whose key reads also prune the cache: every metadata probe re-checks what it holds. */
export function pruningKeyReads(transit: TransitClient, cache: SeedCache): TransitClient {
  return {
    ...transit,
    async readKey(signal) {
      try {
        const meta = await transit.readKey(signal);
        cache.evictWhere((e) => versionAvailability(meta, e.transitVersion) !== "listed");
        return meta;
      } catch (e) {
        if (e instanceof TransitError && keyGone.has(e.kind)) cache.clear();
        throw e;
      }
    },
  };
}

/** After each registry publication: entries whose key_id is no longer decryptable go. */
export function pruneToRegistry(cache: SeedCache, registry: KeyLookup): void {
  cache.evictWhere((e) => registry.lookup(e.keyId) === undefined);
}
