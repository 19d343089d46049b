// Builds the token source for the configured auth method: JWT from a file, JWT via OAuth2
// client credentials, or AppRole; renewal by renew-self; deadlines from the config.

import { readFileSync, statSync } from "node:fs";
import { effectiveLoginTimeoutMs } from "../../config/auth-schema.ts";
import type { Config } from "../../config/schema.ts";
import { type Clock, systemClock } from "../../platform/clock.ts";
import type { OpenBaoHttp } from "../http.ts";
import type { TokenSource } from "../tokens.ts";
import { createTokenManager, type AuthEvent } from "./token-source.ts";
import { appRoleLogin, jwtFileSupplier, jwtLogin, renewSelf, type JwtSupplier } from "./methods.ts";
import { oauth2JwtSupplier } from "./oauth2.ts";

export interface AuthWiring {
  /** Wall time for JWT claims (exp, nbf, iat); monotonic time for token lifetimes and backoffs. */
  readonly clock?: Clock;
  readonly onEvent?: (e: AuthEvent) => void;
  /** For tests: the OAuth2 client's fetch. */
  readonly fetch?: typeof fetch;
}

/** auth.jwt.oauth2.ca_cert_file: not group/world writable, at most 1 MiB, at least one PEM certificate. */
function readPem(path: string): string {
  const st = statSync(path);
  if ((st.mode & 0o022) !== 0) throw new Error(`${path} must not be group- or world-writable`);
  if (st.size > 1024 * 1024) throw new Error(`${path} is larger than 1048576 bytes`);
  const pem = readFileSync(path, "utf8");
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`${path} does not contain a PEM certificate`);
  return pem;
}

export function createAuthFromConfig(config: Config, http: OpenBaoHttp, w: AuthWiring = {}): TokenSource {
  const a = config.auth;
  const clock = w.clock ?? systemClock;
  const nowMs = () => clock.wallMs();
  let login;
  if (a.method === "approle") {
    const r = a.approle!;
    login = appRoleLogin({ http, mountPath: r.mountPath, roleId: r.roleId, roleIdFile: r.roleIdFile, secretIdFile: r.secretIdFile });
  } else {
    const j = a.jwt!;
    const checks = {
      leewayMs: j.clockSkewLeewayMs,
      minRemainingTtlMs: j.minRemainingTtlMs,
      issuer: j.expectedIssuer,
      audience: j.expectedAudience,
      subject: j.expectedSubject,
    };
    let jwt: JwtSupplier;
    if (j.source === "oauth2") {
      const o = j.oauth2!;
      jwt = oauth2JwtSupplier({
        tokenUrl: o.tokenUrl,
        clientId: o.clientId,
        clientSecretFile: o.clientSecretFile,
        authMethod: o.authMethod,
        scopes: o.scopes,
        audience: o.audience,
        resources: o.resources,
        ...(o.caCertFile === "" ? {} : { caPem: readPem(o.caCertFile) }),
        checks,
        nowMs,
        ...(w.fetch === undefined ? {} : { fetch: w.fetch }),
      });
    } else {
      jwt = jwtFileSupplier(j.jwtFile, checks, nowMs);
    }
    login = jwtLogin({ http, mountPath: j.mountPath, role: j.role, jwt });
  }
  return createTokenManager({
    login,
    renew: renewSelf(http),
    loginBeforeExpiryMs: a.loginBeforeTokenExpiryMs,
    renewalIncrementMs: a.tokenRenewalIncrementMs,
    refreshTimeoutMs: effectiveLoginTimeoutMs(a, config.openbao.timeoutMs),
    nowMs: () => clock.monotonicMs(),
    ...(w.onEvent === undefined ? {} : { onEvent: w.onEvent }),
  });
}
