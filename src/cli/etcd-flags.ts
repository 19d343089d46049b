// The --etcd-* flags the etcd-aware commands share, named like kube-apiserver's own, and the
// connection they make from them.
import { etcdClientFor, EtcdSetupError, type EtcdOverrides } from "../app/etcd.ts";
import type { EtcdConfig } from "../config/etcd-schema.ts";
import { type EtcdClient, EtcdError } from "../etcd/client.ts";
import { CliError, exitCodes } from "./exit-codes.ts";

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

/** Connects with the effective settings; unusable settings (no endpoints, unreadable PEM files) end the command with exit 3. */
export async function connectEtcdOrExit(settings: EtcdConfig): Promise<EtcdClient> {
  try {
    return await etcdClientFor(settings);
  } catch (e) {
    if (e instanceof EtcdSetupError || e instanceof EtcdError) throw new CliError(exitCodes.config, e.message);
    throw e;
  }
}
