// The opt-in decrypted-seed cache (docs/decisions/seed-cache.md): what kube-apiserver itself keeps
// in memory, kept once more here so a restarted apiserver can read Secrets while OpenBao is down.
// Memory only, bounded by entries and bytes, least recently stored first out, every entry zeroed
// when it leaves. Never logged: entries are reached by a hash and nothing here prints one.

import { createHash } from "node:crypto";

export interface SeedCacheOptions {
  /** How long an entry may be served after it was last confirmed by Transit, ms (> 0). */
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Plaintext bytes held at most. */
  readonly maxBytes: number;
  /** Monotonic ms. */
  readonly nowMs: () => number;
}

/** What an entry is about, for eviction rules; never the seed. */
export interface SeedEntryInfo {
  readonly keyId: string;
  readonly transitVersion: number;
}

interface Entry extends SeedEntryInfo {
  readonly seed: Uint8Array;
  readonly expiresAtMs: number;
}

export interface SeedCacheStats {
  readonly entries: number;
  readonly bytes: number;
  /** Successful Decrypts whose seed was already held (normal path). */
  readonly hits: number;
  /** Successful Decrypts whose seed was not held yet. */
  readonly misses: number;
  /** Decrypts answered from the cache while OpenBao could not answer. */
  readonly servedDuringOutage: number;
  /** Decrypts that found no entry while OpenBao could not answer. */
  readonly outageMisses: number;
}

const domain = new TextEncoder().encode("bao-kms-provider/seed-cache/v1");
const utf8 = new TextEncoder();

/** A 4-byte big-endian length, then the bytes: no two field lists hash the same input. */
function framed(h: ReturnType<typeof createHash>, bytes: Uint8Array): void {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.byteLength);
  h.update(len).update(bytes);
}

/** The cache key: SHA-256 over (key_id, ciphertext, annotations sorted by name), each framed. */
export function seedCacheKey(keyId: string, ciphertext: Uint8Array, annotations: Iterable<readonly [string, Uint8Array | string]>): string {
  const h = createHash("sha256");
  framed(h, domain);
  framed(h, utf8.encode(keyId));
  framed(h, ciphertext);
  const sorted = [...annotations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of sorted) {
    framed(h, utf8.encode(name));
    framed(h, typeof value === "string" ? utf8.encode(value) : value);
  }
  return h.digest("base64url");
}

export class SeedCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private served = 0;
  private outageMisses = 0;

  constructor(private readonly o: SeedCacheOptions) {
    if (!(o.ttlMs > 0) || !(o.maxEntries >= 1) || !(o.maxBytes >= 1)) throw new RangeError("seed cache bounds must be positive");
  }

  /** Stores a copy of `seed` that Transit just confirmed (Decrypt) or produced the ciphertext for (Encrypt). */
  remember(key: string, info: SeedEntryInfo, seed: Uint8Array, from: "decrypt" | "encrypt"): void {
    const had = this.drop(key);
    if (seed.byteLength > this.o.maxBytes) return;
    this.entries.set(key, { keyId: info.keyId, transitVersion: info.transitVersion, seed: seed.slice(), expiresAtMs: this.o.nowMs() + this.o.ttlMs });
    this.bytes += seed.byteLength;
    while (this.entries.size > this.o.maxEntries || this.bytes > this.o.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.drop(oldest);
    }
    if (from === "decrypt") void (had ? this.hits++ : this.misses++);
  }

  /** True while an unexpired entry is held (the caller may then wait less for OpenBao). */
  holds(key: string): boolean {
    return this.live(key) !== undefined;
  }

  /** A copy of the seed for an outage answer, or undefined (counted either way). */
  serve(key: string): Uint8Array | undefined {
    const e = this.live(key);
    if (e === undefined) {
      this.outageMisses++;
      return undefined;
    }
    this.served++;
    return e.seed.slice();
  }

  /** Removes (and zeroes) one entry: Transit gave a final refusal for it. */
  forget(key: string): void {
    this.drop(key);
  }

  /** Removes every entry `doomed` says must go (retired, vanished, archived versions). Returns how many. */
  evictWhere(doomed: (info: SeedEntryInfo) => boolean): number {
    return this.dropWhere(doomed);
  }

  /** Removes expired entries; returns how many. */
  sweep(): number {
    const now = this.o.nowMs();
    return this.dropWhere((e) => e.expiresAtMs <= now);
  }

  /** Zeroes and removes everything (shutdown, a deleted key, a refused token). */
  clear(): void {
    this.dropWhere(() => true);
  }

  stats(): SeedCacheStats {
    return { entries: this.entries.size, bytes: this.bytes, hits: this.hits, misses: this.misses, servedDuringOutage: this.served, outageMisses: this.outageMisses };
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAtMs > this.o.nowMs()) return e;
    this.drop(key);
    return undefined;
  }

  private dropWhere(doomed: (e: Entry) => boolean): number {
    let n = 0;
    for (const [key, e] of [...this.entries]) if (doomed(e) && this.drop(key)) n++;
    return n;
  }

  private drop(key: string): boolean {
    const e = this.entries.get(key);
    if (e === undefined) return false;
    e.seed.fill(0);
    this.bytes -= e.seed.byteLength;
    this.entries.delete(key);
    return true;
  }
}
