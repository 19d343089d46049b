// The auth seam of doctor and verify-key: per auth method, the local credential check that runs
// before any network call, and the login check's title. The token source itself is wired in
// src/app/openbao.ts, the same as for serve.
// The checks are the ones a login itself runs (src/openbao/auth), so doctor and serve agree.
import { AuthError } from "../openbao/auth/errors.ts";
import { checkJwt, type JwtExpectations } from "../openbao/auth/jwt-check.ts";
import {
  clientSecretFileRule,
  jwtFileRule,
  readSingleTokenFile,
  roleIdFileRule,
  secretIdFileRule,
} from "../openbao/auth/credential-file.ts";
import type { Config } from "../config/schema.ts";
import { fail, pass, type Outcome } from "./runner.ts";

export interface AuthDiagnostics {
  /** Check id of the local credential check, e.g. "jwt.local". */
  readonly localId: string;
  readonly localTitle: string;
  /** Inspects local credential material (never prints it). */
  localCheck(config: Config, nowMs: number): Outcome;
  /** Title of the `openbao.auth` check, e.g. "OpenBao JWT login". */
  readonly loginTitle: string;
}

/** A failed local check as a report line: "<class in words>: <safe detail>". */
function failed(error: unknown): Outcome {
  if (error instanceof AuthError) return fail(`${error.authClass.replaceAll("_", " ")}: ${error.detail}`);
  throw error;
}

/** The expectations the config sets for a JWT (file or OAuth2 access token). */
export function jwtExpectations(config: Config, nowMs: number): JwtExpectations {
  const j = config.auth.jwt;
  if (j === undefined) throw new Error("auth.jwt is not configured");
  return {
    nowMs,
    leewayMs: j.clockSkewLeewayMs,
    minRemainingTtlMs: j.minRemainingTtlMs,
    issuer: j.expectedIssuer,
    audience: j.expectedAudience,
    subject: j.expectedSubject,
  };
}

/** Judges a compact JWT as a login would; the message never quotes the token. */
export function judgeJwt(token: string, source: string, e: JwtExpectations): Outcome {
  try {
    const { expMs } = checkJwt(token, source, e);
    return pass(`exp in ${Math.floor((expMs - e.nowMs) / 1000)}s`);
  } catch (error) {
    return failed(error);
  }
}

const jwtFile: AuthDiagnostics = {
  localId: "jwt.local",
  localTitle: "local JWT file",
  localCheck(config, nowMs) {
    const path = config.auth.jwt?.jwtFile ?? "";
    let token: string;
    try {
      token = readSingleTokenFile(path, jwtFileRule);
    } catch (error) {
      return failed(error);
    }
    return judgeJwt(token, `JWT file ${path}`, jwtExpectations(config, nowMs));
  },
  loginTitle: "OpenBao JWT login",
};

const jwtOAuth2: AuthDiagnostics = {
  localId: "oauth2.local",
  localTitle: "local OAuth2 client secret",
  localCheck(config) {
    const path = config.auth.jwt?.oauth2?.clientSecretFile ?? "";
    try {
      readSingleTokenFile(path, clientSecretFileRule);
    } catch (error) {
      return failed(error);
    }
    return pass(`client_secret_file ${path} is safe and non-empty (the access token is checked at login)`);
  },
  loginTitle: "OAuth2 grant and OpenBao JWT login",
};

const appRole: AuthDiagnostics = {
  localId: "approle.local",
  localTitle: "local AppRole credentials",
  localCheck(config) {
    const r = config.auth.approle;
    if (r === undefined) return fail("auth.approle is not configured");
    try {
      if (r.roleIdFile !== "") readSingleTokenFile(r.roleIdFile, roleIdFileRule);
      readSingleTokenFile(r.secretIdFile, secretIdFileRule);
    } catch (error) {
      return failed(error);
    }
    return pass("role_id and secret_id_file are safe and non-empty");
  },
  loginTitle: "OpenBao AppRole login",
};

const methods: Record<string, AuthDiagnostics> = { "jwt/file": jwtFile, "jwt/oauth2": jwtOAuth2, approle: appRole };

/** The diagnostics for the configured auth method (and source). */
export function authDiagnosticsFor(config: Config): AuthDiagnostics {
  const key = config.auth.method === "jwt" ? `jwt/${config.auth.jwt?.source ?? "file"}` : config.auth.method;
  const found = methods[key];
  if (found === undefined) throw new Error(`no diagnostics for auth method ${key}`);
  return found;
}
