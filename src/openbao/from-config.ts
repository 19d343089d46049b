// The OpenBao HTTP client a config describes, and the one way to read its CA bundle: used by
// serve, doctor, the rotation commands and benchmark alike, so none of them trusts a different
// file or reads it with different bounds.

import type { Config } from "../config/schema.ts";
import { readFailureReason, readFileCapped } from "../config/read-file.ts";
import { serverNameFor } from "../config/openbao-schema.ts";
import { createEndpointPool, type EndpointPool, type EndpointPoolOptions } from "./endpoints.ts";
import { createOpenBaoHttp, observeRequests, type OpenBaoHttp, type OpenBaoHttpOptions } from "./http.ts";

/** CA bundles larger than this are refused (a bundle of a few hundred certificates fits). */
export const maxCaBundleBytes = 1024 * 1024;

/** The CA bundle could not be used; the message names the file and the reason, never its content. */
export class CaBundleError extends Error {
  override readonly name = "CaBundleError" as const;
}

/** Reads openbao.ca_cert_file: one open, a regular file (no FIFO can block), at most maxCaBundleBytes. */
export async function readCaBundle(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileCapped(path, maxCaBundleBytes);
  } catch (e) {
    throw new CaBundleError(`openbao.ca_cert_file ${path}: ${readFailureReason(e)}`);
  }
  if (bytes.length > maxCaBundleBytes) throw new CaBundleError(`openbao.ca_cert_file ${path} is larger than ${maxCaBundleBytes} bytes`);
  return new TextDecoder().decode(bytes);
}

/** The HTTP client for config.openbao, and the endpoint pool behind it when several addresses are configured. */
export interface OpenBaoHttpWiring {
  readonly http: OpenBaoHttp;
  /** Undefined with a single address: that client then behaves exactly as it always did. */
  readonly pool: EndpointPool | undefined;
}

/**
 * One client per address (same CA bundle, namespace and timeout; the name checked is
 * tls_server_name, else that address's host), pooled when there are several. Requests are
 * observed once at the pool, so a retried request counts once in the per-operation metrics.
 */
export function openBaoHttpFromConfig(
  config: Config, caPem: string, observe?: OpenBaoHttpOptions["observe"], onEndpointChange?: EndpointPoolOptions["onChange"],
): OpenBaoHttpWiring {
  const o = config.openbao;
  const clientFor = (address: string, withObserver: boolean) =>
    createOpenBaoHttp({
      address,
      caPem,
      tlsServerName: serverNameFor(o, address),
      namespace: o.namespace,
      timeoutMs: o.timeoutMs,
      ...(withObserver && observe !== undefined ? { observe } : {}),
    });
  if (o.addresses.length === 1) return { http: clientFor(o.address, true), pool: undefined };
  const pool = createEndpointPool({
    endpoints: o.addresses.map((address) => ({ address, http: clientFor(address, false) })),
    healthIntervalMs: o.healthCheckIntervalMs,
    stallMs: stallMsFor(o.timeoutMs),
    ...(onEndpointChange === undefined ? {} : { onChange: onEndpointChange }),
  });
  return { http: observe === undefined ? pool : observeRequests(pool, observe), pool };
}

/** A request unanswered this long is sent to a second endpoint too: an eighth of openbao.timeout, within [100, 500] ms. */
export function stallMsFor(timeoutMs: number): number {
  return Math.min(500, Math.max(100, Math.floor(timeoutMs / 8)));
}
