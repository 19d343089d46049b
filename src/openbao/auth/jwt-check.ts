// Local JWT checks before any login (reference §4.2): compact form, `exp` required, nbf/iat/exp
// against the clock with a leeway, the minimum remaining lifetime, and the expected issuer,
// audience and subject when configured. The signature is OpenBao's job, not ours.

import { AuthError } from "./errors.ts";

export interface JwtExpectations {
  readonly nowMs: number;
  readonly leewayMs: number;
  readonly minRemainingTtlMs: number;
  /** "" = not checked. */
  readonly issuer: string;
  /** [] = not checked; otherwise the token's aud must contain at least one. */
  readonly audience: readonly string[];
  /** "" = not checked. */
  readonly subject: string;
}

export interface JwtFacts {
  readonly expMs: number;
}

const base64url = /^[A-Za-z0-9_-]+$/;

function malformed(source: string, why: string): never {
  throw new AuthError("jwt_malformed", `${source} is not a usable JWT: ${why}`);
}

/** Non-negative integer NumericDate (seconds), or undefined when absent. */
function numericDate(claims: Record<string, unknown>, name: string, source: string): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) malformed(source, `claim ${name} must be a non-negative integer`);
  return value;
}

/**
 * Checks `token` (already trimmed) and returns its expiry. `source` names where it came from
 * ("JWT file /path", "OAuth2 access token") for the message; the token itself is never quoted.
 */
export function checkJwt(token: string, source: string, e: JwtExpectations): JwtFacts {
  if (/\s/.test(token)) malformed(source, "it contains whitespace");
  const parts = token.split(".");
  if (parts.length !== 3) malformed(source, "it must have three dot-separated parts");
  const [header, payload, signature] = parts as [string, string, string];
  if (!base64url.test(header) || !base64url.test(payload)) malformed(source, "header and payload must be base64url");
  if (!base64url.test(signature)) malformed(source, "the signature part must be non-empty base64url");
  let claims: unknown;
  try {
    JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    malformed(source, "header or payload is not JSON");
  }
  if (claims === null || typeof claims !== "object" || Array.isArray(claims)) malformed(source, "the payload must be a JSON object");
  const c = claims as Record<string, unknown>;
  const exp = numericDate(c, "exp", source);
  if (exp === undefined) malformed(source, "claim exp is required");
  const nbf = numericDate(c, "nbf", source);
  const iat = numericDate(c, "iat", source);
  const now = e.nowMs;
  const expMs = exp * 1000;
  if (nbf !== undefined && nbf * 1000 > now + e.leewayMs) throw new AuthError("jwt_not_yet_valid", `${source}: the JWT is not valid yet (nbf is in the future)`);
  if (iat !== undefined && iat * 1000 > now + e.leewayMs) throw new AuthError("jwt_issued_in_future", `${source}: the JWT was issued in the future (iat); check the clocks`);
  if (expMs <= now - e.leewayMs) throw new AuthError("jwt_expired", `${source}: the JWT has expired; write a fresh one`);
  if (expMs - now <= e.minRemainingTtlMs) {
    throw new AuthError("jwt_near_expiry", `${source}: the JWT expires within auth.jwt.min_remaining_ttl; write a fresh one`);
  }
  if (e.issuer !== "" && c.iss !== e.issuer) throw new AuthError("jwt_claim_mismatch", `${source}: iss does not match auth.jwt.expected_issuer`);
  if (e.subject !== "" && c.sub !== e.subject) throw new AuthError("jwt_claim_mismatch", `${source}: sub does not match auth.jwt.expected_subject`);
  if (e.audience.length > 0) {
    const aud = typeof c.aud === "string" ? [c.aud] : Array.isArray(c.aud) ? c.aud.filter((a): a is string => typeof a === "string") : [];
    if (!aud.some((a) => e.audience.includes(a))) throw new AuthError("jwt_claim_mismatch", `${source}: aud does not contain any of auth.jwt.expected_audience`);
  }
  return { expMs };
}
