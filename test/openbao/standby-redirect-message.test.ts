// standbyRedirectMessage and the redirect origin it names: taken from the failure itself or from
// a wrapping error's cause (up to three levels), never from anything else; only the origin.
import { describe, expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { redirectOrigin, standbyRedirectMessage } from "../../src/openbao/classify.ts";

const advice = "point openbao.address at the active node or at a load balancer that sends requests to it";
const redirect = (origin?: string) => new TransitError("standby_redirect", "auth.login", 307, origin === undefined ? {} : { redirectOrigin: origin });

describe("standbyRedirectMessage", () => {
  test("names the configured address, the active node's origin and the advice", () => {
    const m = standbyRedirectMessage("https://bao-1:8200", redirect("https://bao-0:8200"));
    expect(m).toBe(
      "OpenBao at https://bao-1:8200 is a standby node that redirects requests (HTTP 307 to https://bao-0:8200) instead of forwarding them, " +
        `and the provider never follows redirects: ${advice}`,
    );
  });

  test("finds the origin through a wrapping error's cause", () => {
    const wrapped = new Error("login failed", { cause: redirect("https://bao-0:8200") });
    expect(standbyRedirectMessage("https://bao-1:8200", wrapped)).toContain("(HTTP 307 to https://bao-0:8200)");
    const twice = new Error("start-up failed", { cause: new Error("login failed", { cause: redirect("https://bao-2:8200") }) });
    expect(standbyRedirectMessage("https://bao-1:8200", twice)).toContain("(HTTP 307 to https://bao-2:8200)");
  });

  test("stops after three levels, and without an origin says only HTTP 307", () => {
    let deep: Error = redirect("https://bao-0:8200");
    for (let i = 0; i < 3; i++) deep = new Error(`level ${i}`, { cause: deep });
    expect(standbyRedirectMessage("https://bao-1:8200", deep)).toContain("(HTTP 307) instead");
    expect(standbyRedirectMessage("https://bao-1:8200", redirect())).toContain("(HTTP 307) instead");
    expect(standbyRedirectMessage("https://bao-1:8200")).toContain("(HTTP 307) instead");
    // A non-string field is not an origin.
    const odd = Object.assign(new Error("x"), { redirectOrigin: 42 });
    expect(standbyRedirectMessage("https://bao-1:8200", odd)).toContain("(HTTP 307) instead");
  });
});

describe("redirectOrigin", () => {
  test("keeps scheme, host and port only; refuses what is not an absolute http(s) URL or is too long", () => {
    expect(redirectOrigin("https://bao-0:8200/v1/transit/encrypt/k?token=x#f")).toBe("https://bao-0:8200");
    expect(redirectOrigin("http://[::1]:8200/v1/x")).toBe("http://[::1]:8200");
    expect(redirectOrigin("/v1/relative")).toBeUndefined();
    expect(redirectOrigin("ftp://bao-0/")).toBeUndefined();
    expect(redirectOrigin(null)).toBeUndefined();
    expect(redirectOrigin(`https://bao-0:8200/${"a".repeat(2048)}`)).toBeUndefined();
  });
});
