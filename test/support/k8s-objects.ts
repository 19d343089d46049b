// Test-only: Kubernetes' protobuf storage bytes for a Secret or ConfigMap ("k8s\0" + runtime.Unknown
// wrapping the typed object), as kube-apiserver writes them before encryption.

import { k8sobjects } from "../../src/gen/k8s/api.js";

export interface SecretSpec {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  type?: string;
  immutable?: boolean;
  data: Record<string, Uint8Array>;
  /** Server-set fields the manifest must leave out. */
  uid?: string;
  resourceVersion?: string;
}

function wrap(kind: string, raw: Uint8Array): Uint8Array {
  const body = k8sobjects.Unknown.encode({ typeMeta: { apiVersion: "v1", kind }, raw, contentEncoding: "", contentType: "" }).finish();
  return Buffer.concat([Uint8Array.of(0x6b, 0x38, 0x73, 0x00), body]);
}

export function secretBytes(s: SecretSpec): Uint8Array {
  const metadata = { name: s.name, namespace: s.namespace, labels: s.labels ?? {}, annotations: s.annotations ?? {}, uid: s.uid ?? "0b7c1e2a-0000-4000-8000-000000000001", resourceVersion: s.resourceVersion ?? "12345", creationTimestamp: { seconds: 1764720000, nanos: 0 } };
  const secret: k8sobjects.ISecret = { metadata, data: s.data, ...(s.type === undefined ? {} : { type: s.type }), ...(s.immutable === undefined ? {} : { immutable: s.immutable }) };
  return wrap("Secret", k8sobjects.Secret.encode(secret).finish());
}

export function configMapBytes(c: { name: string; namespace: string; data: Record<string, string>; binaryData?: Record<string, Uint8Array> }): Uint8Array {
  return wrap("ConfigMap", k8sobjects.ConfigMap.encode({ metadata: { name: c.name, namespace: c.namespace }, data: c.data, binaryData: c.binaryData ?? {} }).finish());
}
