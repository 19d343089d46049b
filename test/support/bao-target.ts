// Contract-test target: the emulator by default, a real OpenBao when BAO_ADDR is set (BAO_TOKEN,
// BAO_CACERT, optional BAO_TRANSIT_MOUNT). Everything a test creates is uniquely named and removed.
import { test } from "bun:test";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { startEmulator } from "./emulator/server.ts";
import type { Emulator, EmulatorOptions } from "./emulator/types.ts";
import { generateJwtKeyPair, signJwt, type JwtKeyPair } from "./jwt.ts";

export const isRealTarget = (process.env.BAO_ADDR ?? "") !== "";
/** A test that needs the emulator itself (faults, injected clock, control API); skipped against a real server. */
export const emulatorTest = test.skipIf(isRealTarget);

const defaultTimeoutMs = 10_000;

// Response JSON is asserted field by field in tests; `any` keeps those assertions readable.
export type Json = any;

export interface BaoReply {
  status: number;
  headers: Headers;
  text: string;
  json: Json; // undefined when the body is not JSON
}

export interface CallOptions {
  body?: unknown; // JSON-encoded
  raw?: string | Uint8Array; // sent as is (wins over body)
  token?: string | null; // default: the target's admin token; null = none
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface JwtMount {
  mount: string; // "auth/jwt-…"
  role: string;
  issuer: string;
  audience: string;
  key: JwtKeyPair;
  /** A JWT valid for the role (iat = nbf = now, exp = now + ttl); `undefined` overrides drop a claim. */
  mint(overrides?: Record<string, unknown>, ttlSeconds?: number): string;
}

export interface JwtRoleOptions {
  bound_audiences?: string[];
  bound_subject?: string;
  token_ttl?: number;
  token_max_ttl?: number;
  token_policies?: string[];
}

export interface BaoTarget {
  kind: "emulator" | "real";
  url: string;
  caPem: string | undefined;
  token: string;
  transitMount: string;
  emulator: Emulator | undefined;
  call(method: string, path: string, o?: CallOptions): Promise<BaoReply>;
  /** A fresh key name; `createKey` also creates it (aes256-gcm96 unless body says otherwise). */
  newKeyName(prefix?: string): string;
  createKey(prefix?: string, body?: Record<string, unknown>): Promise<string>;
  /** Enables + configures a jwt auth mount with a fresh key pair and one role. */
  enableJwtMount(role?: JwtRoleOptions): Promise<JwtMount>;
  /** Enables a fresh transit mount (removed at close); returns its path. `headers` e.g. a namespace. */
  enableTransitMount(headers?: Record<string, string>): Promise<string>;
  /** Writes a uniquely named ACL policy with PUT sys/policies/acl/<name> (removed at close); returns the name. */
  writePolicy(hcl: string, headers?: Record<string, string>): Promise<string>;
  /**
   * A token from POST auth/token/create with exactly `policies`: `default` only when listed.
   * `no_default_policy` is sent only when `default` is not wanted, since OpenBao removes `default`
   * under it even when listed (token_store.go resolveTokenPolicies).
   */
  createToken(policies: string[], headers?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

export async function openTarget(opts: EmulatorOptions = {}): Promise<BaoTarget> {
  const emulator = isRealTarget ? undefined : await startEmulator(opts);
  const url = isRealTarget ? process.env.BAO_ADDR!.replace(/\/+$/, "") : emulator!.url;
  const caFile = process.env.BAO_CACERT;
  const caPem = emulator ? emulator.caPem : caFile ? readFileSync(caFile, "utf8") : undefined;
  const token = emulator ? emulator.rootToken : (process.env.BAO_TOKEN ?? "");
  const transitMount = emulator ? emulator.transitMount : (process.env.BAO_TRANSIT_MOUNT ?? "transit");
  const cleanups: Array<() => Promise<unknown>> = [];
  const runId = randomBytes(3).toString("hex");
  let seq = 0;

  const call = async (method: string, path: string, o: CallOptions = {}): Promise<BaoReply> => {
    const headers: Record<string, string> = { ...o.headers };
    const tok = o.token === undefined ? token : o.token;
    if (tok !== null && tok !== "") headers["X-Vault-Token"] = tok;
    const body = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    const res = await fetch(url + path, {
      method, headers, body, tls: caPem === undefined ? undefined : { ca: caPem },
      signal: AbortSignal.timeout(o.timeoutMs ?? defaultTimeoutMs),
    });
    const text = await res.text();
    let json: Json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  const mustOk = async (method: string, path: string, body?: unknown) => {
    const r = await call(method, path, { body });
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${r.text}`);
    return r;
  };
  const newKeyName = (prefix = "k") => `${prefix}-${runId}-${++seq}`;

  return {
    kind: emulator ? "emulator" : "real",
    url, caPem, token, transitMount, emulator, call, newKeyName,
    async createKey(prefix, body = {}) {
      const name = newKeyName(prefix);
      await mustOk("POST", `/v1/${transitMount}/keys/${name}`, body);
      cleanups.push(async () => {
        await call("POST", `/v1/${transitMount}/keys/${name}/config`, { body: { deletion_allowed: true } });
        await call("DELETE", `/v1/${transitMount}/keys/${name}`);
      });
      return name;
    },
    async enableJwtMount(role = {}) {
      const path = `jwt-${runId}-${++seq}`;
      const mount = `auth/${path}`;
      const key = generateJwtKeyPair("RS256");
      const issuer = `https://issuer-${runId}.test`;
      const audience = "openbao-kms-test";
      await mustOk("POST", `/v1/sys/auth/${path}`, { type: "jwt" });
      cleanups.push(() => call("DELETE", `/v1/sys/auth/${path}`));
      await mustOk("POST", `/v1/${mount}/config`, { jwt_validation_pubkeys: [key.publicKeyPem], bound_issuer: issuer });
      await mustOk("POST", `/v1/${mount}/role/kms`, {
        role_type: "jwt", user_claim: "sub", bound_audiences: [audience], token_policies: ["kms-plugin"],
        token_ttl: 3600, token_max_ttl: 7200, ...role,
      });
      const clock = opts.nowMs ?? Date.now;
      return {
        mount, role: "kms", issuer, audience, key,
        mint(overrides = {}, ttlSeconds = 3600) {
          const now = Math.floor(clock() / 1000);
          return signJwt(key, { iss: issuer, sub: "system:serviceaccount:kube-system:kms", aud: audience, iat: now, nbf: now, exp: now + ttlSeconds, ...overrides });
        },
      };
    },
    async enableTransitMount(headers = {}) {
      const path = `transit-${runId}-${++seq}`;
      const r = await call("POST", `/v1/sys/mounts/${path}`, { body: { type: "transit" }, headers });
      if (r.status >= 300) throw new Error(`enable ${path} → ${r.status} ${r.text}`);
      cleanups.push(() => call("DELETE", `/v1/sys/mounts/${path}`, { headers }));
      return path;
    },
    async writePolicy(hcl, headers = {}) {
      const name = `kms-test-${runId}-${++seq}`;
      const r = await call("PUT", `/v1/sys/policies/acl/${name}`, { body: { policy: hcl }, headers });
      if (r.status >= 300) throw new Error(`policy ${name} → ${r.status} ${r.text}`);
      cleanups.push(() => call("DELETE", `/v1/sys/policies/acl/${name}`, { headers }));
      return name;
    },
    async createToken(policies, headers = {}) {
      const noDefault = policies.includes("default") ? {} : { no_default_policy: true };
      const r = await call("POST", "/v1/auth/token/create", { body: { policies, ...noDefault, ttl: "10m" }, headers });
      if (r.status >= 300) throw new Error(`token create → ${r.status} ${r.text}`);
      return r.json.auth.client_token as string;
    },
    async close() {
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
      await emulator?.stop();
    },
  };
}
