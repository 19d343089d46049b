// Decoding Kubernetes' protobuf objects and rendering them as manifests, byte for byte.

import { expect, test } from "bun:test";
import { renderManifest } from "../../src/k8s/manifest.ts";
import { decodeObject, ObjectDecodeError } from "../../src/k8s/objects.ts";
import { objectPath, safeSegment } from "../../src/k8s/keys.ts";
import { configMapBytes, secretBytes } from "../support/k8s-objects.ts";

const enc = new TextEncoder();

test("a Secret becomes the expected manifest (server-set fields left out, keys sorted)", () => {
  const bytes = secretBytes({
    name: "db-credentials", namespace: "prod",
    labels: { "app.kubernetes.io/name": "db", tier: "data" },
    annotations: { "note": 'quote " and\nnewline' },
    type: "Opaque",
    data: { username: enc.encode("admin"), password: Uint8Array.of(0, 1, 2, 255) },
  });
  expect(renderManifest(decodeObject(bytes))).toBe(
    [
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      '  name: "db-credentials"',
      '  namespace: "prod"',
      "  labels:",
      '    "app.kubernetes.io/name": "db"',
      '    "tier": "data"',
      "  annotations:",
      '    "note": "quote \\" and\\nnewline"',
      'type: "Opaque"',
      "data:",
      '  "password": "AAEC/w=="',
      '  "username": "YWRtaW4="',
      "",
    ].join("\n"),
  );
});

test("immutable is rendered only when it was stored", () => {
  const withIt = renderManifest(decodeObject(secretBytes({ name: "a", namespace: "n", immutable: false, data: {} })));
  const without = renderManifest(decodeObject(secretBytes({ name: "a", namespace: "n", data: {} })));
  expect(withIt).toContain("immutable: false\n");
  expect(without).not.toContain("immutable");
});

test("a ConfigMap with data and binaryData", () => {
  const text = renderManifest(decodeObject(configMapBytes({ name: "cfg", namespace: "default", data: { "a.conf": "x=1\n" }, binaryData: { blob: Uint8Array.of(7) } })));
  expect(text).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "cfg"\n  namespace: "default"\ndata:\n  "a.conf": "x=1\\n"\nbinaryData:\n  "blob": "Bw=="\n');
});

test("not Kubernetes protobuf, or a broken wrapper, is a clear error", () => {
  expect(() => decodeObject(enc.encode('{"kind":"Secret"}'))).toThrow(ObjectDecodeError);
  expect(() => decodeObject(Uint8Array.of(0x6b, 0x38, 0x73, 0, 0xff, 0xff))).toThrow("runtime.Unknown");
});

test("etcd keys split into resource and the rest; unsafe segments are encoded", () => {
  expect(objectPath(enc.encode("/registry/secrets/ns/name"), "/registry")).toEqual({ resource: "secrets", rest: ["ns", "name"] });
  expect(objectPath(enc.encode("/other/secrets/ns/name"), "/registry")).toBeUndefined();
  expect(safeSegment("db-credentials")).toBe("db-credentials");
  expect(safeSegment("..")).toMatch(/^_/);
  expect(safeSegment("a/b")).toMatch(/^_/);
  expect(safeSegment("Upper")).toMatch(/^_/);
});
