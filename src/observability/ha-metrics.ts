// Metrics and log events for several OpenBao endpoints and for the seed cache. Endpoint labels are
// configured addresses (never secrets); the cache reports counts and sizes only, never a key.

import { endpointRoles, type EndpointRole, type EndpointStatus, isUsableRole } from "../openbao/endpoints.ts";
import type { SeedCacheStats } from "../kms/seed-cache.ts";
import type { Logger } from "../platform/log.ts";
import type { Registry } from "./registry.ts";

export interface HaSources {
  readonly endpoints?: () => readonly EndpointStatus[];
  readonly seedCache?: () => SeedCacheStats;
}

/** Registers the openbao_kms_openbao_endpoint_* and openbao_kms_seed_cache_* families that apply. */
export function registerHaMetrics(r: Registry, s: HaSources): void {
  const endpoints = s.endpoints;
  if (endpoints !== undefined) {
    // Endpoint labels are configured addresses, exported as written (verbatim): no request data reaches them.
    r.gauge("openbao_kms_openbao_endpoint_up", "1 while the endpoint is usable (active, standby or not yet checked), else 0.", ["endpoint"], {
      verbatim: true, collect: () => endpoints().map((e) => [[e.address], e.usable ? 1 : 0] as const),
    });
    r.gauge("openbao_kms_openbao_endpoint_role", "The endpoint's role as last seen: one series per role, exactly one of them 1.", ["endpoint", "role"], {
      verbatim: true, collect: () => endpoints().flatMap((e) => endpointRoles.map((role) => [[e.address, role], e.role === role ? 1 : 0] as const)),
    });
    r.gauge("openbao_kms_openbao_endpoint_last_error", "The class of the last failure seen on the endpoint (always 1; none before the first).", ["endpoint", "class"], {
      verbatim: true, collect: () => endpoints().flatMap((e) => (e.lastError === "" ? [] : [[[e.address, e.lastError], 1] as const])),
    });
    r.counter("openbao_kms_openbao_endpoint_requests_total", "OpenBao requests by endpoint and result (ok or failure class); a request retried elsewhere counts on both.", ["endpoint", "status"], {
      verbatim: true, collect: () => endpoints().flatMap((e) => [...e.requests].map(([status, n]) => [[e.address, status], n] as const)),
    });
  }
  const cache = s.seedCache;
  if (cache !== undefined) {
    const stat = (pick: (c: SeedCacheStats) => number) => () => [[[], pick(cache())] as const];
    r.counter("openbao_kms_seed_cache_hits_total", "Successful Decrypts whose seed the cache already held.", [], { collect: stat((c) => c.hits) });
    r.counter("openbao_kms_seed_cache_misses_total", "Successful Decrypts whose seed the cache did not hold yet.", [], { collect: stat((c) => c.misses) });
    r.counter("openbao_kms_seed_cache_served_during_outage_total", "Decrypts answered from the seed cache while OpenBao could not answer.", [], { collect: stat((c) => c.servedDuringOutage) });
    r.counter("openbao_kms_seed_cache_outage_misses_total", "Decrypts that found no cached seed while OpenBao could not answer.", [], { collect: stat((c) => c.outageMisses) });
    r.gauge("openbao_kms_seed_cache_entries", "Seeds held by the cache.", [], { collect: stat((c) => c.entries) });
    r.gauge("openbao_kms_seed_cache_bytes", "Plaintext bytes held by the cache.", [], { collect: stat((c) => c.bytes) });
  }
}

/** Logs each endpoint role change: warn when it stops being usable, info otherwise. */
export function endpointLogger(log: Logger): (address: string, from: EndpointRole, to: EndpointRole, errorClass: string) => void {
  return (address, from, to, errorClass) => {
    const fields = { endpoint: address, previous_role: from, role: to, ...(errorClass === "" ? {} : { error_class: errorClass }) };
    if (isUsableRole(to)) log.info("openbao.endpoint", fields);
    else log.warn("openbao.endpoint", fields);
  };
}
