// JWT validation as the OpenBao jwt auth method does it (hashicorp/cap Validator with static
// keys): signature, alg, iss/sub/aud, then nbf/exp/iat with a 60 s clock-skew leeway.
import { verify, type KeyObject } from "node:crypto";

/** Default leeways of a jwt role: clock_skew_leeway 60 s, expiration/not_before leeway 150 s. */
export const clockSkewLeewayS = 60;
const missingTimeLeewayS = 150;

export interface JwtExpectations {
  issuer: string; // "" = not checked
  subject: string; // "" = not checked
  audiences: readonly string[]; // empty = not checked
  algorithms: readonly string[]; // jwt_supported_algs; empty = ["RS256"]
  nowMs: number;
}

/** Returns all claims, or the detail text that follows "error validating token: ". */
export function validateJwt(token: string, keys: readonly KeyObject[], e: JwtExpectations): Record<string, unknown> | string {
  const parts = token.split(".");
  if (parts.length !== 3) return "error verifying token signature: go-jose/go-jose: compact JWS format must have three parts";
  const [h64, p64, s64] = parts as [string, string, string];
  const header = decodeJsonPart(h64);
  const claims = decodeJsonPart(p64);
  if (typeof header === "string") return `error verifying token signature: ${header}`;
  if (typeof claims === "string") return `error verifying token signature: ${claims}`;
  const alg = typeof header.alg === "string" ? header.alg : "";
  const signature = Buffer.from(s64, "base64url");
  const input = Buffer.from(`${h64}.${p64}`);
  if (!keys.some((k) => verifies(alg, k, input, signature))) {
    return "error verifying token signature: no known key successfully validated the token signature";
  }
  const algs = e.algorithms.length > 0 ? e.algorithms : ["RS256"];
  if (!algs.includes(alg)) return "invalid algorithm (alg) header parameter: token signed with unexpected algorithm";

  if (e.issuer !== "" && claims.iss !== e.issuer) return "invalid issuer (iss) claim";
  if (e.subject !== "" && claims.sub !== e.subject) return "invalid subject (sub) claim";
  const aud = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (e.audiences.length > 0 && !e.audiences.some((a) => aud.includes(a))) {
    return "invalid audience (aud) claim: audience claim does not match any expected audience";
  }

  const iat = numericDate(claims.iat);
  let exp = numericDate(claims.exp);
  let nbf = numericDate(claims.nbf);
  if (iat === 0 && exp === 0 && nbf === 0) return "no issued at (iat), not before (nbf), or expiration time (exp) claims in token";
  if (exp === 0) exp = Math.max(iat, nbf) + missingTimeLeewayS;
  if (nbf === 0) nbf = iat !== 0 ? iat : exp - missingTimeLeewayS;
  const nowS = e.nowMs / 1000;
  if (nowS + clockSkewLeewayS < nbf) return "invalid not before (nbf) claim: token not yet valid";
  if (nowS - clockSkewLeewayS > exp) return "invalid expiration time (exp) claim: token is expired";
  if (iat !== 0 && nowS + clockSkewLeewayS < iat) return "invalid issued at (iat) claim: token issued in the future";
  return claims;
}

function decodeJsonPart(part: string): Record<string, unknown> | string {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return "illegal base64 data in JWS part";
  try {
    const v: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (v === null || typeof v !== "object" || Array.isArray(v)) return "json: cannot unmarshal non-object JWS part";
    return v as Record<string, unknown>;
  } catch (err) {
    return `invalid JSON in JWS part: ${(err as Error).message}`;
  }
}

// NumericDate: a JSON number of seconds (fractions truncated); anything else counts as absent.
function numericDate(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : 0;
}

function verifies(alg: string, key: KeyObject, input: Buffer, signature: Buffer): boolean {
  try {
    if (alg === "RS256" && key.asymmetricKeyType === "rsa") return verify("sha256", input, key, signature);
    if (alg === "ES256" && key.asymmetricKeyType === "ec") {
      return verify("sha256", input, { key, dsaEncoding: "ieee-p1363" }, signature);
    }
    return false;
  } catch {
    return false;
  }
}
