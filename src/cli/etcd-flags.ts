// The --etcd-* flags the etcd-aware commands share, named like kube-apiserver's own.
import type { EtcdOverrides } from "../app/etcd.ts";

export const etcdFlags = {
  "etcd-endpoints": { type: "string", value: "URLS", description: "comma-separated https://host:port list (replaces [etcd] endpoints)" },
  "etcd-cafile": { type: "string", value: "PATH", description: "CA bundle for etcd's certificate (kube-apiserver --etcd-cafile)" },
  "etcd-certfile": { type: "string", value: "PATH", description: "client certificate (kube-apiserver --etcd-certfile)" },
  "etcd-keyfile": { type: "string", value: "PATH", description: "client key (kube-apiserver --etcd-keyfile)" },
  "etcd-prefix": { type: "string", value: "PREFIX", description: 'key prefix (kube-apiserver --etcd-prefix; [etcd] prefix, else "/registry")' },
} as const;

export function etcdOverrides(f: { readonly [K in keyof typeof etcdFlags]: string | undefined }): EtcdOverrides {
  return {
    ...(f["etcd-endpoints"] === undefined ? {} : { endpoints: f["etcd-endpoints"] }),
    ...(f["etcd-cafile"] === undefined ? {} : { caFile: f["etcd-cafile"] }),
    ...(f["etcd-certfile"] === undefined ? {} : { certFile: f["etcd-certfile"] }),
    ...(f["etcd-keyfile"] === undefined ? {} : { keyFile: f["etcd-keyfile"] }),
    ...(f["etcd-prefix"] === undefined ? {} : { prefix: f["etcd-prefix"] }),
  };
}
