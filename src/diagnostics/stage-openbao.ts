// Stage 2, OpenBao: TLS and sys/health, then a login with the configured method. The clients are
// wired by src/app/openbao.ts exactly as serve wires them; the CA bundle is read here so that
// reading it is a check of its own.
import { openBaoClientsWithCa } from "../app/openbao.ts";
import type { Config } from "../config/schema.ts";
import { TransitError } from "../kms/errors.ts";
import { CaBundleError, readCaBundle } from "../openbao/from-config.ts";
import type { OpenBaoHttp } from "../openbao/http.ts";
import { readHealth } from "../openbao/sys-reads.ts";
import type { TransitClient } from "../openbao/transit-client.ts";
import type { AuthDiagnostics } from "./auth.ts";
import { callTimeout, describeFailure, unusableHealth } from "./describe.ts";
import { checkEndpoints } from "./endpoints.ts";
import { fail, type Gate, only, pass, withValue } from "./runner.ts";

/** What the Transit stage needs: the HTTP client, a token, and the Transit client. */
export interface Session {
  readonly http: OpenBaoHttp;
  readonly token: string;
  readonly transit: TransitClient;
}

export async function openBaoStage(gate: Gate, config: Config | undefined, auth: AuthDiagnostics | undefined): Promise<Session | undefined> {
  const clients = await gate.checkWith({ id: "openbao.tls", title: "TLS to OpenBao", needs: ["config.validate"] }, [config], async ([c]) => {
    let caPem: string;
    try {
      caPem = await readCaBundle(c.openbao.caCertFile);
    } catch (e) {
      if (e instanceof CaBundleError) return only(fail(e.message));
      throw e;
    }
    if (!caPem.includes("-----BEGIN CERTIFICATE-----")) return only(fail("openbao.ca_cert_file does not contain PEM certificates"));
    const wired = openBaoClientsWithCa(c, caPem);
    if (wired.endpoints !== undefined) {
      const { outcome, usable } = await checkEndpoints(wired.endpoints, c);
      if (usable === 0) return only(outcome);
      // The login and Transit checks then go through the pool (ranked by that round), as serve's requests do.
      return withValue(outcome, wired);
    }
    try {
      const h = await readHealth(wired.http, callTimeout(c));
      if (!h.usable) return only(fail(unusableHealth(c.openbao.address, h)));
      // A standby serves reads itself (they may lag behind the active node) and needs the active for writes (login).
      const role = h.state === "standby" ? ", a standby: writes such as logins must reach the active node and its reads may lag behind it" : "";
      return withValue(pass(`${c.openbao.address} as ${c.openbao.tlsServerName} (sys/health HTTP ${h.status}${role})`), wired);
    } catch (e) {
      return only(fail(describeFailure(e, c)));
    }
  });
  return gate.checkWith({ id: "openbao.auth", title: auth?.loginTitle ?? "OpenBao login", needs: ["openbao.tls", "auth.local"] }, [config, clients], async ([c, wired]) => {
    let token: string;
    try {
      token = await wired.tokens.token(callTimeout(c));
    } catch (e) {
      if (e instanceof TransitError && e.status !== undefined && (e.kind === "permission_denied" || e.kind === "invalid_request" || e.kind === "unauthenticated")) {
        return only(fail(`login refused (HTTP ${e.status}): check the auth role, its bound claims and the credential`));
      }
      return only(fail(describeFailure(e, c)));
    }
    return withValue(pass("token obtained"), { http: wired.http, token, transit: wired.transit });
  });
}
