// The login calls (JWT with any JWT supplier, AppRole) and renew-self, over the shared OpenBao
// HTTP helper. Credentials are read at the moment of each login and dropped right after.

import * as v from "valibot";
import { TransitError } from "../../kms/errors.ts";
import type { OpenBaoHttp } from "../http.ts";
import type { LeaseResult, LoginFn, RenewFn } from "./token-source.ts";
import { loginReply } from "../wire.ts";
import { roleIdFileRule, readSingleTokenFile, secretIdFileRule, jwtFileRule } from "./credential-file.ts";
import { AuthError, type AuthFailureClass } from "./errors.ts";
import { checkJwt, type JwtExpectations } from "./jwt-check.ts";

/** Returns a JWT ready for login (already checked locally). */
export type JwtSupplier = (signal: AbortSignal) => Promise<string>;

async function post(http: OpenBaoHttp, path: string, operation: string, json: unknown, signal: AbortSignal, token?: string) {
  return (await http.request("POST", path, operation, { json, signal, ...(token === undefined ? {} : { token }) })).body;
}

function lease(body: unknown, operation: string): LeaseResult {
  const parsed = v.safeParse(loginReply, body);
  if (!parsed.success) throw new AuthError("login_response_invalid", `OpenBao's ${operation} reply has no usable auth block`, { kind: "invalid_response", operation });
  const a = parsed.output.auth;
  return { token: a.client_token, leaseSeconds: a.lease_duration, renewable: a.renewable };
}

/** Maps an HTTP failure of a login to an AuthError with a fixed hint; transport classes keep their kind. */
function loginFailure(error: unknown, operation: string, rejected: { cls: AuthFailureClass; text: string }, mount: string): unknown {
  if (!(error instanceof TransitError)) return error;
  const http = error.status === undefined ? "" : ` (HTTP ${error.status})`;
  if (error.kind === "invalid_request" || error.kind === "unauthenticated") {
    return new AuthError(rejected.cls, `OpenBao refused the login at ${mount}${http}: ${rejected.text}`, { status: error.status, operation });
  }
  if (error.kind === "not_found") {
    // Only an unknown namespace makes a login 404 ("namespace not found"): a wrong auth mount is a
    // 403, since a path with no mount needs a token (docs/openbao-compat.md §Namespaces).
    return new AuthError("login_not_found", `OpenBao answered 404 for the login at ${mount}${http}: the namespace in openbao.namespace does not exist; create it or correct openbao.namespace`, { status: error.status, operation, kind: "not_found" });
  }
  if (error.kind === "permission_denied") {
    return new AuthError("login_denied", `OpenBao denied the login at ${mount}${http}: check the namespace, the mount and the role's bound CIDRs`, { status: error.status, operation, kind: "permission_denied" });
  }
  return new AuthError("login_failed", `the OpenBao login at ${mount} failed: ${error.kind}${http}`, { status: error.status, operation, kind: error.kind, cause: error });
}

export interface JwtLoginOptions {
  readonly http: OpenBaoHttp;
  readonly mountPath: string;
  readonly role: string;
  readonly jwt: JwtSupplier;
}

/** POST <mount>/login {role, jwt}. */
export function jwtLogin(o: JwtLoginOptions): LoginFn {
  return async (signal) => {
    const jwt = await o.jwt(signal);
    let body: unknown;
    try {
      body = await post(o.http, `${o.mountPath}/login`, "auth.login", { role: o.role, jwt }, signal);
    } catch (error) {
      throw loginFailure(error, "auth.login", { cls: "login_rejected", text: "check auth.jwt.role, the JWT's issuer, audience and subject, and the role's bound claims" }, o.mountPath);
    }
    return lease(body, "auth.login");
  };
}

/** The JWT file, re-read and checked before every login. */
export function jwtFileSupplier(path: string, checks: Omit<JwtExpectations, "nowMs">, nowMs: () => number = Date.now): JwtSupplier {
  return async () => {
    const jwt = readSingleTokenFile(path, jwtFileRule);
    checkJwt(jwt, `JWT file ${path}`, { ...checks, nowMs: nowMs() });
    return jwt;
  };
}

export interface AppRoleLoginOptions {
  readonly http: OpenBaoHttp;
  readonly mountPath: string;
  /** Inline role ID, or "" to read `roleIdFile`. */
  readonly roleId: string;
  readonly roleIdFile: string;
  readonly secretIdFile: string;
}

/** POST <mount>/login {role_id, secret_id}; the secret ID file (and role ID file) re-read every time. */
export function appRoleLogin(o: AppRoleLoginOptions): LoginFn {
  return async (signal) => {
    const roleId = o.roleId !== "" ? o.roleId : readSingleTokenFile(o.roleIdFile, roleIdFileRule);
    const secretId = readSingleTokenFile(o.secretIdFile, secretIdFileRule);
    let body: unknown;
    try {
      body = await post(o.http, `${o.mountPath}/login`, "auth.approle_login", { role_id: roleId, secret_id: secretId }, signal);
    } catch (error) {
      throw loginFailure(
        error,
        "auth.approle_login",
        { cls: "secret_id_rejected", text: `the role ID or secret ID is invalid, used up or expired; write a fresh secret ID to ${o.secretIdFile}` },
        o.mountPath,
      );
    }
    return lease(body, "auth.approle_login");
  };
}

/** POST auth/token/renew-self {"increment": "<n>s"}. */
export function renewSelf(http: OpenBaoHttp): RenewFn {
  return async (token, incrementSeconds, signal) => {
    let body: unknown;
    try {
      body = await post(http, "auth/token/renew-self", "auth.renew_self", { increment: `${incrementSeconds}s` }, signal, token);
    } catch (error) {
      if (!(error instanceof TransitError)) throw error;
      throw new AuthError("renewal_failed", `token renewal failed: ${error.kind}`, { status: error.status, operation: "auth.renew_self", kind: error.kind });
    }
    return lease(body, "auth.renew_self");
  };
}
