// The OpenBao token, in memory only. Logs in with the JWT file (re-read on every login) and
// logs in again ahead of expiry; concurrent callers share one login (single flight).

import { openSync, closeSync, fstatSync, readSync } from "node:fs";
import * as v from "valibot";
import { TransitError } from "../kms/errors.ts";
import type { OpenBaoHttp } from "./http.ts";
import { loginReply } from "./wire.ts";

export interface TokenSource {
  /** A currently valid token; logs in when there is none or it is about to expire. */
  token(signal?: AbortSignal): Promise<string>;
}

export interface JwtFileTokenSourceOptions {
  readonly http: OpenBaoHttp;
  /** e.g. "auth/jwt" */
  readonly mountPath: string;
  readonly role: string;
  readonly jwtFile: string;
  readonly nowMs?: () => number;
}

export const maxJwtFileBytes = 1024 * 1024;

/** Reads the JWT file (bounded, one trailing newline allowed). The content is never logged. */
export function readJwtFile(path: string): string {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > maxJwtFileBytes) throw new Error(`JWT file ${path} is larger than ${maxJwtFileBytes} bytes`);
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    const text = buf.subarray(0, off).toString("utf8").replace(/\r?\n$/, "");
    if (text === "" || /\s/.test(text)) throw new Error(`JWT file ${path} must hold exactly one compact JWT`);
    return text;
  } finally {
    closeSync(fd);
  }
}

export function createJwtFileTokenSource(opts: JwtFileTokenSourceOptions): TokenSource {
  const now = opts.nowMs ?? Date.now;
  let current: { token: string; refreshAtMs: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function login(): Promise<string> {
    let jwt: string;
    try {
      jwt = readJwtFile(opts.jwtFile);
    } catch (cause) {
      throw new TransitError("unknown", "auth.login", undefined, { cause, isAuthentication: true });
    }
    let body: unknown;
    try {
      body = (await opts.http.request("POST", `${opts.mountPath}/login`, "auth.login", { json: { role: opts.role, jwt } })).body;
    } catch (error) {
      if (error instanceof TransitError) throw new TransitError(error.kind, "auth.login", error.status, { cause: error, isAuthentication: true });
      throw error;
    }
    const parsed = v.safeParse(loginReply, body);
    if (!parsed.success) throw new TransitError("invalid_response", "auth.login", undefined, { isAuthentication: true });
    const { client_token: token, lease_duration: leaseSeconds } = parsed.output.auth;
    const issuedAt = now();
    // Log in again once two thirds of the lease are used (the full lifecycle is auth's job).
    const refreshAtMs = leaseSeconds === 0 ? Number.POSITIVE_INFINITY : issuedAt + (leaseSeconds * 1000 * 2) / 3;
    current = { token, refreshAtMs };
    return token;
  }

  return {
    async token(signal) {
      if (current !== undefined && now() < current.refreshAtMs) return current.token;
      inFlight ??= login().finally(() => {
        inFlight = undefined;
      });
      if (signal === undefined) return inFlight;
      return Promise.race([
        inFlight,
        new Promise<never>((_, reject) => {
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        }),
      ]);
    },
  };
}
