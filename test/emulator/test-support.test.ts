// The test helpers themselves: the openssl PKI (SANs, modes, CA trust really checked by the
// client) and JWT signing (verifies with node:crypto, RS256 and ES256).
import { afterAll, describe, expect, test } from "bun:test";
import { X509Certificate, verify } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildClaims, decodeJwtClaims, generateJwtKeyPair, signJwt } from "../support/jwt.ts";
import { makeCa, makeTestPki } from "../support/tls.ts";
import { startEmulator } from "../support/emulator/server.ts";

const dir = mkdtempSync(join(tmpdir(), "bao-pki-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("makeTestPki", () => {
  const pki = makeTestPki(dir, { serverName: "openbao.test", extraNames: ["bao.internal", "10.1.2.3"] });

  test("server cert: SANs, signed by the CA, not a CA itself", () => {
    const cert = new X509Certificate(pki.certPem);
    const ca = new X509Certificate(pki.caPem);
    expect(cert.subjectAltName).toBe("DNS:openbao.test, DNS:localhost, DNS:bao.internal, IP Address:127.0.0.1, IP Address:10.1.2.3");
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(ca.ca).toBe(true);
  });

  test("file modes: certs 0644, keys 0600", () => {
    expect(statSync(pki.caFile).mode & 0o777).toBe(0o644);
    expect(statSync(pki.certFile).mode & 0o777).toBe(0o644);
    expect(statSync(pki.keyFile).mode & 0o777).toBe(0o600);
  });

  test("an unrelated CA does not verify the server cert", () => {
    const other = makeCa(dir, "other-ca");
    expect(new X509Certificate(pki.certPem).verify(new X509Certificate(other.caPem).publicKey)).toBe(false);
  });
});

describe("TLS verification against the emulator", () => {
  test("right CA → connects (127.0.0.1 and localhost); wrong CA or none → refused", async () => {
    const e = await startEmulator();
    try {
      expect((await fetch(`${e.url}/v1/sys/health`, { tls: { ca: e.caPem } })).status).toBe(200);
      expect((await fetch(`https://localhost:${e.port}/v1/sys/health`, { tls: { ca: e.caPem } })).status).toBe(200);
      const wrong = makeCa(dir, "wrong-ca");
      await expect(fetch(`${e.url}/v1/sys/health`, { tls: { ca: wrong.caPem } })).rejects.toThrow();
      await expect(fetch(`${e.url}/v1/sys/health`)).rejects.toThrow();
    } finally {
      await e.stop();
    }
  });
});

describe("JWT helpers", () => {
  test.each(["RS256", "ES256"] as const)("%s tokens verify with node:crypto and carry the claims", (alg) => {
    const kp = generateJwtKeyPair(alg);
    const claims = buildClaims({ iss: "i", sub: "s", aud: ["a"], nowMs: 1_700_000_000_000, ttlSeconds: 60, extra: { nbf: undefined } });
    const token = signJwt(kp, claims);
    const [h, p, s] = token.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(h, "base64url").toString())).toEqual({ alg, typ: "JWT", kid: kp.kid });
    expect(decodeJwtClaims(token)).toEqual({ iss: "i", sub: "s", aud: ["a"], iat: 1_700_000_000, exp: 1_700_000_060 });
    const key = alg === "RS256" ? kp.publicKey : { key: kp.publicKey, dsaEncoding: "ieee-p1363" as const };
    expect(verify("sha256", Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url"))).toBe(true);
    expect(verify("sha256", Buffer.from(`${h}.${p}x`), key, Buffer.from(s, "base64url"))).toBe(false);
  });
});
