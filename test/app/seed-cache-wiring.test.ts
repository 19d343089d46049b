// How serve keeps the seed cache honest: key reads prune versions Transit no longer lists
// (archived, trimmed, vanished) and empty it when the key is gone or the token refused; each
// registry publication drops key_ids that are no longer decryptable.
import { expect, test } from "bun:test";
import { pruneToRegistry, pruningKeyReads, seedCacheFromConfig, seedCacheWaitMs } from "../../src/app/seed-cache.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { TransitError } from "../../src/kms/errors.ts";
import type { KeyMetadata } from "../../src/kms/ports.ts";
import { SeedCache } from "../../src/kms/seed-cache.ts";
import type { TransitClient } from "../../src/openbao/transit-client.ts";
import { manualClock } from "../../src/platform/clock.ts";

const meta = (o: Partial<KeyMetadata>): KeyMetadata => ({
  type: "aes256-gcm96", latestVersion: 3, minDecryptionVersion: 1, minEncryptionVersion: 0, minAvailableVersion: 0,
  createdAtUnix: new Map([[1, 1], [2, 2], [3, 3]]), exportable: false, deletionAllowed: false, allowPlaintextBackup: false,
  derived: false, supportsEncryption: true, supportsDecryption: true, ...o,
});
const filled = () => {
  const c = new SeedCache({ ttlMs: 60_000, maxEntries: 10, maxBytes: 1024, nowMs: () => 0 });
  for (const v of [1, 2, 3]) c.remember(`k${v}`, { keyId: `obk2.v${v}`, transitVersion: v }, new Uint8Array(32).fill(v), "decrypt");
  return c;
};
const transitAnswering = (answer: () => Promise<KeyMetadata>): TransitClient =>
  ({ readKey: answer, readDisableUpsert: async () => true, encrypt: async () => ({ ciphertext: "", keyVersion: 0 }), decrypt: async () => new Uint8Array() }) as TransitClient;

test("a key read that archives v1 and no longer lists v2 prunes both; v3 stays", async () => {
  const c = filled();
  const t = pruningKeyReads(transitAnswering(async () => meta({ minDecryptionVersion: 2, createdAtUnix: new Map([[3, 3]]) })), c);
  await t.readKey();
  expect([c.holds("k1"), c.holds("k2"), c.holds("k3")]).toEqual([false, false, true]);
});

for (const kind of ["not_found", "key_soft_deleted", "permission_denied"] as const) {
  test(`a key read answered ${kind} empties the cache`, async () => {
    const c = filled();
    const t = pruningKeyReads(transitAnswering(async () => Promise.reject(new TransitError(kind, "transit.read_key", 403))), c);
    await expect(t.readKey()).rejects.toBeInstanceOf(TransitError);
    expect(c.stats().entries).toBe(0);
  });
}

test("an outage during a key read keeps the cache (that is when it is needed)", async () => {
  const c = filled();
  const t = pruningKeyReads(transitAnswering(async () => Promise.reject(new TransitError("connection_failed", "transit.read_key"))), c);
  await expect(t.readKey()).rejects.toBeInstanceOf(TransitError);
  expect(c.stats().entries).toBe(3);
});

test("a registry publication drops key_ids it no longer resolves", () => {
  const c = filled();
  pruneToRegistry(c, { lookup: (id) => (id === "obk2.v1" ? undefined : ({} as never)) });
  expect([c.holds("k1"), c.holds("k2"), c.holds("k3")]).toEqual([false, true, true]);
});

test("off by default; on with decrypt_seed_ttl; the wait is three quarters of openbao.timeout", async () => {
  const minimal = await Bun.file(`${import.meta.dir}/../fixtures/config/minimal.toml`).text();
  expect(seedCacheFromConfig(parseConfigText(minimal), manualClock())).toBeUndefined();
  const config = parseConfigText(`${minimal}\n[cache]\ndecrypt_seed_ttl = "5m"\n`);
  expect(seedCacheFromConfig(config, manualClock())).toBeInstanceOf(SeedCache);
  expect(seedCacheWaitMs(config)).toBe(Math.floor(config.openbao.timeoutMs * 0.75));
});
