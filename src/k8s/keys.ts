// kube-apiserver's etcd key layout: <prefix>/<resource>/<namespace>/<name> for namespaced
// objects, <prefix>/<resource>/<name> for cluster-scoped ones, where <resource> may carry its
// API group ("apiregistration.k8s.io/apiservices"). Only the shape is read, nothing is trusted:
// every segment used in a file name is checked.

export interface ObjectPath {
  /** The first segment after the prefix ("secrets", "configmaps", or an API group). */
  readonly resource: string;
  /** The segments after the resource, e.g. [namespace, name]. */
  readonly rest: readonly string[];
}

const decoder = new TextDecoder("utf-8", { fatal: false });

/** Splits an etcd key under `prefix` ("/registry"); undefined when the key is not under it. */
export function objectPath(key: Uint8Array, prefix: string): ObjectPath | undefined {
  const text = decoder.decode(key);
  const base = prefix.endsWith("/") ? prefix : `${prefix}/`;
  if (!text.startsWith(base)) return undefined;
  const parts = text.slice(base.length).split("/");
  const [resource, ...rest] = parts;
  if (resource === undefined || resource === "") return undefined;
  return { resource, rest };
}

/** A path segment safe as a file name: Kubernetes names are DNS subdomains; anything else is encoded. */
export function safeSegment(s: string): string {
  if (/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(s) && !s.includes("..")) return s;
  return `_${Buffer.from(s, "utf8").toString("hex").slice(0, 240)}`;
}
