// The one place OpenBao clients are wired from a config: serve, doctor, the rotation commands and
// benchmark all get the same HTTP client (address, CA bundle, server name, namespace, timeout),
// the same token source for the configured auth method, and the same Transit client.

import type { Config } from "../config/schema.ts";
import type { AuthEvent } from "../openbao/auth/token-source.ts";
import { createAuthFromConfig } from "../openbao/auth/from-config.ts";
import { openBaoHttpFromConfig, readCaBundle } from "../openbao/from-config.ts";
import type { OpenBaoHttp, OpenBaoHttpOptions } from "../openbao/http.ts";
import type { EndpointPool, EndpointPoolOptions } from "../openbao/endpoints.ts";
import type { TokenSource } from "../openbao/tokens.ts";
import { createTransitClient, type TransitClient } from "../openbao/transit-client.ts";

/** Who hears about each OpenBao request and each login or renewal (metrics, logs); all optional. */
export interface OpenBaoObservers {
  readonly http?: OpenBaoHttpOptions["observe"];
  readonly auth?: (e: AuthEvent) => void;
  /** An endpoint's role changed (several addresses only). */
  readonly endpoint?: EndpointPoolOptions["onChange"];
}

export interface OpenBaoClients {
  readonly http: OpenBaoHttp;
  /** The endpoint pool behind `http` when openbao.addresses lists several; serve starts its health checks. */
  readonly endpoints: EndpointPool | undefined;
  readonly tokens: TokenSource;
  readonly transit: TransitClient;
}

/** Reads openbao.ca_cert_file (CaBundleError names the file and the reason) and wires the clients. */
export async function openBaoClients(config: Config, observers: OpenBaoObservers = {}): Promise<OpenBaoClients> {
  return openBaoClientsWithCa(config, await readCaBundle(config.openbao.caCertFile), observers);
}

/** The same wiring from a CA bundle already read (doctor reports reading it as a check of its own). */
export function openBaoClientsWithCa(config: Config, caPem: string, observers: OpenBaoObservers = {}): OpenBaoClients {
  const { http, pool } = openBaoHttpFromConfig(config, caPem, observers.http, observers.endpoint);
  const tokens = createAuthFromConfig(config, http, observers.auth === undefined ? {} : { onEvent: observers.auth });
  const transit = createTransitClient({ http, tokens, mountPath: config.transit.mountPath, keyName: config.transit.keyName });
  return { http, endpoints: pool, tokens, transit };
}
