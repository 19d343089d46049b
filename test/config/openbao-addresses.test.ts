// openbao.addresses: several endpoints of one cluster, instead of openbao.address; and [cache].
import { describe, expect, test } from "bun:test";
import { parseConfigText } from "../../src/config/load.ts";
import { serverNameFor } from "../../src/config/openbao-schema.ts";
import { failingText, fixtureText, pathsAndMessages } from "./fixture.ts";

const minimal = await fixtureText("minimal.toml");
const addressLine = /^address = .*$/m;
const withAddresses = (list: string, drop = true) => minimal.replace(addressLine, drop ? `addresses = ${list}` : `$&\naddresses = ${list}`);

test("a single address: addresses is [address], health interval defaults to 5s, the seed cache is off", () => {
  const c = parseConfigText(minimal);
  expect(c.openbao.addresses).toEqual([c.openbao.address]);
  expect(c.openbao.healthCheckIntervalMs).toBe(5_000);
  expect(c.cache).toEqual({ decryptSeedTtlMs: 0, decryptSeedMaxEntries: 1024, decryptSeedMaxBytes: 1_048_576 });
});

test("several addresses, normalised, in order; address is the first", () => {
  const c = parseConfigText(withAddresses('["https://Bao-1.example:8200/", "https://bao-2.example:8200", "https://10.0.0.3"]'));
  expect(c.openbao.addresses).toEqual(["https://bao-1.example:8200", "https://bao-2.example:8200", "https://10.0.0.3"]);
  expect(c.openbao.address).toBe("https://bao-1.example:8200");
});

test("tls_server_name is optional with addresses: each endpoint is then checked against its own host", () => {
  const text = withAddresses('["https://bao-1.example:8200", "https://[::1]:8200"]').replace(/^tls_server_name = .*$/m, "");
  const c = parseConfigText(text);
  expect(c.openbao.tlsServerName).toBe("");
  expect(c.openbao.addresses.map((a) => serverNameFor(c.openbao, a))).toEqual(["bao-1.example", "::1"]);
  const named = parseConfigText(withAddresses('["https://bao-1.example:8200"]'));
  expect(serverNameFor(named.openbao, "https://bao-1.example:8200")).toBe(named.openbao.tlsServerName);
});

describe("mistakes", () => {
  const cases: Array<[string, string, string]> = [
    [withAddresses('["https://a:8200"]', false), "openbao.addresses", "give either openbao.address or openbao.addresses, not both"],
    [withAddresses("[]"), "openbao.addresses", "must list 1 to 7 addresses"],
    [withAddresses(`[${Array.from({ length: 8 }, (_, i) => `"https://b${i}:8200"`).join(", ")}]`), "openbao.addresses", "must list 1 to 7 addresses"],
    [withAddresses('"https://a:8200"'), "openbao.addresses", "must be an array of https URLs, got a string"],
    [withAddresses('["https://a:8200", "http://b:8200"]'), "openbao.addresses", "entry 2 must use https"],
    [withAddresses('["https://a:8200", "https://A:8200/"]'), "openbao.addresses", "entry 2 repeats https://a:8200"],
    [withAddresses("[1]"), "openbao.addresses[0]", "must be a string, got an integer"],
    [minimal.replace(addressLine, ""), "openbao.address", "is required"],
    [minimal.replace(/^timeout = .*$/m, "").replace(/^\[openbao\]$/m, '[openbao]\nhealth_check_interval = "100ms"'), "openbao.health_check_interval", "must be at least 1s"],
    [`${minimal}\n[cache]\ndecrypt_seed_ttl = "25h"\n`, "cache.decrypt_seed_ttl", "must not exceed 24h"],
    [`${minimal}\n[cache]\ndecrypt_seed_max_entries = 0\n`, "cache.decrypt_seed_max_entries", "must be between 1 and 65536"],
    [`${minimal}\n[cache]\ndecrypt_seed_max_bytes = 10\n`, "cache.decrypt_seed_max_bytes", "must be between 1024 and 67108864"],
    [`${minimal}\n[cache]\nsurprise = 1\n`, "cache.surprise", "unknown key"],
  ];
  for (const [text, path, message] of cases) {
    test(`${path}: ${message}`, async () => {
      const e = await failingText(text);
      expect(pathsAndMessages(e)).toContainEqual({ path, message });
    });
  }
});

test("[cache] decrypt_seed_ttl turns the cache on", () => {
  const c = parseConfigText(`${minimal}\n[cache]\ndecrypt_seed_ttl = "10m"\ndecrypt_seed_max_entries = 64\ndecrypt_seed_max_bytes = 4096\n`);
  expect(c.cache).toEqual({ decryptSeedTtlMs: 600_000, decryptSeedMaxEntries: 64, decryptSeedMaxBytes: 4096 });
});
