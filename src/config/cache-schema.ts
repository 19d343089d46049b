// [cache]: the opt-in decrypted-seed cache (docs/decisions/seed-cache.md). Off unless
// decrypt_seed_ttl is set above 0; bounded by entries and by bytes either way.
import * as v from "valibot";
import { durationMs, intInRange, optionalTable } from "./fields.ts";

/** cache.decrypt_seed_ttl bounds (ms): 0 = off, at most 24 h. */
export const seedTtlBoundsMs = { min: 0, max: 86_400_000 } as const;
export const seedEntryBounds = { min: 1, max: 65_536 } as const;
export const seedByteBounds = { min: 1_024, max: 64 * 1024 * 1024 } as const;

export const cacheSchema = optionalTable({
  decrypt_seed_ttl: v.optional(durationMs(seedTtlBoundsMs.min, seedTtlBoundsMs.max), "0s"),
  decrypt_seed_max_entries: v.optional(intInRange(seedEntryBounds.min, seedEntryBounds.max), 1_024),
  decrypt_seed_max_bytes: v.optional(intInRange(seedByteBounds.min, seedByteBounds.max), 1024 * 1024),
});

export interface CacheConfig {
  /** 0 = the seed cache is off. */
  readonly decryptSeedTtlMs: number;
  readonly decryptSeedMaxEntries: number;
  /** Plaintext bytes held at most. */
  readonly decryptSeedMaxBytes: number;
}

export function buildCache(c: v.InferOutput<typeof cacheSchema>): CacheConfig {
  return { decryptSeedTtlMs: c.decrypt_seed_ttl, decryptSeedMaxEntries: c.decrypt_seed_max_entries, decryptSeedMaxBytes: c.decrypt_seed_max_bytes };
}
