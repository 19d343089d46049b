// The wire format must reproduce the Go implementation's vectors byte for byte.

import { describe, expect, test } from "bun:test";
import vectors from "../fixtures/wire-format.json" with { type: "json" };
import { canonicalAad } from "../../src/kms/aad.ts";
import { buildAnnotations } from "../../src/kms/annotations.ts";
import { goJsonString } from "../../src/kms/go-json.ts";
import { hashValue } from "../../src/kms/hash.ts";
import { deriveKeyId, isWellFormedKeyId } from "../../src/kms/key-id.ts";
import type { KeyScope, KeySnapshot } from "../../src/kms/snapshot.ts";

function snapshotOf(input: (typeof vectors)[number]["input"]): KeySnapshot {
  const scope: KeyScope = {
    providerName: input.provider_name,
    clusterId: input.cluster_id,
    openbaoInstanceId: input.openbao_instance_id,
    openbaoNamespace: input.openbao_namespace,
    transitMountId: input.transit_mount_id,
    keyLineageId: input.key_lineage_id,
  };
  const keyId = deriveKeyId(scope, input.transit_version, input.transit_version_created_unix);
  return { scope, transitVersion: input.transit_version, createdAtUnix: input.transit_version_created_unix, keyId, state: "active" };
}

describe.each(vectors.map((v, i) => [i, v] as const))("vector %d", (_i, vector) => {
  const snap = snapshotOf(vector.input);

  test("key_id", () => {
    expect(snap.keyId).toBe(vector.key_id);
    expect(snap.keyId.length).toBe(48);
    expect(isWellFormedKeyId(snap.keyId)).toBe(true);
  });

  test("canonical AAD bytes and base64", () => {
    const aad = canonicalAad(snap);
    expect(new TextDecoder().decode(aad)).toBe(vector.aad);
    expect(Buffer.from(aad).toString("base64")).toBe(vector.aad_base64);
  });

  test("annotations (plugin-version aside) in full", () => {
    const built = buildAnnotations(snap, "9.9.9");
    expect(built.get("plugin-version.kms.openbao.org")).toBe("9.9.9");
    built.delete("plugin-version.kms.openbao.org");
    expect(Object.fromEntries(built)).toEqual(vector.annotations_without_plugin_version as Record<string, string>);
  });
});

describe("key_id derivation details", () => {
  const base = snapshotOf(vectors[0]!.input).scope;

  test("every input part changes the key_id", () => {
    const ref = deriveKeyId(base, 1, 1700000000);
    const variants = [
      deriveKeyId({ ...base, providerName: base.providerName + "x" }, 1, 1700000000),
      deriveKeyId({ ...base, clusterId: base.clusterId + "x" }, 1, 1700000000),
      deriveKeyId({ ...base, openbaoInstanceId: base.openbaoInstanceId + "x" }, 1, 1700000000),
      deriveKeyId({ ...base, openbaoNamespace: "ns" }, 1, 1700000000),
      deriveKeyId({ ...base, transitMountId: base.transitMountId + "x" }, 1, 1700000000),
      deriveKeyId({ ...base, keyLineageId: base.keyLineageId + "x" }, 1, 1700000000),
      deriveKeyId(base, 2, 1700000000),
      deriveKeyId(base, 1, 1700000001),
    ];
    for (const v of variants) expect(v).not.toBe(ref);
    expect(new Set(variants).size).toBe(variants.length);
  });

  test("NUL terminators keep adjacent parts from running together", () => {
    const a = deriveKeyId({ ...base, providerName: "ab", clusterId: "c" }, 1, 1700000000);
    const b = deriveKeyId({ ...base, providerName: "a", clusterId: "bc" }, 1, 1700000000);
    expect(a).not.toBe(b);
  });

  test("rejects inputs the format forbids", () => {
    expect(() => deriveKeyId(base, 0, 1700000000)).toThrow(RangeError);
    expect(() => deriveKeyId(base, 1, 0)).toThrow(RangeError);
    expect(() => deriveKeyId({ ...base, clusterId: "" }, 1, 1700000000)).toThrow(RangeError);
  });

  test.each([
    ["", false],
    ["obk2.", false],
    ["obk1.amjU8G5aqZs0RXYcJhz9ztFBr58lBHhsPJc9nAWgTN8", false],
    ["obk2.amjU8G5aqZs0RXYcJhz9ztFBr58lBHhsPJc9nAWgTN8=", false],
    ["obk2.amjU8G5aqZs0RXYcJhz9ztFBr58lBHhsPJc9nAWgT+8", false],
    ["obk2.amjU8G5aqZs0RXYcJhz9ztFBr58lBHhsPJc9nAWgTN8", true],
  ])("isWellFormedKeyId(%p) = %p", (id, ok) => {
    expect(isWellFormedKeyId(id)).toBe(ok);
  });
});

describe("Go-style JSON escaping", () => {
  test.each([
    ["plain", '"plain"'],
    ["a<b>c&d", '"a\\u003cb\\u003ec\\u0026d"'],
    ["line\u2028sep\u2029", '"line\\u2028sep\\u2029"'],
    ['q"b\\', '"q\\"b\\\\"'],
    ["\n\r\t\u0001\u001f", '"\\n\\r\\t\\u0001\\u001f"'],
    ["ünïcødé 😀", '"ünïcødé 😀"'],
    ["lone \ud800 surrogate", '"lone \ufffd surrogate"'],
  ])("%p", (input, expected) => {
    expect(goJsonString(input)).toBe(expected);
  });

  test("a provider name with HTML characters is escaped inside the AAD", () => {
    const snap = snapshotOf({ ...vectors[0]!.input, provider_name: "kms<&>" });
    const aad = new TextDecoder().decode(canonicalAad(snap));
    expect(aad).toContain('"provider_name":"kms\\u003c\\u0026\\u003e"');
    expect(aad).not.toContain("<");
  });

  test("H() is 43 base64url chars", () => {
    expect(hashValue("")).toBe("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    expect(hashValue("x")).toHaveLength(43);
  });
});
