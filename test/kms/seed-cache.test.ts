import { describe, expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { SeedCache, seedCacheKey } from "../../src/kms/seed-cache.ts";
import { decryptWithSeedCache } from "../../src/kms/seed-fallback.ts";

const info = { keyId: "obk2.k1", transitVersion: 1 };
const seed = (n: number) => new Uint8Array(32).fill(n);
const ann = new Map([["a.kms.k8s.io", "x"], ["b.kms.k8s.io", "y"]]);

function cache(o: Partial<{ ttlMs: number; maxEntries: number; maxBytes: number }> = {}) {
  let now = 1_000;
  const c = new SeedCache({ ttlMs: o.ttlMs ?? 60_000, maxEntries: o.maxEntries ?? 16, maxBytes: o.maxBytes ?? 1024, nowMs: () => now });
  return { c, advance: (ms: number) => void (now += ms) };
}

describe("seed cache", () => {
  test("the key covers key_id, ciphertext and annotations; annotation order does not matter", () => {
    const ct = new TextEncoder().encode("vault:v1:abc");
    const k = seedCacheKey("obk2.k1", ct, ann);
    expect(seedCacheKey("obk2.k1", ct, [...ann].reverse())).toBe(k);
    expect(seedCacheKey("obk2.k2", ct, ann)).not.toBe(k);
    expect(seedCacheKey("obk2.k1", new TextEncoder().encode("vault:v1:abd"), ann)).not.toBe(k);
    expect(seedCacheKey("obk2.k1", ct, new Map([["a.kms.k8s.io", "x"]]))).not.toBe(k);
    // Framing: moving a byte between fields changes the key.
    expect(seedCacheKey("obk2.k", new TextEncoder().encode("1vault:v1:abc"), ann)).not.toBe(k);
    // String and byte annotation values of the same text give the same key (Encrypt fills, Decrypt reads).
    expect(seedCacheKey("obk2.k1", ct, [...ann].map(([n, v]) => [n, new TextEncoder().encode(v)] as const))).toBe(k);
  });

  test("serves a copy until the TTL, then nothing; expired entries are zeroed by sweep", () => {
    const { c, advance } = cache({ ttlMs: 100 });
    const s = seed(7);
    c.remember("k", info, s, "decrypt");
    s.fill(0); // the cache holds its own copy
    const out = c.serve("k")!;
    expect(out).toEqual(seed(7));
    out.fill(9);
    expect(c.serve("k")).toEqual(seed(7));
    advance(100);
    expect(c.serve("k")).toBeUndefined();
    c.remember("j", info, seed(1), "decrypt");
    advance(200);
    expect(c.sweep()).toBe(1);
    expect(c.stats()).toMatchObject({ entries: 0, bytes: 0, servedDuringOutage: 2, outageMisses: 1, misses: 2, hits: 0 });
  });

  test("bounded by entries and by bytes, oldest out first, and every evicted seed is zeroed", () => {
    const { c } = cache({ maxEntries: 2, maxBytes: 1024 });
    const held: Uint8Array[] = [];
    const spy = c as unknown as { entries: Map<string, { seed: Uint8Array }> };
    for (const n of [1, 2, 3]) {
      c.remember(`k${n}`, info, seed(n), "encrypt");
      held.push(spy.entries.get(`k${n}`)!.seed);
    }
    expect(c.stats().entries).toBe(2);
    expect(held[0]).toEqual(new Uint8Array(32)); // evicted → zeroed
    expect(c.serve("k1")).toBeUndefined();
    const small = cache({ maxEntries: 100, maxBytes: 64 }).c;
    for (const n of [1, 2, 3]) small.remember(`k${n}`, info, seed(n), "encrypt");
    expect(small.stats()).toMatchObject({ entries: 2, bytes: 64 });
    small.clear();
    expect(small.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  test("evictWhere removes by key_id or version", () => {
    const { c } = cache();
    c.remember("a", { keyId: "obk2.v1", transitVersion: 1 }, seed(1), "decrypt");
    c.remember("b", { keyId: "obk2.v2", transitVersion: 2 }, seed(2), "decrypt");
    expect(c.evictWhere((e) => e.transitVersion < 2)).toBe(1);
    expect(c.holds("a")).toBe(false);
    expect(c.holds("b")).toBe(true);
  });
});

describe("decrypt with the seed cache", () => {
  const key = "k";
  const refused = () => Promise.reject(new TransitError("connection_failed", "transit.decrypt"));

  test("the normal path always asks Transit and refreshes the entry", async () => {
    const { c } = cache();
    expect(await decryptWithSeedCache(c, key, info, Promise.resolve(seed(3)), 1_000)).toEqual(seed(3));
    expect(await decryptWithSeedCache(c, key, info, Promise.resolve(seed(3)), 1_000)).toEqual(seed(3));
    expect(c.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  for (const kind of ["connection_failed", "sealed", "unavailable", "standby_redirect", "tls_failed", "dns_failed"] as const) {
    test(`served when OpenBao fails with ${kind}`, async () => {
      const { c } = cache();
      c.remember(key, info, seed(4), "decrypt");
      expect(await decryptWithSeedCache(c, key, info, Promise.reject(new TransitError(kind, "transit.decrypt", kind === "sealed" ? 503 : undefined)), 1_000)).toEqual(seed(4));
    });
  }

  for (const kind of ["decrypt_failed", "version_archived", "not_found", "permission_denied", "key_soft_deleted"] as const) {
    test(`never served over Transit's refusal (${kind}), and the entry goes`, async () => {
      const { c } = cache();
      c.remember(key, info, seed(4), "decrypt");
      await expect(decryptWithSeedCache(c, key, info, Promise.reject(new TransitError(kind, "transit.decrypt", 400)), 1_000)).rejects.toBeInstanceOf(TransitError);
      expect(c.holds(key)).toBe(false);
    });
  }

  test("rate limiting is not an outage: the error stands", async () => {
    const { c } = cache();
    c.remember(key, info, seed(4), "decrypt");
    await expect(decryptWithSeedCache(c, key, info, Promise.reject(new TransitError("rate_limited", "x", 429)), 1_000)).rejects.toBeInstanceOf(TransitError);
    expect(c.holds(key)).toBe(true);
  });

  test("OpenBao timing out: the held seed is served after waitMs, and Transit's late answer still counts", async () => {
    const { c } = cache();
    c.remember(key, info, seed(5), "decrypt");
    let answer!: (v: Uint8Array) => void;
    const late = new Promise<Uint8Array>((r) => (answer = r));
    const started = performance.now();
    expect(await decryptWithSeedCache(c, key, info, late, 30)).toEqual(seed(5));
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    answer(seed(5));
    await Bun.sleep(1);
    expect(c.stats().hits).toBe(1);
  });

  test("no entry: an outage error is thrown as it is", async () => {
    const { c } = cache();
    await expect(decryptWithSeedCache(c, key, info, refused(), 1_000)).rejects.toMatchObject({ kind: "connection_failed" });
    expect(c.stats().outageMisses).toBe(1);
  });
});
