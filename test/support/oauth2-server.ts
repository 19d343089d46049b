// A small OAuth2 token endpoint for tests (client credentials only), on HTTPS with its own test
// CA: checks client_secret_basic / client_secret_post against the current secret, records each
// grant's form, and answers with a token from `mint` — or with an injected fault.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTestPki } from "./tls.ts";

export interface OAuth2Grant {
  readonly auth: "basic" | "post" | "none";
  readonly clientId: string | undefined;
  /** True when the presented secret matched the current one. */
  readonly secretOk: boolean;
  readonly form: Readonly<Record<string, string[]>>;
  readonly accept: string | null;
  readonly contentType: string | null;
}

/** Fault knobs; all off by default. */
export interface OAuth2Faults {
  status?: number; // answer this status instead of 200
  contentType?: string; // instead of application/json
  tokenType?: string; // instead of "Bearer"
  expiresIn?: unknown; // instead of 3600 (undefined = omit)
  redirectTo?: string; // answer 302 with this Location
  oversize?: boolean; // a body above 1 MiB
  accessToken?: string; // instead of mint()
}

export interface OAuth2Server {
  readonly url: string; // the token endpoint
  readonly caFile: string;
  readonly caPem: string;
  readonly grants: OAuth2Grant[];
  secret: string;
  faults: OAuth2Faults;
  stop(): Promise<void>;
}

export async function startOAuth2Server(o: { clientId: string; secret: string; mint: () => string }): Promise<OAuth2Server> {
  const dir = mkdtempSync(join(tmpdir(), "bkp-oauth2-"));
  const pki = makeTestPki(dir, { serverName: "issuer.test" });
  const state = { secret: o.secret, faults: {} as OAuth2Faults, grants: [] as OAuth2Grant[] };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: pki.certPem, key: pki.keyPem },
    async fetch(req) {
      if (new URL(req.url).pathname !== "/token" || req.method !== "POST") return new Response("not found", { status: 404 });
      const params = new URLSearchParams(await req.text());
      const form: Record<string, string[]> = {};
      for (const [k, v] of params) (form[k] ??= []).push(v);
      let auth: OAuth2Grant["auth"] = "none";
      let clientId: string | undefined;
      let secret: string | undefined;
      const basic = /^Basic (.+)$/.exec(req.headers.get("authorization") ?? "");
      if (basic) {
        const [id, pw] = Buffer.from(basic[1]!, "base64").toString("utf8").split(":");
        auth = "basic";
        clientId = decodeURIComponent((id ?? "").replace(/\+/g, " "));
        secret = decodeURIComponent((pw ?? "").replace(/\+/g, " "));
      } else if (params.has("client_secret")) {
        auth = "post";
        clientId = params.get("client_id") ?? undefined;
        secret = params.get("client_secret") ?? undefined;
      }
      const secretOk = clientId === o.clientId && secret === state.secret;
      state.grants.push({ auth, clientId, secretOk, form, accept: req.headers.get("accept"), contentType: req.headers.get("content-type") });
      const f = state.faults;
      if (f.redirectTo !== undefined) return new Response(null, { status: 302, headers: { location: f.redirectTo } });
      if (!secretOk || params.get("grant_type") !== "client_credentials") {
        return Response.json({ error: "invalid_client" }, { status: 401 });
      }
      if (f.status !== undefined) return Response.json({ error: "server_error" }, { status: f.status });
      if (f.oversize) return new Response(JSON.stringify({ access_token: "x".repeat(1_100_000), token_type: "Bearer" }), { headers: { "content-type": "application/json" } });
      const body: Record<string, unknown> = { access_token: f.accessToken ?? o.mint(), token_type: f.tokenType ?? "Bearer" };
      const expiresIn = "expiresIn" in f ? f.expiresIn : 3600;
      if (expiresIn !== undefined) body.expires_in = expiresIn;
      return new Response(JSON.stringify(body), { headers: { "content-type": f.contentType ?? "application/json; charset=utf-8" } });
    },
  });
  return {
    url: `https://127.0.0.1:${server.port}/token`,
    caFile: pki.caFile,
    caPem: pki.caPem,
    grants: state.grants,
    get secret() {
      return state.secret;
    },
    set secret(s: string) {
      state.secret = s;
    },
    get faults() {
      return state.faults;
    },
    set faults(f: OAuth2Faults) {
      state.faults = f;
    },
    async stop() {
      await server.stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
