// A `kubectl apply`-able YAML manifest for a recovered Secret or ConfigMap. Deterministic: keys in
// byte order, every string double-quoted the JSON way (YAML 1.2 reads JSON strings as they are),
// and only what a new cluster accepts: name, namespace, labels, annotations, type, immutable,
// data. Server-set fields (uid, resourceVersion, timestamps, managedFields) are left out.

import type { DecodedObject, Metadata } from "./objects.ts";

const q = (s: string) => JSON.stringify(s);
const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");

function block(lines: string[], key: string, map: ReadonlyMap<string, string>, indent: string): void {
  if (map.size === 0) return;
  lines.push(`${indent}${key}:`);
  for (const [k, v] of map) lines.push(`${indent}  ${q(k)}: ${q(v)}`);
}

function metadata(lines: string[], m: Metadata): void {
  lines.push("metadata:");
  lines.push(`  name: ${q(m.name)}`);
  if (m.namespace !== "") lines.push(`  namespace: ${q(m.namespace)}`);
  block(lines, "labels", m.labels, "  ");
  block(lines, "annotations", m.annotations, "  ");
}

const encoded = (m: ReadonlyMap<string, Uint8Array>) => new Map([...m].map(([k, v]) => [k, b64(v)]));

/** The manifest text, ending in a newline; undefined for kinds we do not render. */
export function renderManifest(o: DecodedObject): string | undefined {
  if (o.kind === "other") return undefined;
  const lines = ["apiVersion: v1", `kind: ${o.kind}`];
  metadata(lines, o.metadata);
  if (o.kind === "Secret") {
    if (o.type !== "") lines.push(`type: ${q(o.type)}`);
    if (o.immutable !== undefined) lines.push(`immutable: ${o.immutable}`);
    block(lines, "data", encoded(o.data), "");
  } else {
    if (o.immutable !== undefined) lines.push(`immutable: ${o.immutable}`);
    block(lines, "data", o.data, "");
    block(lines, "binaryData", encoded(o.binaryData), "");
  }
  return `${lines.join("\n")}\n`;
}
