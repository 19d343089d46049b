// JWT via OAuth2 client credentials (reference §4.3): one grant per OpenBao login, the client
// secret read again for every grant, redirects refused, `application/json` and a Bearer
// token_type required, the body capped; the access token is then checked like a JWT file.

import { classifyTransportFailure, refineConnectionFailure } from "../classify.ts";
import { clientSecretFileRule, readCredentialFile } from "./credential-file.ts";
import { AuthError } from "./errors.ts";
import { checkJwt, type JwtExpectations } from "./jwt-check.ts";
import type { JwtSupplier } from "./methods.ts";

export interface OAuth2Options {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecretFile: string;
  readonly authMethod: "client_secret_basic" | "client_secret_post";
  readonly scopes: readonly string[];
  readonly audience: string;
  readonly resources: readonly string[];
  /** PEM bundle, or undefined for the system roots. */
  readonly caPem?: string;
  readonly checks: Omit<JwtExpectations, "nowMs">;
  readonly nowMs?: () => number;
  readonly fetch?: typeof fetch;
}

/** Largest token response accepted, bytes. */
export const maxTokenResponseBytes = 1024 * 1024;

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 §2.3.1 for Basic). */
const formEscape = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);

function readClientSecret(path: string): string {
  let text: string;
  try {
    text = readCredentialFile(path, clientSecretFileRule);
  } catch (error) {
    const detail = error instanceof AuthError ? error.detail : `OAuth2 client_secret_file ${path} cannot be read`;
    throw new AuthError("oauth2_credential_unavailable", detail);
  }
  const secret = text.replace(/\r?\n$/, "");
  if (secret === "" || /[\u0000-\u001f\u007f]/.test(secret)) {
    throw new AuthError("oauth2_credential_unavailable", `OAuth2 client_secret_file ${path} must hold one non-empty line`);
  }
  return secret;
}

async function readCapped(res: Response, limit: number): Promise<string | undefined> {
  if (Number(res.headers.get("content-length") ?? "0") > limit) {
    await res.body?.cancel();
    return undefined;
  }
  if (res.body === null) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

export function oauth2JwtSupplier(o: OAuth2Options): JwtSupplier {
  const now = o.nowMs ?? Date.now;
  const doFetch = o.fetch ?? fetch;
  const host = new URL(o.tokenUrl).host;
  const invalid = (why: string) => new AuthError("oauth2_response_invalid", `the OAuth2 token response from ${host} ${why}`, { kind: "invalid_response" });

  return async (signal) => {
    const secret = readClientSecret(o.clientSecretFile);
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (o.scopes.length > 0) form.set("scope", o.scopes.join(" "));
    if (o.audience !== "") form.set("audience", o.audience);
    for (const r of o.resources) form.append("resource", r);
    const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" };
    if (o.authMethod === "client_secret_basic") {
      headers.Authorization = `Basic ${Buffer.from(`${formEscape(o.clientId)}:${formEscape(secret)}`).toString("base64")}`;
    } else {
      form.set("client_id", o.clientId);
      form.set("client_secret", secret);
    }
    const requestedAtMs = now();
    let res: Response;
    try {
      res = await doFetch(o.tokenUrl, {
        method: "POST",
        headers,
        body: form.toString(),
        redirect: "manual",
        signal,
        ...(o.caPem === undefined ? {} : { tls: { ca: o.caPem, rejectUnauthorized: true } }),
      } as RequestInit);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const kind = await refineConnectionFailure(classifyTransportFailure(error), new URL(o.tokenUrl).hostname);
      throw new AuthError("oauth2_request_failed", `the OAuth2 token request to ${host} failed: ${kind}`, { kind });
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      const redirect = res.status >= 300 && res.status < 400 ? " (redirects are not followed)" : "";
      throw new AuthError("oauth2_rejected", `the OAuth2 token endpoint ${host} answered HTTP ${res.status}${redirect}; check client_id, the client secret and the scopes`, { status: res.status });
    }
    const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") {
      await res.body?.cancel();
      throw invalid("is not application/json");
    }
    let text: string | undefined;
    try {
      text = await readCapped(res, maxTokenResponseBytes);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new AuthError("oauth2_request_failed", `the OAuth2 token response from ${host} was cut off`, { kind: "connection_failed" });
    }
    if (text === undefined) throw invalid(`is larger than ${maxTokenResponseBytes} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw invalid("is not valid JSON");
    }
    const b = (body !== null && typeof body === "object" ? body : {}) as Record<string, unknown>;
    if (typeof b.access_token !== "string" || b.access_token === "") throw invalid("has no access_token");
    if (typeof b.token_type !== "string" || b.token_type.toLowerCase() !== "bearer") throw invalid("has a token_type other than Bearer");
    if (b.expires_in !== undefined && (typeof b.expires_in !== "number" || !Number.isSafeInteger(b.expires_in) || b.expires_in <= 0)) {
      throw invalid("has an expires_in that is not a positive integer");
    }
    const checks = { ...o.checks, nowMs: now() };
    if (typeof b.expires_in === "number" && requestedAtMs + b.expires_in * 1000 - checks.nowMs <= checks.minRemainingTtlMs) {
      throw new AuthError("jwt_near_expiry", `the OAuth2 access token from ${host} expires within auth.jwt.min_remaining_ttl (expires_in)`);
    }
    checkJwt(b.access_token, `the OAuth2 access token from ${host}`, checks);
    return b.access_token;
  };
}
