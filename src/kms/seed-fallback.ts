// How Decrypt uses the seed cache: Transit is always asked first, so a revoked key or a raised
// min_decryption_version takes effect at once. Only when OpenBao cannot answer (no connection,
// sealed, 5xx, a standby's 307, or no answer within `waitMs`) is a held seed served instead.

import { delay } from "../platform/delay.ts";
import { TransitError, type TransitErrorClass } from "./errors.ts";
import type { SeedCache, SeedEntryInfo } from "./seed-cache.ts";

/** OpenBao could not answer: the only failures a cached seed may stand in for. */
const outageClasses: ReadonlySet<TransitErrorClass> = new Set(["connection_failed", "dns_failed", "tls_failed", "unavailable", "sealed", "standby_redirect"]);
/** Transit's final word on this ciphertext or key: the entry goes. */
const refusalClasses: ReadonlySet<TransitErrorClass> = new Set(["decrypt_failed", "version_archived", "key_soft_deleted", "not_found", "permission_denied", "unauthenticated"]);

export const isOutage = (e: unknown): boolean => e instanceof TransitError && outageClasses.has(e.kind);
export const isRefusal = (e: unknown): boolean => e instanceof TransitError && refusalClasses.has(e.kind);

type Settled = { readonly plaintext: Uint8Array } | { readonly error: unknown };

/** `p`, or "late" once `ms` pass first; the timer is cleared as soon as `p` settles. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | "late"> {
  const settled = new AbortController();
  try {
    return await Promise.race([p, delay(ms, { signal: settled.signal }).then(() => "late" as const)]);
  } finally {
    settled.abort();
  }
}

/** Awaits Transit's Decrypt (`pending`), falling back to the cache as described above. */
export async function decryptWithSeedCache(cache: SeedCache, key: string, info: SeedEntryInfo, pending: Promise<Uint8Array>, waitMs: number): Promise<Uint8Array> {
  const settled: Promise<Settled> = pending.then((plaintext) => ({ plaintext }), (error: unknown) => ({ error }));
  const learn = (o: Settled): void => {
    if ("plaintext" in o) cache.remember(key, info, o.plaintext, "decrypt");
    else if (isRefusal(o.error)) cache.forget(key);
  };
  const first = cache.holds(key) ? await within(settled, waitMs) : await settled;
  if (first === "late") {
    // OpenBao is timing out: answer from the cache; Transit's eventual answer still updates it.
    void settled.then(learn);
    const seed = cache.serve(key);
    if (seed !== undefined) return seed;
    const o = await settled;
    if ("plaintext" in o) return o.plaintext;
    throw o.error;
  }
  learn(first);
  if ("plaintext" in first) return first.plaintext;
  if (isOutage(first.error)) {
    const seed = cache.serve(key);
    if (seed !== undefined) return seed;
  }
  throw first.error;
}
