// Contract tests for the KMS use cases: validation order, and that bad input never reaches Transit.

import { beforeEach, describe, expect, test } from "bun:test";
import { KmsError, TransitError } from "../../src/kms/errors.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { KmsService, type EncryptResult } from "../../src/kms/service.ts";
import type { KeyScope, KeySnapshot } from "../../src/kms/snapshot.ts";
import { staticKeySet } from "../../src/keys/from-metadata.ts";
import { fakeTransit, type FakeTransit } from "../helpers/fake-transit.ts";

const scope: KeyScope = {
  providerName: "openbao-kms",
  clusterId: "c1",
  openbaoInstanceId: "bao-1",
  openbaoNamespace: "",
  transitMountId: "mount-uuid",
  keyLineageId: "0123456789abcdef0123456789abcdef",
};
const snap = (v: number, state: KeySnapshot["state"]): KeySnapshot => ({
  scope,
  transitVersion: v,
  createdAtUnix: 1700000000 + v,
  keyId: deriveKeyId(scope, v, 1700000000 + v),
  state,
});
const v1 = snap(1, "retired");
const v2 = snap(2, "active");
const never = new AbortController().signal;

let transit: FakeTransit;
let service: KmsService;
beforeEach(() => {
  transit = fakeTransit();
  const keys = staticKeySet([v2, v1]);
  service = new KmsService({ transit, keys, status: keys, pluginVersion: "1.2.3", requestTimeoutMs: 200 });
});

const kind = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof KmsError || e instanceof TransitError) return e.kind;
    throw e;
  }
  return "ok";
};

const encrypt = (pt = new Uint8Array(32).fill(7)) => service.encrypt({ plaintext: pt }, never);
const toDecrypt = (r: EncryptResult, patch: Partial<{ keyId: string; ciphertext: Uint8Array; annotations: Record<string, string> }> = {}) => {
  const ann = patch.annotations ?? Object.fromEntries(r.annotations);
  return {
    ciphertext: patch.ciphertext ?? r.ciphertext,
    keyId: patch.keyId ?? r.keyId,
    annotations: Object.entries(ann).map(([k, v]) => [k, new TextEncoder().encode(v)] as const),
  };
};

describe("Status", () => {
  test("healthy: v2, ok, active key_id", () => {
    expect(service.status()).toEqual({ version: "v2", healthz: "ok", keyId: v2.keyId });
  });
  test("unhealthy source → empty key_id, reason passed through", () => {
    const s = new KmsService({ transit, keys: staticKeySet([]), status: { current: () => ({ healthz: "upsert allowed", keyId: "x", active: v2 }) }, pluginVersion: "1", requestTimeoutMs: 0 });
    expect(s.status()).toEqual({ version: "v2", healthz: "upsert allowed", keyId: "" });
  });
  test("ok but inconsistent cache → unhealthy", () => {
    const s = new KmsService({ transit, keys: staticKeySet([]), status: { current: () => ({ healthz: "ok", keyId: v1.keyId, active: v2 }) }, pluginVersion: "1", requestTimeoutMs: 0 });
    expect(s.status()).toEqual({ version: "v2", healthz: "unhealthy", keyId: "" });
  });
});

describe("Encrypt", () => {
  test("sends an explicit version and the canonical AAD; key_id equals Status key_id", async () => {
    const r = await encrypt();
    expect(transit.lastEncrypt?.keyVersion).toBe(2);
    expect(new TextDecoder().decode(transit.lastEncrypt?.associatedData)).toContain('"key_version":"2"');
    expect(r.keyId).toBe(service.status().keyId);
    expect(r.annotations.get("plugin-version.kms.openbao.org")).toBe("1.2.3");
  });
  test("empty plaintext → plaintext_required, no Transit call", async () => {
    expect(await kind(encrypt(new Uint8Array(0)))).toBe("plaintext_required");
    expect(transit.calls.encrypt).toBe(0);
  });
  test("reply with another key version → transit_invalid_response", async () => {
    transit.replyVersion = 1;
    expect(await kind(encrypt())).toBe("transit_invalid_response");
  });
  test("reply version 0 is accepted", async () => {
    transit.replyVersion = 0;
    expect(await kind(encrypt())).toBe("ok");
  });
  test.each([
    [{ healthz: "unhealthy", keyId: "", active: v2 }, "status_unhealthy"],
    [{ healthz: "ok", keyId: "", active: v2 }, "active_key_unavailable"],
    [{ healthz: "ok", keyId: v2.keyId, active: undefined }, "active_key_unavailable"],
    [{ healthz: "ok", keyId: v2.keyId, active: { ...v2, state: "retired" as const } }, "active_key_unavailable"],
    [{ healthz: "ok", keyId: v1.keyId, active: v2 }, "status_key_id_mismatch"],
  ])("unhealthy or inconsistent cache %# → %s, no Transit call", async (view, expected) => {
    const s = new KmsService({ transit, keys: staticKeySet([]), status: { current: () => view }, pluginVersion: "1", requestTimeoutMs: 0 });
    expect(await kind(s.encrypt({ plaintext: new Uint8Array(1) }, never))).toBe(expected);
    expect(transit.calls.encrypt).toBe(0);
  });
});

describe("Decrypt", () => {
  test("round trip", async () => {
    const r = await encrypt();
    expect(await service.decrypt(toDecrypt(r), never)).toEqual(new Uint8Array(32).fill(7));
  });

  test("older (retired) version still decrypts", async () => {
    const keys = staticKeySet([{ ...v1, state: "active" }, { ...v2, state: "retired" }]);
    const old = new KmsService({ transit, keys, status: keys, pluginVersion: "1", requestTimeoutMs: 0 });
    const r = await old.encrypt({ plaintext: new Uint8Array([1, 2]) }, never);
    expect(await service.decrypt(toDecrypt(r), never)).toEqual(new Uint8Array([1, 2]));
  });

  const cases: Array<[string, (r: EncryptResult) => ReturnType<typeof toDecrypt>, string]> = [
    ["empty ciphertext", (r) => toDecrypt(r, { ciphertext: new Uint8Array(0) }), "ciphertext_required"],
    ["1024-byte ciphertext", (r) => toDecrypt(r, { ciphertext: new Uint8Array(1024).fill(65) }), "request_limit"],
    ["1024-byte key_id", (r) => toDecrypt(r, { keyId: "k".repeat(1024) }), "request_limit"],
    ["annotations ≥ 32 KiB", (r) => toDecrypt(r, { annotations: { ...Object.fromEntries(r.annotations), "big.example.org": "x".repeat(32768) } }), "request_limit"],
    ["empty key_id", (r) => toDecrypt(r, { keyId: "" }), "key_id_malformed"],
    ["malformed key_id", (r) => toDecrypt(r, { keyId: "obk2.not-a-key" }), "key_id_malformed"],
    ["unknown key_id (even with garbage annotations)", (r) => toDecrypt(r, { keyId: deriveKeyId(scope, 9, 1), annotations: { nope: "x" } }), "key_id_unknown"],
    ["no annotations", (r) => toDecrypt(r, { annotations: {} }), "annotations_invalid"],
    ["non-FQDN annotation key", (r) => toDecrypt(r, { annotations: { ...Object.fromEntries(r.annotations), Bad_Key: "x" } }), "annotations_invalid"],
    ["slash annotation key", (r) => toDecrypt(r, { annotations: { ...Object.fromEntries(r.annotations), "kms.openbao.org/provider": "x" } }), "annotations_invalid"],
    ["unknown FQDN annotation is tolerated", (r) => toDecrypt(r, { annotations: { ...Object.fromEntries(r.annotations), "extra.example.org": "x" } }), "ok"],
    ["retired key_id with v2 annotations", (r) => toDecrypt(r, { keyId: v1.keyId }), "annotation_mismatch"],
  ];
  test.each(cases)("%s", async (_name, make, expected) => {
    const r = await encrypt();
    const before = transit.calls.decrypt;
    expect(await kind(service.decrypt(make(r), never))).toBe(expected);
    expect(transit.calls.decrypt - before).toBe(expected === "ok" ? 1 : 0);
  });

  const annotationTampers: Array<[string, string, string]> = [
    ["provider.kms.openbao.org", "vault-transit", "annotations_invalid"],
    ["key-id-hash.kms.openbao.org", "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", "annotation_mismatch"],
    ["key-id-hash.kms.openbao.org", "short", "annotations_invalid"],
    ["transit-key-version.kms.openbao.org", "1", "annotation_mismatch"],
    ["transit-key-version.kms.openbao.org", "0", "annotations_invalid"],
    ["transit-key-version.kms.openbao.org", "two", "annotations_invalid"],
    ["transit-mount-hash.kms.openbao.org", "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", "annotation_mismatch"],
    ["transit-key-hash.kms.openbao.org", "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", "annotation_mismatch"],
    ["plugin-version.kms.openbao.org", "", "annotations_invalid"],
    ["aad-version.kms.openbao.org", "v2", "annotations_invalid"],
  ];
  test.each(annotationTampers)("tampered %s=%p → %s before Transit", async (key, value, expected) => {
    const r = await encrypt();
    const ann = { ...Object.fromEntries(r.annotations), [key]: value };
    expect(await kind(service.decrypt(toDecrypt(r, { annotations: ann }), never))).toBe(expected);
    expect(transit.calls.decrypt).toBe(0);
  });

  test.each(["provider.kms.openbao.org", "key-id-hash.kms.openbao.org", "transit-key-version.kms.openbao.org", "transit-mount-hash.kms.openbao.org", "transit-key-hash.kms.openbao.org", "plugin-version.kms.openbao.org", "aad-version.kms.openbao.org"])(
    "missing %s → annotations_invalid",
    async (key) => {
      const r = await encrypt();
      const ann = Object.fromEntries(r.annotations);
      delete ann[key];
      expect(await kind(service.decrypt(toDecrypt(r, { annotations: ann }), never))).toBe("annotations_invalid");
      expect(transit.calls.decrypt).toBe(0);
    },
  );

  test.each(["47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", "not-a-hash", ""])(
    "no namespace configured: an openbao-namespace-hash annotation (%p) → annotation_mismatch before Transit, as in Go",
    async (value) => {
      const r = await encrypt();
      expect(r.annotations.has("openbao-namespace-hash.kms.openbao.org")).toBe(false);
      const ann = { ...Object.fromEntries(r.annotations), "openbao-namespace-hash.kms.openbao.org": value };
      expect(await kind(service.decrypt(toDecrypt(r, { annotations: ann }), never))).toBe("annotation_mismatch");
      expect(transit.calls.decrypt).toBe(0);
    },
  );

  test("plugin-version is not compared (ciphertext survives upgrades)", async () => {
    const r = await encrypt();
    const ann = { ...Object.fromEntries(r.annotations), "plugin-version.kms.openbao.org": "0.0.1-old" };
    expect(await kind(service.decrypt(toDecrypt(r, { annotations: ann }), never))).toBe("ok");
  });

  test("invalid UTF-8 annotation value → annotations_invalid", async () => {
    const r = await encrypt();
    const req = toDecrypt(r);
    req.annotations.push(["bin.example.org", new Uint8Array([0xff, 0xfe])] as const);
    expect(await kind(service.decrypt(req, never))).toBe("annotations_invalid");
    expect(transit.calls.decrypt).toBe(0);
  });

  test("Transit AAD mismatch surfaces as decrypt_failed", async () => {
    const r = await encrypt();
    transit.failWith = new TransitError("decrypt_failed", "transit.decrypt", 400);
    expect(await kind(service.decrypt(toDecrypt(r), never))).toBe("decrypt_failed");
  });

  test("a hung Transit → timeout at the request deadline", async () => {
    const r = await encrypt();
    transit.failWith = "hang";
    const t0 = performance.now();
    expect(await kind(service.decrypt(toDecrypt(r), never))).toBe("timeout");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  test("a client cancel → canceled", async () => {
    const r = await encrypt();
    transit.failWith = "hang";
    const ac = new AbortController();
    setTimeout(() => ac.abort(new DOMException("gone", "AbortError")), 20);
    expect(await kind(service.decrypt(toDecrypt(r), ac.signal))).toBe("canceled");
  });

  test("discovery failure → key_metadata_refresh_failed; success but still unknown → key_id_unknown", async () => {
    const keys = staticKeySet([v2]);
    let attempts = 0;
    const withDiscovery = (fail: boolean) =>
      new KmsService({ transit, keys, status: keys, pluginVersion: "1", requestTimeoutMs: 0, discovery: { refreshForDecrypt: async () => { attempts++; if (fail) throw new Error("boom"); } } });
    const r = await withDiscovery(false).encrypt({ plaintext: new Uint8Array([1]) }, never);
    const unknown = toDecrypt(r, { keyId: v1.keyId });
    expect(await kind(withDiscovery(true).decrypt(unknown, never))).toBe("key_metadata_refresh_failed");
    expect(await kind(withDiscovery(false).decrypt(unknown, never))).toBe("key_id_unknown");
    expect(await kind(withDiscovery(false).decrypt(toDecrypt(r, { keyId: "bad" }), never))).toBe("key_id_malformed");
    expect(attempts).toBe(2);
  });
});

describe("Decrypt with a namespace configured", () => {
  const nsScope: KeyScope = { ...scope, openbaoNamespace: "team-a" };
  const active: KeySnapshot = { scope: nsScope, transitVersion: 1, createdAtUnix: 1700000001, keyId: deriveKeyId(nsScope, 1, 1700000001), state: "active" };
  const key = "openbao-namespace-hash.kms.openbao.org";
  let ns: KmsService;
  let nsTransit: FakeTransit;
  beforeEach(() => {
    nsTransit = fakeTransit();
    const keys = staticKeySet([active]);
    ns = new KmsService({ transit: nsTransit, keys, status: keys, pluginVersion: "1.2.3", requestTimeoutMs: 200 });
  });

  test("Encrypt adds the namespace hash and Decrypt round-trips", async () => {
    const r = await ns.encrypt({ plaintext: new Uint8Array(32).fill(3) }, never);
    expect(r.annotations.get(key)).toHaveLength(43);
    expect(await kind(ns.decrypt(toDecrypt(r), never))).toBe("ok");
  });

  test.each([
    ["missing", undefined],
    ["another namespace's hash", "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"],
    ["malformed", "x"],
  ])("namespace hash %s → annotation_mismatch before Transit", async (_name, value) => {
    const r = await ns.encrypt({ plaintext: new Uint8Array(32).fill(3) }, never);
    const ann: Record<string, string> = Object.fromEntries(r.annotations);
    if (value === undefined) delete ann[key];
    else ann[key] = value;
    expect(await kind(ns.decrypt(toDecrypt(r, { annotations: ann }), never))).toBe("annotation_mismatch");
    expect(nsTransit.calls.decrypt).toBe(0);
  });
});

describe("Encrypt's response bound is checked before Transit", () => {
  // "vault:v2:" (9) + base64 of 12 + n + 16 bytes must stay under 1024: 4 base64 characters
  // per 3 bytes, so at most 253 groups, 759 bytes, n = 731.
  const fits = 3 * Math.floor((1023 - 9) / 4) - 28;
  test("the largest plaintext whose ciphertext fits is sent; one byte more is INVALID_ARGUMENT with no call", async () => {
    expect(await kind(encrypt(new Uint8Array(fits).fill(1)))).toBe("ok");
    expect(transit.calls.encrypt).toBe(1);
    expect(fits).toBe(731);
    expect(await kind(encrypt(new Uint8Array(fits + 1).fill(1)))).toBe("request_limit");
    expect(await kind(encrypt(new Uint8Array(1000).fill(1)))).toBe("request_limit");
    expect(transit.calls.encrypt).toBe(1);
  });
});
