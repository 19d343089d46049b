// OpenBao failure classification (reference core-behaviour §2.6 rule 29). The error text is
// inspected here and then dropped: only the class leaves this module.

import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { TransitErrorClass } from "../kms/errors.ts";
import { raceSignal } from "../platform/race-signal.ts";

/** Classifies a non-2xx answer by its error strings first, then its status code. */
export function classifyHttpFailure(status: number, errors: readonly string[]): TransitErrorClass {
  const text = errors.join("\n").toLowerCase();
  if (text.includes("sealed")) return "sealed";
  if (text.includes("message authentication failed")) return "decrypt_failed";
  // keysutil ErrTooOld and ErrSoftDeleted (sdk/helper/keysutil/policy.go): fixed texts.
  if (text.includes("version is disallowed by policy (too old)")) return "version_archived";
  if (text.includes("refusing to use soft-deleted key")) return "key_soft_deleted";
  // A missing key on decrypt, or on an encrypt allowed to create it while `disable_upsert` is set:
  // 400 with this fixed text (transit path_decrypt.go, path_encrypt.go). Same cause as the 403 an
  // update-only encrypt gets, so the same class (docs/openbao-compat.md §Encrypt on a missing key).
  if (text.includes("encryption key not found")) return "not_found";
  if (status === 400) return "invalid_request";
  if (status === 401) return "unauthenticated";
  if (status === 403) return "permission_denied";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "unavailable";
  return "unknown";
}

/**
 * Classifies a 3xx answer, which is never followed. OpenBao answers 307 (with Location set to the
 * active node) when a standby cannot forward a request (internal/http/handler.go, respondStandby);
 * any other redirect is not OpenBao's and stays "unknown".
 */
export function classifyRedirect(status: number): TransitErrorClass {
  return status === 307 ? "standby_redirect" : "unknown";
}

/** scheme://host[:port] of a redirect Location, or undefined when it is not an absolute http(s) URL. */
export function redirectOrigin(location: string | null): string | undefined {
  if (location === null || location.length > 2048) return undefined;
  try {
    const u = new URL(location);
    return u.protocol === "https:" || u.protocol === "http:" ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The redirect origin a standby_redirect failure carries, also through a wrapping error's cause. */
function originOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 3; depth++) {
    const origin = (current as { redirectOrigin?: unknown }).redirectOrigin;
    if (typeof origin === "string") return origin;
    current = current.cause;
  }
  return undefined;
}

/**
 * The operator sentence for a standby_redirect (doctor, start-up errors): the node at `address`
 * is a standby that redirects instead of forwarding, and the provider does not follow redirects.
 */
export function standbyRedirectMessage(address: string, error?: unknown): string {
  const origin = originOf(error);
  return (
    `OpenBao at ${address} is a standby node that redirects requests (HTTP 307${origin === undefined ? "" : ` to ${origin}`}) instead of forwarding them, ` +
    "and the provider never follows redirects: point openbao.address at the active node or at a load balancer that sends requests to it"
  );
}

// EPROTO: Bun's code for a failed handshake (e.g. a server that offers only TLS < 1.2).
const tlsCodes = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ALTNAME|HANDSHAKE|EPROTO/i;
const dnsCodes = /ENOTFOUND|EAI_AGAIN|DNS/i;

/** Classifies a failure before any HTTP answer (TLS, DNS, connect, timeout, reset). */
export function classifyTransportFailure(error: unknown): TransitErrorClass {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const e = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === "string") codes.push(e.code);
    if (typeof e.name === "string") codes.push(e.name);
    current = e.cause;
  }
  const joined = codes.join(" ");
  if (/TimeoutError/.test(joined)) return "unavailable";
  if (tlsCodes.test(joined)) return "tls_failed";
  if (dnsCodes.test(joined)) return "dns_failed";
  return "connection_failed";
}

/** Longest wait for the DNS check that tells dns_failed from connection_failed, ms. */
export const dnsCheckTimeoutMs = 1_000;

/**
 * Bun's fetch reports an unresolvable host and a refused connection alike (FailedToOpenSocket).
 * For connection_failed on a host name, one bounded lookup tells them apart: a name that does
 * not resolve is dns_failed. Any other class is returned unchanged.
 */
export async function refineConnectionFailure(kind: TransitErrorClass, hostname: string): Promise<TransitErrorClass> {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (kind !== "connection_failed" || isIP(host) !== 0) return kind;
  try {
    await raceSignal(lookup(host), AbortSignal.timeout(dnsCheckTimeoutMs));
    return kind;
  } catch (error) {
    return dnsCodes.test(String((error as { code?: unknown }).code ?? "")) ? "dns_failed" : kind;
  }
}
