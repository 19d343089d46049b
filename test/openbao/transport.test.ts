// Transport failure classes and TLS floor (issue 4 §6): TLS < 1.2 refused (tls_failed, with a
// TLS 1.2 server of the same certificate as the positive control), an unknown CA → tls_failed,
// an unresolvable name → dns_failed, a closed port → connection_failed; X-Vault-Namespace on
// logins, renewals and Transit calls.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { TransitError } from "../../src/kms/errors.ts";
import { jwtLogin, renewSelf } from "../../src/openbao/auth/methods.ts";
import { createOpenBaoHttp } from "../../src/openbao/http.ts";
import { createTokenManager } from "../../src/openbao/auth/token-source.ts";
import { createTransitClient } from "../../src/openbao/transit-client.ts";
import { setUpNamespace } from "../support/operator-setup.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { makeTestPki, type TestPki } from "../support/tls.ts";

let dir: string;
let pki: TestPki;
let emu: Emulator;
beforeAll(async () => {
  dir = mkdtempSync("/tmp/bkp-tls-");
  pki = makeTestPki(dir, { serverName: "openbao.test" });
  emu = await startEmulator();
  await setUpNamespace(emu, "team-a"); // namespaces are isolated: team-a gets its own mount, key, auth and policy
});
afterAll(async () => {
  await emu.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** An `openssl s_server` limited to one TLS version; resolves once it accepts connections. */
async function opensslServer(versionFlag: string) {
  const port = await freePort();
  const proc = Bun.spawn(
    ["openssl", "s_server", "-accept", `127.0.0.1:${port}`, "-cert", pki.certFile, "-key", pki.keyFile, versionFlag, "-cipher", "DEFAULT:@SECLEVEL=0", "-www", "-quiet"],
    { stdout: "ignore", stderr: "ignore" },
  );
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = connect(port, "127.0.0.1");
      c.once("connect", () => (c.destroy(), resolve(true)));
      c.once("error", () => resolve(false));
    });
    if (up) break;
    await Bun.sleep(25);
  }
  return { url: `https://127.0.0.1:${port}`, stop: () => proc.kill() };
}

const request = (address: string, caPem: string) =>
  createOpenBaoHttp({ address, caPem, tlsServerName: "openbao.test", namespace: "", timeoutMs: 3000 }).request("GET", "sys/health", "op");

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof TransitError) return e.kind;
    throw e;
  }
}

describe("transport failures", () => {
  test("a server that offers only TLS 1.1 is refused as tls_failed; the same server on TLS 1.2 answers", async () => {
    const old = await opensslServer("-tls1_1");
    const current = await opensslServer("-tls1_2");
    try {
      expect(await kindOf(request(old.url, pki.caPem))).toBe("tls_failed");
      // s_server -www answers plain text, which is not JSON: any HTTP answer proves the handshake worked.
      expect(await kindOf(request(current.url, pki.caPem))).toBe("invalid_response");
    } finally {
      old.stop();
      current.stop();
    }
  });

  test("a certificate from another CA → tls_failed", async () => {
    expect(await kindOf(request(emu.url, pki.caPem))).toBe("tls_failed");
  });

  test("an unresolvable host → dns_failed; a closed port → connection_failed", async () => {
    expect(await kindOf(request("https://no-such-host.invalid:8200", pki.caPem))).toBe("dns_failed");
    expect(await kindOf(request(`https://127.0.0.1:${await freePort()}`, pki.caPem))).toBe("connection_failed");
    expect(await kindOf(request(`https://localhost:${await freePort()}`, pki.caPem))).toBe("connection_failed");
  });
});

describe("namespace", () => {
  test("X-Vault-Namespace is sent on the login, the renewal and every Transit call", async () => {
    const http = createOpenBaoHttp({ address: emu.url, caPem: emu.caPem, tlsServerName: emu.serverName, namespace: "team-a", timeoutMs: 2000 });
    const jwt = emu.mintJwt();
    const tm = createTokenManager({
      login: jwtLogin({ http, mountPath: emu.jwtMount, role: emu.jwtRole, jwt: async () => jwt }),
      renew: renewSelf(http),
      loginBeforeExpiryMs: 10_000,
      renewalIncrementMs: 3_600_000,
      refreshTimeoutMs: 5_000,
    });
    const transit = createTransitClient({ http, tokens: tm, mountPath: emu.transitMount, keyName: emu.keyName });
    emu.resetCounts();
    await transit.readKey();
    await renewSelf(http)(await tm.token(), 60, AbortSignal.timeout(2000));
    const seen = emu.requests.map((r) => [r.path, r.namespace]);
    expect(seen).toEqual([
      [`/v1/${emu.jwtMount}/login`, "team-a"],
      [`/v1/${emu.transitMount}/keys/${emu.keyName}`, "team-a"],
      ["/v1/auth/token/renew-self", "team-a"],
    ]);
  });
});
