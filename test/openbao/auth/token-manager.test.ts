// The token lifecycle on an injected clock (reference §4.5, checklist 39–42): refresh ahead of
// expiry, renew-self with the configured increment, login on renewal failure, single flight,
// too-short leases, superseded renewals, and recovery after 401/403 with its backoff.
import { describe, expect, test } from "bun:test";
import { TransitError } from "../../../src/kms/errors.ts";
import { createAuthenticatedHttp } from "../../../src/openbao/authenticated-http.ts";
import { AuthError } from "../../../src/openbao/auth/errors.ts";
import type { OpenBaoHttp } from "../../../src/openbao/http.ts";
import { createTokenManager, type AuthEvent, type LeaseResult } from "../../../src/openbao/auth/token-source.ts";

function harness(o: { leaseSeconds?: number; renewable?: boolean; loginDelayMs?: number; renew?: boolean } = {}) {
  let t = 1_000_000;
  let n = 0;
  const logins: number[] = [];
  const renewals: Array<{ token: string; increment: number }> = [];
  const events: AuthEvent[] = [];
  let loginFails: unknown;
  let renewFails: unknown;
  let renewGate: Promise<void> | undefined;
  let loginGate: Promise<void> | undefined;
  let lease = o.leaseSeconds ?? 600;
  const tm = createTokenManager({
    nowMs: () => t,
    loginBeforeExpiryMs: 60_000,
    renewalIncrementMs: 3_600_000,
    refreshTimeoutMs: 5_000,
    onEvent: (e) => events.push(e),
    login: async (): Promise<LeaseResult> => {
      logins.push(t);
      if (loginGate) await loginGate;
      if (o.loginDelayMs) await Bun.sleep(o.loginDelayMs);
      if (loginFails !== undefined) throw loginFails;
      return { token: `tok-${++n}`, leaseSeconds: lease, renewable: o.renewable ?? true };
    },
    ...(o.renew === false
      ? {}
      : {
          renew: async (token: string, increment: number): Promise<LeaseResult> => {
            renewals.push({ token, increment });
            if (renewGate) await renewGate;
            if (renewFails !== undefined) throw renewFails;
            return { token, leaseSeconds: lease, renewable: true };
          },
        }),
  });
  return {
    tm,
    logins,
    renewals,
    events,
    advance: (ms: number) => void (t += ms),
    setLease: (s: number) => void (lease = s),
    failLogin: (e: unknown) => void (loginFails = e),
    failRenew: (e: unknown) => void (renewFails = e),
    gateRenew: () => {
      let open!: () => void;
      renewGate = new Promise((r) => (open = r));
      return () => {
        renewGate = undefined;
        open();
      };
    },
    gateLogin: () => {
      let open!: () => void;
      loginGate = new Promise((r) => (open = r));
      return () => {
        loginGate = undefined;
        open();
      };
    },
  };
}

const settle = () => Bun.sleep(5);

describe("token lifecycle", () => {
  test("50 concurrent first callers cause exactly one login", async () => {
    const h = harness({ loginDelayMs: 20 });
    const tokens = await Promise.all(Array.from({ length: 50 }, () => h.tm.token()));
    expect(new Set(tokens)).toEqual(new Set(["tok-1"]));
    expect(h.logins).toHaveLength(1);
  });

  test("50 concurrent callers at expiry (no renewal) → exactly one new login", async () => {
    const h = harness({ loginDelayMs: 20, renew: false });
    await h.tm.token();
    h.advance(600_000);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => h.tm.token()));
    expect(new Set(tokens)).toEqual(new Set(["tok-2"]));
    expect(h.logins).toHaveLength(2);
  });

  test("inside the refresh window the valid token is returned at once and renewed in the background with the increment", async () => {
    const h = harness();
    await h.tm.token();
    h.advance(541_000); // 59 s left < 60 s window
    expect(await h.tm.token()).toBe("tok-1");
    await settle();
    expect(h.renewals).toEqual([{ token: "tok-1", increment: 3600 }]);
    expect(h.logins).toHaveLength(1);
    expect(h.tm.expiresAtMs()).toBe(1_000_000 + 541_000 + 600_000);
    expect(h.events.map((e) => [e.kind, e.outcome, e.reason])).toEqual([
      ["login", "ok", "initial"],
      ["renewal", "ok", "refresh"],
    ]);
  });

  test("outside the window nothing is refreshed", async () => {
    const h = harness();
    await h.tm.token();
    h.advance(500_000);
    await h.tm.token();
    await settle();
    expect(h.renewals).toHaveLength(0);
    expect(h.logins).toHaveLength(1);
  });

  test("a failed renewal falls back to a login in the same flight", async () => {
    const h = harness();
    await h.tm.token();
    h.failRenew(new AuthError("renewal_failed", "x", { status: 400 }));
    h.advance(541_000);
    expect(await h.tm.token()).toBe("tok-1");
    await settle();
    expect(h.logins).toHaveLength(2);
    expect(await h.tm.token()).toBe("tok-2");
    expect(h.events.map((e) => [e.kind, e.outcome])).toEqual([
      ["login", "ok"],
      ["renewal", "renewal_failed"],
      ["login", "ok"],
    ]);
  });

  test("a non-renewable token is replaced by a login", async () => {
    const h = harness({ renewable: false });
    await h.tm.token();
    h.advance(541_000);
    await h.tm.token();
    await settle();
    expect(h.renewals).toHaveLength(0);
    expect(await h.tm.token()).toBe("tok-2");
  });

  test("a renewal capped by the max TTL (lease ≤ window) counts as failed and a login follows", async () => {
    const h = harness();
    await h.tm.token();
    h.advance(541_000);
    h.setLease(50); // 50 s ≤ 60 s window
    await h.tm.token();
    await settle();
    expect(h.events.map((e) => [e.kind, e.outcome])).toEqual([
      ["login", "ok"],
      ["renewal", "lease_too_short"],
      ["login", "lease_too_short"],
    ]);
    // The still-valid token stays in use after the failed refresh.
    expect(await h.tm.token()).toBe("tok-1");
  });

  test("a login lease not longer than the window is an auth failure", async () => {
    const h = harness({ leaseSeconds: 60 });
    const e = await h.tm.token().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).authClass).toBe("lease_too_short");
    expect((e as AuthError).message).not.toContain("tok-");
  });

  test("after a failed login, callers without a token get the error at once until the backoff passes", async () => {
    const h = harness();
    h.failLogin(new AuthError("login_rejected", "refused", { status: 400 }));
    await expect(h.tm.token()).rejects.toThrow("refused");
    await expect(h.tm.token()).rejects.toThrow("refused");
    expect(h.logins).toHaveLength(1);
    h.advance(1_000);
    await expect(h.tm.token()).rejects.toThrow("refused");
    expect(h.logins).toHaveLength(2);
    h.failLogin(undefined);
    await expect(h.tm.token()).rejects.toThrow("refused"); // 2 s backoff now
    h.tm.retryNow();
    expect(await h.tm.token()).toBe("tok-1");
  });

  test("a caller's abort does not cancel the shared login", async () => {
    const h = harness({ loginDelayMs: 30 });
    const ac = new AbortController();
    const first = h.tm.token(ac.signal);
    ac.abort(new Error("caller gone"));
    await expect(first).rejects.toThrow("caller gone");
    expect(await h.tm.token()).toBe("tok-1");
    expect(h.logins).toHaveLength(1);
  });
});

describe("recovery after 401/403", () => {
  test("a superseded renewal never restores the refused token", async () => {
    const h = harness();
    await h.tm.token();
    h.advance(541_000);
    const open = h.gateRenew();
    await h.tm.token(); // starts the renewal of tok-1
    await settle();
    const recovered = h.tm.recover("tok-1"); // tok-1 refused while the renewal is in flight
    open();
    expect(await recovered).toBe("tok-2");
    expect(await h.tm.token()).toBe("tok-2");
    expect(h.logins).toHaveLength(2);
    expect(h.events.map((e) => [e.kind, e.outcome])).toContainEqual(["renewal", "superseded"]);
  });

  test("50 callers holding the refused token → one login, all get the new token", async () => {
    const h = harness({ loginDelayMs: 20 });
    await h.tm.token();
    const out = await Promise.all(Array.from({ length: 50 }, () => h.tm.recover("tok-1")));
    expect(new Set(out)).toEqual(new Set(["tok-2"]));
    expect(h.logins).toHaveLength(2);
    // A late caller with the old token gets the replacement without another login.
    expect(await h.tm.recover("tok-1")).toBe("tok-2");
    expect(h.logins).toHaveLength(2);
  });

  test("at most one recovery per 5 s; repeated denials back off 5 s → 5 m; the token stays in use", async () => {
    const h = harness();
    await h.tm.token();
    let token = "tok-1";
    const gaps: number[] = [];
    let last = 0;
    let now = 0;
    for (let i = 0; i < 1_000; i++) {
      const fresh = await h.tm.recover(token);
      if (fresh !== undefined) {
        gaps.push(now - last);
        last = now;
        token = fresh;
        h.tm.rejectedAgain(fresh); // the retry was denied too (a policy denial, say)
      }
      expect(await h.tm.token()).toBe(token); // still valid, still used
      h.advance(1_000);
      now += 1_000;
    }
    expect(gaps.slice(1)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    expect(h.logins.length).toBeLessThan(12);
  });

  test("many refused retries with one recovered token count as one repeated denial", async () => {
    const h = harness();
    await h.tm.token();
    const fresh = (await h.tm.recover("tok-1"))!;
    for (let i = 0; i < 50; i++) h.tm.rejectedAgain(fresh); // 50 concurrent callers' retries
    h.advance(9_999);
    expect(await h.tm.recover(fresh)).toBeUndefined();
    h.advance(1);
    expect(await h.tm.recover(fresh)).toBe("tok-3"); // 10 s, the second step, not 5 m
  });

  test("a throttled recovery returns undefined and makes no login", async () => {
    const h = harness();
    await h.tm.token();
    expect(await h.tm.recover("tok-1")).toBe("tok-2");
    expect(await h.tm.recover("tok-2")).toBeUndefined();
    expect(h.logins).toHaveLength(2);
    h.advance(5_000);
    expect(await h.tm.recover("tok-2")).toBe("tok-3");
  });

  test("a quiet period of 10 m resets the backoff", async () => {
    const h = harness({ leaseSeconds: 3600 });
    await h.tm.token();
    let tok = (await h.tm.recover("tok-1"))!;
    h.tm.rejectedAgain(tok);
    h.advance(10_000);
    tok = (await h.tm.recover(tok))!;
    h.tm.rejectedAgain(tok); // now 20 s
    h.advance(600_000);
    expect(await h.tm.recover(tok)).toBeDefined();
    h.advance(5_000);
    expect(await h.tm.recover((await h.tm.token()))).toBeDefined(); // back to 5 s
  });

  test("a failed recovery login keeps the current token in use", async () => {
    const h = harness();
    await h.tm.token();
    h.failLogin(new AuthError("login_rejected", "no", { status: 400 }));
    expect(await h.tm.recover("tok-1")).toBeUndefined();
    expect(await h.tm.token()).toBe("tok-1");
  });
});

describe("authenticated requests", () => {
  function fakeHttp(valid: Set<string>) {
    const calls: string[] = [];
    const http: OpenBaoHttp = {
      async request(_m, _p, op, o = {}) {
        calls.push(o.token ?? "");
        if (!valid.has(o.token ?? "")) throw new TransitError("permission_denied", op, 403);
        return { status: 200, body: {} };
      },
    };
    return { http, calls };
  }

  test("a revoked token → one re-login and one retry, then the request succeeds", async () => {
    const h = harness();
    const valid = new Set(["tok-1"]);
    const { http, calls } = fakeHttp(valid);
    const authed = createAuthenticatedHttp(http, h.tm);
    await authed.request("GET", "x", "op");
    valid.delete("tok-1"); // revoked at OpenBao
    valid.add("tok-2");
    await authed.request("GET", "x", "op");
    expect(calls).toEqual(["tok-1", "tok-1", "tok-2"]);
    expect(h.logins).toHaveLength(2);
  });

  test("a hard denial: the retry is denied too, the error is returned, and the next denial is throttled", async () => {
    const h = harness();
    const { http, calls } = fakeHttp(new Set());
    const authed = createAuthenticatedHttp(http, h.tm);
    await expect(authed.request("GET", "x", "op")).rejects.toMatchObject({ kind: "permission_denied" });
    expect(calls).toEqual(["tok-1", "tok-2"]);
    for (let i = 0; i < 20; i++) await expect(authed.request("GET", "x", "op")).rejects.toMatchObject({ kind: "permission_denied" });
    expect(h.logins).toHaveLength(2); // no further login inside the backoff
    expect(calls).toHaveLength(22);
  });

  test("other failures are not recovered", async () => {
    const h = harness();
    const http: OpenBaoHttp = { request: async (_m, _p, op) => Promise.reject(new TransitError("sealed", op, 503)) };
    await expect(createAuthenticatedHttp(http, h.tm).request("GET", "x", "op")).rejects.toMatchObject({ kind: "sealed" });
    expect(h.logins).toHaveLength(1);
  });
});
