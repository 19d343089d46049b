// Kubernetes' protobuf storage encoding of an object: the "k8s\0" magic, then runtime.Unknown
// {typeMeta, raw}, with raw the typed object. We decode the two kinds `recover` renders, Secret
// and ConfigMap; for anything else the stored bytes are kept as they are.

import { k8sobjects } from "../gen/k8s/api.js";

const MAGIC = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

export interface Metadata {
  readonly name: string;
  readonly namespace: string;
  readonly labels: ReadonlyMap<string, string>;
  readonly annotations: ReadonlyMap<string, string>;
}

export type DecodedObject =
  | { readonly kind: "Secret"; readonly metadata: Metadata; readonly type: string; readonly immutable?: boolean; readonly data: ReadonlyMap<string, Uint8Array> }
  | { readonly kind: "ConfigMap"; readonly metadata: Metadata; readonly immutable?: boolean; readonly data: ReadonlyMap<string, string>; readonly binaryData: ReadonlyMap<string, Uint8Array> }
  | { readonly kind: "other"; readonly apiVersion: string; readonly typeKind: string };

export class ObjectDecodeError extends Error {
  override name = "ObjectDecodeError";
}

/** Presence of an optional proto2 field (static code puts defaults on the prototype). */
const has = (o: object, field: string) => Object.prototype.hasOwnProperty.call(o, field);

const sorted = <V>(o: Record<string, V> | null | undefined): ReadonlyMap<string, V> => new Map(Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function metadataOf(m: k8sobjects.IObjectMeta | null | undefined): Metadata {
  return { name: m?.name ?? "", namespace: m?.namespace ?? "", labels: sorted(m?.labels), annotations: sorted(m?.annotations) };
}

/** The type and object inside a Kubernetes protobuf value (after decryption). */
export function decodeObject(plaintext: Uint8Array): DecodedObject {
  if (plaintext.length < MAGIC.length || !MAGIC.every((b, i) => plaintext[i] === b)) {
    throw new ObjectDecodeError("the value is not Kubernetes protobuf (no k8s\\0 magic); JSON-stored objects are kept as they are");
  }
  let unknown: k8sobjects.Unknown;
  try {
    unknown = k8sobjects.Unknown.decode(plaintext.subarray(MAGIC.length));
  } catch {
    throw new ObjectDecodeError("the runtime.Unknown wrapper does not decode");
  }
  const apiVersion = unknown.typeMeta?.apiVersion ?? "";
  const kind = unknown.typeMeta?.kind ?? "";
  if ((unknown.contentEncoding ?? "") !== "" || !["", "application/vnd.kubernetes.protobuf"].includes(unknown.contentType ?? "")) {
    return { kind: "other", apiVersion, typeKind: kind };
  }
  const raw = unknown.raw ?? new Uint8Array();
  try {
    if (apiVersion === "v1" && kind === "Secret") {
      const s = k8sobjects.Secret.decode(raw);
      return { kind: "Secret", metadata: metadataOf(s.metadata), type: s.type ?? "", ...(has(s, "immutable") ? { immutable: s.immutable } : {}), data: sorted(s.data) };
    }
    if (apiVersion === "v1" && kind === "ConfigMap") {
      const c = k8sobjects.ConfigMap.decode(raw);
      return { kind: "ConfigMap", metadata: metadataOf(c.metadata), ...(has(c, "immutable") ? { immutable: c.immutable } : {}), data: sorted(c.data), binaryData: sorted(c.binaryData) };
    }
  } catch {
    throw new ObjectDecodeError(`the ${kind} does not decode`);
  }
  return { kind: "other", apiVersion, typeKind: kind };
}
