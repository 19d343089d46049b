// The auth seam of doctor/verify-key/benchmark: per auth method, the local credential check that
// runs before any network call, the login check's title, and the TokenSource used afterwards.
// A new method (AppRole, OAuth2) plugs in by adding one entry to `methods`.
import { fileModeMasks, regularFileProblem } from "../config/file-checks.ts";
import type { Config } from "../config/schema.ts";
import type { OpenBaoHttp } from "../openbao/http.ts";
import { createJwtFileTokenSource, readJwtFile, type TokenSource } from "../openbao/token-source.ts";
import { fail, pass, type Outcome } from "./runner.ts";

export interface AuthDiagnostics {
  /** Check id of the local credential check, e.g. "jwt.local". */
  readonly localId: string;
  readonly localTitle: string;
  /** Inspects local credential material (never prints it). */
  localCheck(config: Config, nowMs: number): Outcome;
  /** Title of the `openbao.auth` check, e.g. "OpenBao JWT login". */
  readonly loginTitle: string;
  tokenSource(config: Config, http: OpenBaoHttp): TokenSource;
}

/** Refusal window for a JWT's remaining lifetime, and clock-skew leeway (reference §4.2 defaults). */
export const jwtMinRemainingTtlMs = 120_000;
export const jwtClockSkewLeewayMs = 30_000;

const jwtFile: AuthDiagnostics = {
  localId: "jwt.local",
  localTitle: "local JWT file",
  localCheck(config, nowMs) {
    const path = config.auth.jwt.jwtFile;
    const fileProblem = regularFileProblem(path, fileModeMasks.jwtFile);
    if (fileProblem !== undefined) return fail(`auth.jwt.jwt_file ${path}: ${fileProblem}`);
    let jwt: string;
    try {
      jwt = readJwtFile(path);
    } catch {
      return fail(`jwt read failed: ${path} must be readable and hold exactly one compact JWT`);
    }
    return judgeJwt(jwt, nowMs);
  },
  loginTitle: "OpenBao JWT login",
  tokenSource: (config, http) =>
    createJwtFileTokenSource({ http, mountPath: config.auth.jwt.mountPath, role: config.auth.jwt.role, jwtFile: config.auth.jwt.jwtFile }),
};

const methods: Record<string, AuthDiagnostics> = { "jwt/file": jwtFile };

/** The diagnostics for the configured auth method (and source). */
export function authDiagnosticsFor(config: Config): AuthDiagnostics {
  const key = config.auth.method === "jwt" ? `jwt/${config.auth.jwt.source}` : config.auth.method;
  const found = methods[key];
  if (found === undefined) throw new Error(`no diagnostics for auth method ${key}`);
  return found;
}

/** Local claim checks on a compact JWT (signature is OpenBao's job). Messages never quote the token. */
export function judgeJwt(jwt: string, nowMs: number): Outcome {
  const parts = jwt.split(".");
  if (parts.length !== 3 || parts.some((p, i) => i < 2 && p === "")) return fail("jwt malformed: not a compact JWT with three parts");
  let claims: Record<string, unknown>;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(parts[1] as string, "base64url").toString("utf8"));
    if (decoded === null || typeof decoded !== "object" || Array.isArray(decoded)) throw new Error("not an object");
    claims = decoded as Record<string, unknown>;
  } catch {
    return fail("jwt malformed: the payload is not a JSON object");
  }
  const date = (name: string): number | undefined | "bad" => {
    const v = claims[name];
    if (v === undefined) return undefined;
    return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v * 1000 : "bad";
  };
  const exp = date("exp");
  const nbf = date("nbf");
  const iat = date("iat");
  if (exp === "bad" || nbf === "bad" || iat === "bad") return fail("jwt malformed: exp, nbf and iat must be non-negative integers");
  if (exp === undefined) return fail("jwt malformed: exp is required");
  const leeway = jwtClockSkewLeewayMs;
  if (nbf !== undefined && nbf > nowMs + leeway) return fail("jwt not yet valid (nbf is in the future): check the node clock and the token issuer");
  if (iat !== undefined && iat > nowMs + leeway) return fail("jwt issued in future: check the node clock");
  if (exp <= nowMs - leeway) return fail("jwt expired: refresh the JWT file (the issuer's rotation must keep it current)");
  const remaining = exp - nowMs;
  if (remaining <= jwtMinRemainingTtlMs) return fail(`jwt near expiry (${Math.max(0, Math.floor(remaining / 1000))}s left, need more than ${jwtMinRemainingTtlMs / 1000}s)`);
  return pass(`exp in ${Math.floor(remaining / 1000)}s`);
}
