// JWT helpers for tests: key pairs, compact JWS signing (RS256 / ES256) and claim builders.
// Guarantees: signatures verify with node:crypto; a claim set to `undefined` is left out.
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";

export type JwtAlg = "RS256" | "ES256";

/** A signing key pair; `publicKeyPem` is SPKI PEM (what OpenBao's jwt_validation_pubkeys takes). */
export interface JwtKeyPair {
  alg: JwtAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  kid: string;
}

/** Generates a fresh key pair. RS256 (RSA 2048) is OpenBao's default accepted algorithm. */
export function generateJwtKeyPair(alg: JwtAlg = "RS256"): JwtKeyPair {
  const { privateKey, publicKey } =
    alg === "RS256"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : generateKeyPairSync("ec", { namedCurve: "P-256" });
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const kid = Buffer.from(publicKey.export({ type: "spki", format: "der" })).toString("base64url").slice(-16);
  return { alg, privateKey, publicKey, publicKeyPem, kid };
}

export function base64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString("base64url");
}

/**
 * Signs `claims` as a compact JWS with `key`. `header` entries override the defaults
 * (`alg`, `typ`, `kid`); an entry set to `undefined` is removed.
 */
export function signJwt(key: JwtKeyPair, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const h = dropUndefined({ alg: key.alg, typ: "JWT", kid: key.kid, ...header });
  const signingInput = `${base64url(JSON.stringify(h))}.${base64url(JSON.stringify(dropUndefined(claims)))}`;
  const signature =
    key.alg === "RS256"
      ? sign("sha256", Buffer.from(signingInput), key.privateKey)
      : sign("sha256", Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${base64url(signature)}`;
}

/** Inputs for `buildClaims`. Times are derived from `nowMs` (default Date.now()). */
export interface ClaimInput {
  iss: string;
  sub: string;
  aud: string | string[];
  ttlSeconds?: number; // exp = iat + ttl; default 3600
  nowMs?: number;
  notBeforeSkewSeconds?: number; // nbf = iat - skew; default 0
  extra?: Record<string, unknown>; // merged last; `undefined` values remove a claim
}

/** Builds a standard claim set with integer `iat`, `nbf`, `exp` (Unix seconds). */
export function buildClaims(i: ClaimInput): Record<string, unknown> {
  const iat = Math.floor((i.nowMs ?? Date.now()) / 1000);
  return dropUndefined({
    iss: i.iss,
    sub: i.sub,
    aud: i.aud,
    iat,
    nbf: iat - (i.notBeforeSkewSeconds ?? 0),
    exp: iat + (i.ttlSeconds ?? 3600),
    ...i.extra,
  });
}

/** Decodes the claims of a compact JWS without verifying it (for test assertions only). */
export function decodeJwtClaims(jwt: string): Record<string, unknown> {
  const part = jwt.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
