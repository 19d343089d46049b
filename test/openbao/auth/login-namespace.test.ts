// docs/openbao-compat.md §Namespaces: an unknown namespace is a 404 "namespace not found", also
// for a login, and the only cause of a 404 there (a wrong auth mount is a 403). The login error
// names openbao.namespace, and never repeats OpenBao's text or the JWT.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { AuthError } from "../../../src/openbao/auth/errors.ts";
import { jwtLogin } from "../../../src/openbao/auth/methods.ts";
import { createOpenBaoHttp } from "../../../src/openbao/http.ts";
import { startEmulator, type Emulator } from "../../support/emulator/server.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ namespaces: ["team-a"] });
});
afterAll(() => emu?.stop());

const login = (namespace: string, mountPath = emu.jwtMount) => {
  const http = createOpenBaoHttp({ address: emu.url, caPem: emu.caPem, tlsServerName: emu.serverName, namespace, timeoutMs: 2000 });
  const jwt = emu.mintJwt();
  return { jwt, run: jwtLogin({ http, mountPath, role: emu.jwtRole, jwt: async () => jwt })(AbortSignal.timeout(5000)) };
};

test("unknown namespace → login_not_found naming openbao.namespace", async () => {
  const { jwt, run } = login("no-such-ns");
  const e = await run.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(AuthError);
  expect((e as AuthError).authClass).toBe("login_not_found");
  expect((e as AuthError).status).toBe(404);
  expect((e as AuthError).message).toBe(
    `OpenBao answered 404 for the login at ${emu.jwtMount} (HTTP 404): the namespace in openbao.namespace does not exist; create it or correct openbao.namespace`,
  );
  expect((e as AuthError).message).not.toContain(jwt);
});

test("an existing namespace without that auth mount → 403 login_denied (no mount there, so no login path)", async () => {
  const e = await login("team-a").run.catch((x: unknown) => x);
  expect((e as AuthError).authClass).toBe("login_denied");
});

test("a wrong auth mount in an existing namespace is 403 login_denied, never login_not_found", async () => {
  const e = await login("", "auth/no-such-mount").run.catch((x: unknown) => x);
  expect((e as AuthError).authClass).toBe("login_denied");
  expect((e as AuthError).status).toBe(403);
});

test("the root namespace logs in", async () => {
  expect((await login("").run).token).toMatch(/^hvs\./);
});
