// The OpenBao HTTP client a config describes, and the one way to read its CA bundle: used by
// serve, doctor, the rotation commands and benchmark alike, so none of them trusts a different
// file or reads it with different bounds.

import type { Config } from "../config/schema.ts";
import { readFailureReason, readFileCapped } from "../config/read-file.ts";
import { createOpenBaoHttp, type OpenBaoHttp, type OpenBaoHttpOptions } from "./http.ts";

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

/** The HTTP client for config.openbao (address, trust roots, server name, namespace, timeout). */
export function openBaoHttpFromConfig(config: Config, caPem: string, observe?: OpenBaoHttpOptions["observe"]): OpenBaoHttp {
  return createOpenBaoHttp({
    address: config.openbao.address,
    caPem,
    tlsServerName: config.openbao.tlsServerName,
    namespace: config.openbao.namespace,
    timeoutMs: config.openbao.timeoutMs,
    ...(observe === undefined ? {} : { observe }),
  });
}
