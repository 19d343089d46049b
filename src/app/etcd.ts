// The one place an etcd client is wired: [etcd] from the config, with command-line overrides
// named like kube-apiserver's flags, and the PEM files read with a size cap.

import type { EtcdConfig } from "../config/etcd-schema.ts";
import { readFailureReason, readFileCapped } from "../config/read-file.ts";
import { createEtcdClient, type EtcdClient } from "../etcd/client.ts";

const maxPemBytes = 1024 * 1024;

export class EtcdSetupError extends Error {
  override name = "EtcdSetupError";
}

/** --etcd-* flags; each replaces its [etcd] value when given. */
export interface EtcdOverrides {
  readonly endpoints?: string;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly prefix?: string;
}

export function effectiveEtcdConfig(base: EtcdConfig, o: EtcdOverrides): EtcdConfig {
  return {
    ...base,
    ...(o.endpoints === undefined ? {} : { endpoints: o.endpoints.split(",").map((s) => s.trim()).filter((s) => s !== "") }),
    ...(o.caFile === undefined ? {} : { caFile: o.caFile }),
    ...(o.certFile === undefined ? {} : { certFile: o.certFile }),
    ...(o.keyFile === undefined ? {} : { keyFile: o.keyFile }),
    ...(o.prefix === undefined ? {} : { prefix: o.prefix }),
  };
}

async function readPem(what: string, path: string): Promise<string | undefined> {
  if (path === "") return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await readFileCapped(path, maxPemBytes);
  } catch (e) {
    throw new EtcdSetupError(`${what} ${path}: ${readFailureReason(e)}`);
  }
  if (bytes.length > maxPemBytes) throw new EtcdSetupError(`${what} ${path} is larger than ${maxPemBytes} bytes`);
  const text = new TextDecoder().decode(bytes);
  if (!text.includes("-----BEGIN ")) throw new EtcdSetupError(`${what} ${path} holds no PEM block`);
  return text;
}

/** Checks the effective settings and connects (lazily: the first request dials). */
export async function etcdClientFor(c: EtcdConfig): Promise<EtcdClient> {
  if (c.endpoints.length === 0) throw new EtcdSetupError("no etcd endpoints: set [etcd] endpoints in the config or pass --etcd-endpoints");
  for (const e of c.endpoints) if (!/^https?:\/\/[^/]+:\d+$/.test(e)) throw new EtcdSetupError(`etcd endpoint ${JSON.stringify(e)} must be https://host:port`);
  if (!c.prefix.startsWith("/") || c.prefix.endsWith("/")) throw new EtcdSetupError('the etcd prefix must start with "/" and not end with one');
  if ((c.certFile === "") !== (c.keyFile === "")) throw new EtcdSetupError("give both the etcd client certificate and its key, or neither");
  const [caPem, certPem, keyPem] = [await readPem("etcd CA file", c.caFile), await readPem("etcd client certificate", c.certFile), await readPem("etcd client key", c.keyFile)];
  return createEtcdClient({
    endpoints: c.endpoints,
    requestTimeoutMs: c.requestTimeoutMs,
    ...(caPem === undefined ? {} : { caPem }),
    ...(certPem === undefined ? {} : { certPem }),
    ...(keyPem === undefined ? {} : { keyPem }),
  });
}
