// A read-mostly etcd v3 client over gRPC (grpc-js and the static code in src/gen/etcd): paged
// Range at one fixed revision, so a scan sees one consistent snapshot of the keyspace however
// long it takes, and Put for tests. TLS with a client certificate is what kube-apiserver uses;
// plain http:// endpoints are accepted for a local etcd restored from a snapshot.

import { ChannelCredentials, Client, credentials, Metadata, status as Code, type ServiceError } from "@grpc/grpc-js";
import { isIP } from "node:net";
import { checkServerIdentity } from "node:tls";
import { etcdserverpb } from "../gen/etcd/api.js";

export interface EtcdClientOptions {
  /** "https://host:port" or "http://host:port"; tried in order when one is unreachable. */
  readonly endpoints: readonly string[];
  /** PEM text (not paths): the CA that signed etcd's certificate, and our client certificate and key. */
  readonly caPem?: string;
  readonly certPem?: string;
  readonly keyPem?: string;
  /** Deadline of one RPC, ms. */
  readonly requestTimeoutMs: number;
  /** Largest response accepted, bytes (a page is shrunk when etcd's answer would exceed it). */
  readonly maxResponseBytes?: number;
}

export interface EtcdKeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly modRevision: number;
}

export interface RangePage {
  readonly kvs: readonly EtcdKeyValue[];
  /** The revision every page of this scan is read at. */
  readonly revision: number;
}

export type EtcdErrorKind = "unavailable" | "timeout" | "tls" | "permission" | "compacted" | "too_large" | "failed";

/** An etcd failure, with its class and the endpoint; never carries a value. */
export class EtcdError extends Error {
  constructor(
    readonly kind: EtcdErrorKind,
    readonly endpoint: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`etcd ${endpoint}: ${detail}`, options);
    this.name = "EtcdError";
  }
}

export interface EtcdClient {
  /** Every key with `prefix`, in key order, `pageSize` at a time, at the revision of the first page. */
  scan(prefix: Uint8Array, opts: { readonly pageSize: number; readonly signal?: AbortSignal }): AsyncGenerator<RangePage>;
  /** One key (at the newest revision), or undefined. */
  get(key: Uint8Array, signal?: AbortSignal): Promise<EtcdKeyValue | undefined>;
  put(key: Uint8Array, value: Uint8Array, signal?: AbortSignal): Promise<number>;
  close(): void;
}

// A page must hold at least one value (etcd caps a value at 1.5 MiB by default); 16 MiB keeps the
// peak memory of a scan low whatever the values hold.
const defaultMaxResponseBytes = 16 * 1024 * 1024;

/** The smallest key greater than every key starting with `prefix` (etcd's range_end for a prefix). */
export function prefixRangeEnd(prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return new Uint8Array([0]); // all 0xff: to the end of the keyspace
}

interface Endpoint {
  readonly url: string;
  readonly client: Client;
}

function connect(url: string, opts: EtcdClientOptions): Endpoint {
  const u = new URL(url);
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new EtcdError("failed", url, "endpoint must be https:// or http://");
  const host = u.hostname.replace(/^\[|\]$/g, "");
  // TLS may not send an IP address as the server name (SNI), and kubeadm's etcd listens on
  // https://127.0.0.1:2379: for an IP endpoint the handshake names a placeholder and the
  // certificate is checked against the IP itself (its IP SANs), so nothing is checked less.
  const ipHost = isIP(host) !== 0;
  const creds: ChannelCredentials =
    u.protocol === "http:"
      ? credentials.createInsecure()
      : credentials.createSsl(
          opts.caPem === undefined ? null : Buffer.from(opts.caPem),
          opts.keyPem === undefined ? null : Buffer.from(opts.keyPem),
          opts.certPem === undefined ? null : Buffer.from(opts.certPem),
          ipHost ? { checkServerIdentity: (_name, cert) => checkServerIdentity(host, cert) } : {},
        );
  const client = new Client(u.host, creds, {
    "grpc.max_receive_message_length": opts.maxResponseBytes ?? defaultMaxResponseBytes,
    "grpc.max_send_message_length": 4 * 1024 * 1024,
    ...(ipHost && u.protocol === "https:" ? { "grpc.ssl_target_name_override": "etcd-endpoint.invalid", "grpc.default_authority": u.host } : {}),
  });
  return { url, client };
}

function classify(e: ServiceError, url: string): EtcdError {
  const d = e.details || e.message;
  if (e.code === Code.DEADLINE_EXCEEDED) return new EtcdError("timeout", url, "request timed out", { cause: e });
  if (e.code === Code.RESOURCE_EXHAUSTED) return new EtcdError("too_large", url, "response larger than allowed", { cause: e });
  if (e.code === Code.PERMISSION_DENIED || e.code === Code.UNAUTHENTICATED) return new EtcdError("permission", url, `permission denied (${d})`, { cause: e });
  if (/compacted/i.test(d)) return new EtcdError("compacted", url, "the scan's revision was compacted; run it again", { cause: e });
  if (e.code === Code.UNAVAILABLE && /certificate|handshake|SSL|TLS|alert/i.test(d)) return new EtcdError("tls", url, `TLS handshake failed (${d})`, { cause: e });
  if (e.code === Code.UNAVAILABLE) return new EtcdError("unavailable", url, `unreachable (${d})`, { cause: e });
  return new EtcdError("failed", url, `${Code[e.code] ?? e.code}: ${d}`, { cause: e });
}

const toBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export function createEtcdClient(opts: EtcdClientOptions): EtcdClient {
  if (opts.endpoints.length === 0) throw new EtcdError("failed", "(none)", "no endpoints configured");
  const endpoints = opts.endpoints.map((u) => connect(u, opts));
  let current = 0;

  function once<Req, Res>(ep: Endpoint, path: string, encode: (r: Req) => Uint8Array, decode: (b: Uint8Array) => Res, req: Req, signal?: AbortSignal): Promise<Res> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const call = ep.client.makeUnaryRequest(path, (r: Req) => toBuffer(encode(r)), (b: Buffer) => decode(b), req, new Metadata(), { deadline: Date.now() + opts.requestTimeoutMs }, (err: ServiceError | null, res?: Res) => {
        signal?.removeEventListener("abort", onAbort);
        if (signal?.aborted) reject(signal.reason);
        else if (err) reject(classify(err, ep.url));
        else if (res === undefined) reject(new EtcdError("failed", ep.url, "empty response"));
        else resolve(res);
      });
      const onAbort = () => call.cancel();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** One RPC; an unreachable endpoint hands the call to the next one (each tried once). */
  async function unary<Req, Res>(path: string, encode: (r: Req) => Uint8Array, decode: (b: Uint8Array) => Res, req: Req, signal?: AbortSignal): Promise<Res> {
    let last: unknown;
    for (let tried = 0; tried < endpoints.length; tried++) {
      const ep = endpoints[current] as Endpoint;
      try {
        return await once(ep, path, encode, decode, req, signal);
      } catch (e) {
        if (!(e instanceof EtcdError) || (e.kind !== "unavailable" && e.kind !== "tls")) throw e;
        last = e;
        current = (current + 1) % endpoints.length;
      }
    }
    throw last;
  }

  const range = (req: etcdserverpb.IRangeRequest, signal?: AbortSignal) =>
    unary("/etcdserverpb.KV/Range", (r: etcdserverpb.IRangeRequest) => etcdserverpb.RangeRequest.encode(r).finish(), (b) => etcdserverpb.RangeResponse.decode(b), req, signal);

  const kv = (x: etcdserverpb.IKeyValue): EtcdKeyValue => ({ key: x.key ?? new Uint8Array(), value: x.value ?? new Uint8Array(), modRevision: Number(x.modRevision ?? 0) });

  return {
    async *scan(prefix, { pageSize, signal }) {
      if (!(Number.isInteger(pageSize) && pageSize >= 1)) throw new RangeError("pageSize must be a whole number ≥ 1");
      const rangeEnd = prefixRangeEnd(prefix);
      let key = prefix;
      let revision = 0;
      let limit = pageSize;
      for (;;) {
        let res: etcdserverpb.RangeResponse;
        try {
          res = await range({ key, rangeEnd, limit, revision }, signal);
        } catch (e) {
          // A page of large values can exceed the response bound: the same page, smaller.
          if (e instanceof EtcdError && e.kind === "too_large" && limit > 1) {
            limit = Math.max(1, Math.floor(limit / 2));
            continue;
          }
          throw e;
        }
        if (revision === 0) revision = Number(res.header?.revision ?? 0);
        const kvs = res.kvs.map(kv);
        yield { kvs, revision };
        const last = kvs.at(-1);
        if (!res.more || last === undefined) return;
        key = new Uint8Array(last.key.length + 1);
        key.set(last.key);
        limit = pageSize;
      }
    },
    async get(key, signal) {
      const res = await range({ key }, signal);
      const first = res.kvs[0];
      return first === undefined ? undefined : kv(first);
    },
    async put(key, value, signal) {
      const res = await unary("/etcdserverpb.KV/Put", (r: etcdserverpb.IPutRequest) => etcdserverpb.PutRequest.encode(r).finish(), (b) => etcdserverpb.PutResponse.decode(b), { key, value }, signal);
      return Number(res.header?.revision ?? 0);
    },
    close() {
      for (const ep of endpoints) ep.client.close();
    },
  };
}
