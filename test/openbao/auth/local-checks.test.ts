// Credential-file safety and the local JWT checks, each rule on its own; error texts are
// checked to name the file and the rule but never contain the credential.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { jwtFileRule, readCredentialFile, readSingleTokenFile, secretIdFileRule } from "../../../src/openbao/auth/credential-file.ts";
import { AuthError, type AuthFailureClass } from "../../../src/openbao/auth/errors.ts";
import { checkJwt, type JwtExpectations } from "../../../src/openbao/auth/jwt-check.ts";
import { base64url } from "../../support/jwt.ts";

const dir = mkdtempSync("/tmp/bkp-cred-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const secret = "s3cr3t-value-that-must-never-appear";

function caught(run: () => unknown): AuthError {
  try {
    run();
  } catch (e) {
    if (e instanceof AuthError) return e;
    throw e;
  }
  throw new Error("expected an AuthError");
}

function file(name: string, content: string, mode = 0o600): string {
  const p = join(dir, name);
  writeFileSync(p, content, { mode });
  chmodSync(p, mode);
  return p;
}

describe("credential file safety", () => {
  test("a 0600 file is read; one trailing newline and surrounding space are trimmed", () => {
    expect(readSingleTokenFile(file("ok", `${secret}\n`), secretIdFileRule)).toBe(secret);
    expect(readSingleTokenFile(file("ok640", `${secret}\n`, 0o640), secretIdFileRule)).toBe(secret);
  });

  test.each([
    ["group-writable 0660", 0o660, "has mode 0660"],
    ["world-readable 0604", 0o604, "has mode 0604"],
    ["group-exec 0610", 0o610, "has mode 0610"],
  ])("refuses %s", (_n, mode, text) => {
    const e = caught(() => readSingleTokenFile(file(`m${mode}`, secret, mode), jwtFileRule));
    expect(e.authClass).toBe("credential_file_unreadable");
    expect(e.message).toContain(text);
    expect(e.message).not.toContain(secret);
  });

  test("refuses a symlink, even to a good file", () => {
    const target = file("target", secret);
    const link = join(dir, "link");
    symlinkSync(target, link);
    expect(caught(() => readSingleTokenFile(link, jwtFileRule)).message).toContain("is a symbolic link");
  });

  test("refuses a relative path, a directory, a FIFO and a missing file", () => {
    expect(caught(() => readSingleTokenFile("identity.jwt", jwtFileRule)).message).toContain("must be an absolute path");
    const sub = join(dir, "sub");
    mkdirSync(sub, { mode: 0o700 });
    expect(caught(() => readSingleTokenFile(sub, jwtFileRule)).message).toContain("is not a regular file");
    const fifo = join(dir, "fifo");
    mkfifoSync(fifo);
    expect(caught(() => readSingleTokenFile(fifo, jwtFileRule)).message).toContain("is not a regular file");
    expect(caught(() => readSingleTokenFile(join(dir, "nope"), jwtFileRule)).message).toContain("cannot be read (ENOENT)");
  });

  test("refuses more than the size limit, accepts exactly the limit", () => {
    const rule = { what: "test file", maxBytes: 64, forbiddenModeBits: 0o077 };
    expect(readCredentialFile(file("at-limit", "a".repeat(64)), rule)).toHaveLength(64);
    expect(caught(() => readCredentialFile(file("over", "a".repeat(65)), rule)).message).toContain("is larger than 64 bytes");
  });

  test("refuses an empty file and a file with two values", () => {
    expect(caught(() => readSingleTokenFile(file("empty", "\n"), jwtFileRule)).message).toContain("is empty");
    expect(caught(() => readSingleTokenFile(file("two", "a b"), jwtFileRule)).message).toContain("without whitespace");
  });

  test("a file replaced between the check and the open is refused (same inode before and after)", () => {
    const p = file("swapped", "checked-value\n");
    const swap = (path: string) => {
      const st = lstatSync(path);
      renameSync(file("swapped.new", "other-value\n"), path); // lands after the check, before the open
      return st;
    };
    const e = caught(() => readCredentialFile(p, jwtFileRule, swap));
    expect(e.message).toContain("changed while it was being opened");
    expect(e.message).not.toContain("other-value");
    expect(readCredentialFile(p, jwtFileRule)).toBe("other-value\n");
  });

  test("an atomic replace (rename over) is read fresh each time", () => {
    const p = file("rot", "first-value\n");
    expect(readSingleTokenFile(p, jwtFileRule)).toBe("first-value");
    const tmp = file("rot.tmp", "second-value\n");
    renameSync(tmp, p);
    expect(readSingleTokenFile(p, jwtFileRule)).toBe("second-value");
  });
});

// The FIFO check needs mkfifo; Bun has no fs.mkfifoSync, so fall back to the mkfifo binary.
function mkfifoSync(path: string): void {
  const r = Bun.spawnSync(["mkfifo", "-m", "600", path]);
  if (r.exitCode !== 0) throw new Error("mkfifo failed");
}

const nowMs = 1_800_000_000_000;
const now = nowMs / 1000;
const expect0: JwtExpectations = { nowMs, leewayMs: 30_000, minRemainingTtlMs: 120_000, issuer: "", audience: [], subject: "" };
const jwt = (claims: Record<string, unknown>, sig = "c2ln") => `${base64url(JSON.stringify({ alg: "RS256" }))}.${base64url(JSON.stringify(claims))}.${sig}`;

describe("local JWT checks (reference §4.2, checklist 37)", () => {
  const good = { iss: "https://issuer", sub: "system:serviceaccount:kube-system:kms", aud: ["openbao", "x"], iat: now, nbf: now, exp: now + 3600 };

  test("a good token passes and gives its expiry", () => {
    expect(checkJwt(jwt(good), "JWT file /f", expect0).expMs).toBe((now + 3600) * 1000);
  });

  test.each<[string, string, AuthFailureClass]>([
    ["two parts", "a.b", "jwt_malformed"],
    ["four parts", "a.b.c.d", "jwt_malformed"],
    ["an empty signature", jwt(good, ""), "jwt_malformed"],
    ["non-JSON payload", `${base64url("{}")}.${base64url("nope")}.c2ln`, "jwt_malformed"],
    ["no exp", jwt({ ...good, exp: undefined }), "jwt_malformed"],
    ["a string exp", jwt({ ...good, exp: String(now + 3600) }), "jwt_malformed"],
    ["a fractional exp", jwt({ ...good, exp: now + 3600.5 }), "jwt_malformed"],
    ["a negative nbf", jwt({ ...good, nbf: -1 }), "jwt_malformed"],
    ["nbf 1 minute ahead (30 s leeway)", jwt({ ...good, nbf: now + 60 }), "jwt_not_yet_valid"],
    ["iat 1 minute ahead", jwt({ ...good, iat: now + 60 }), "jwt_issued_in_future"],
    ["exp 31 s ago", jwt({ ...good, exp: now - 31 }), "jwt_expired"],
    ["exp within min_remaining_ttl", jwt({ ...good, exp: now + 120 }), "jwt_near_expiry"],
  ])("refuses %s", (_n, token, cls) => {
    const e = caught(() => checkJwt(token, "JWT file /f", expect0));
    expect(e.authClass).toBe(cls);
    expect(e.message).toStartWith("JWT file /f");
    expect(e.message).not.toContain(token);
  });

  test("leeway: nbf 20 s ahead and exp 20 s ago (inside 30 s) are not refused for those reasons", () => {
    expect(() => checkJwt(jwt({ ...good, nbf: now + 20 }), "t", expect0)).not.toThrow();
    const e = caught(() => checkJwt(jwt({ ...good, exp: now - 20 }), "t", expect0));
    expect(e.authClass).toBe("jwt_near_expiry");
  });

  test("expected issuer, audience (string or array) and subject", () => {
    const want = { ...expect0, issuer: "https://issuer", audience: ["openbao"], subject: good.sub };
    expect(() => checkJwt(jwt(good), "t", want)).not.toThrow();
    expect(() => checkJwt(jwt({ ...good, aud: "openbao" }), "t", want)).not.toThrow();
    expect(caught(() => checkJwt(jwt({ ...good, iss: "https://other" }), "t", want)).message).toContain("expected_issuer");
    expect(caught(() => checkJwt(jwt({ ...good, aud: ["x"] }), "t", want)).message).toContain("expected_audience");
    expect(caught(() => checkJwt(jwt({ ...good, aud: undefined }), "t", want)).message).toContain("expected_audience");
    expect(caught(() => checkJwt(jwt({ ...good, sub: "someone" }), "t", want)).message).toContain("expected_subject");
  });
});
