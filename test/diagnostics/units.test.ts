// Units behind doctor: JWT claim checks, least-privilege judgement, EncryptionConfiguration rules,
// and the runner's skip propagation.
import { describe, expect, test } from "bun:test";
import { judgeJwt } from "../../src/diagnostics/auth.ts";
import { capabilityPaths, judgeCapabilities } from "../../src/diagnostics/capabilities.ts";
import { checkEncryptionConfigText } from "../../src/diagnostics/encryption-config.ts";
import { fail, Gate, only, pass, warn, withValue } from "../../src/diagnostics/runner.ts";

const now = 1_800_000_000_000;
const jwt = (claims: Record<string, unknown>) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.c2ln`;
const s = (n: number) => Math.floor(now / 1000) + n;

describe("judgeJwt (the login's own checks, as a report line)", () => {
  const e = { nowMs: now, leewayMs: 30_000, minRemainingTtlMs: 120_000, issuer: "", audience: [] as string[], subject: "" };
  test.each([
    [{ exp: s(3600) }, "pass", "exp in 3600s"],
    [{ exp: s(3600), nbf: s(60) }, "fail", "jwt not yet valid"],
    [{ exp: s(3600), nbf: s(20) }, "pass", ""], // within the 30s leeway
    [{ exp: s(3600), iat: s(120) }, "fail", "jwt issued in future"],
    [{ exp: s(-3600) }, "fail", "jwt expired"],
    [{ exp: s(90) }, "fail", "jwt near expiry"],
    [{ sub: "x" }, "fail", "exp is required"],
    [{ exp: "soon" }, "fail", "must be a non-negative integer"],
    [{ exp: 1.5 }, "fail", "must be a non-negative integer"],
  ])("%p → %s", (claims, status, text) => {
    const o = judgeJwt(jwt(claims), "JWT file /x", e);
    expect(o.status).toBe(status as "pass" | "fail");
    expect(o.message ?? "").toContain(text);
  });

  test("expected claims are checked when configured", () => {
    expect(judgeJwt(jwt({ exp: s(3600), iss: "a" }), "t", { ...e, issuer: "b" }).message).toContain("jwt claim mismatch");
    expect(judgeJwt(jwt({ exp: s(3600), aud: ["x", "y"] }), "t", { ...e, audience: ["y"] }).status).toBe("pass");
  });

  test("not a compact JWT / payload not an object", () => {
    expect(judgeJwt("abc", "t", e).message).toContain("jwt malformed");
    expect(judgeJwt(`eyJhIjoxfQ.${Buffer.from("[1]").toString("base64url")}.c2ln`, "t", e).message).toContain("JSON object");
  });

  test("messages never quote the token", () => {
    const t = jwt({ exp: s(-10), sub: "secret-subject" });
    const out = JSON.stringify(judgeJwt(t, "t", e));
    expect(out).not.toContain("secret-subject");
    expect(out).not.toContain(t.split(".")[1]);
  });
});

describe("judgeCapabilities", () => {
  const p = capabilityPaths("transit", "k8s");
  const good = new Map<string, string[]>([
    [p.key, ["read"]], [p.encrypt, ["update"]], [p.decrypt, ["update"]], ...p.management.map((m) => [m, ["deny"]] as [string, string[]]),
  ]);
  test("the init policy is exactly enough", () => {
    expect(judgeCapabilities(p, good)).toEqual({ missing: [], excess: [] });
    expect(judgeCapabilities(p, new Map([...good, ["transit/config/keys", ["read"]]]))).toEqual({ missing: [], excess: [] });
  });
  test.each([
    [p.key, ["read", "update"], "update on transit/keys/k8s"],
    [p.encrypt, ["create", "update"], "create on transit/encrypt/k8s"],
    ["transit/keys/k8s/rotate", ["update"], "update on transit/keys/k8s/rotate"],
    ["transit/export/encryption-key/k8s", ["read"], "read on transit/export/encryption-key/k8s"],
    ["transit/backup/k8s", ["read"], "read on transit/backup/k8s"],
    ["transit/config/keys", ["update"], "update on transit/config/keys"],
  ])("%s with %p is excess", (path, caps, text) => {
    expect(judgeCapabilities(p, new Map([...good, [path, caps]])).excess).toEqual([text]);
  });
  test("missing hot-path capabilities", () => {
    const m = judgeCapabilities(p, new Map([...good, [p.decrypt, ["deny"]], [p.key, ["list"]]]));
    expect(m.missing).toEqual(["read on transit/keys/k8s", "update on transit/decrypt/k8s"]);
  });
  test("root", () => {
    const all = new Map([p.key, p.encrypt, p.decrypt, ...p.management].map((x) => [x, ["root"]]));
    expect(judgeCapabilities(p, all)).toEqual({ missing: [], excess: ["root token (every capability)"] });
  });
  test("the key name is path-escaped", () => {
    expect(capabilityPaths("transit", "a b").key).toBe("transit/keys/a%20b");
  });
});

describe("EncryptionConfiguration rules", () => {
  const want = { providerName: "openbao-kms", socketPath: "/run/openbao-kms/kms.sock" };
  const doc = (providers: string) => `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
${providers}`;
  const kms = (o: Record<string, string> = {}) =>
    `      - kms:\n${Object.entries({ apiVersion: "v2", name: "openbao-kms", endpoint: "unix:///run/openbao-kms/kms.sock", timeout: "3s", ...o }).map(([k, v]) => `          ${k}: "${v}"`).join("\n")}\n`;

  test("kms only: no problems, no fallback", () => {
    expect(checkEncryptionConfigText(doc(kms()), want)).toEqual({ problems: [], identityFallback: false, order: "kms-first" });
  });
  test("a migration source (aescbc first, another kms) is accepted; ours is found where it sits", () => {
    const text = doc("      - aescbc:\n          keys: [{name: k1, secret: c2VjcmV0}]\n      - kms:\n          apiVersion: v2\n          name: old\n          endpoint: unix:///run/old.sock\n" + kms());
    const r = checkEncryptionConfigText(text, want);
    expect(r.problems).toEqual([]);
    expect(r.order).toBe("other");
  });
  test.each([
    [{ apiVersion: "v1" }, "kms.apiVersion: must be v2"],
    [{ timeout: "0s" }, "kms.timeout: must be a positive duration"],
    [{ timeout: "soon" }, "kms.timeout: must be a positive duration"],
    [{ endpoint: "unix:///run/openbao-kms/other.sock" }, "kms.endpoint: must match server.socket_path"],
    [{ name: "x" }, "kms.name: must match transit.key_id_scope.provider_name"],
  ])("%p → problem", (o, text) => {
    const r = checkEncryptionConfigText(doc(kms(o)), want);
    expect(r.problems.join("\n")).toContain(`encryptionConfig.resources[0].providers[0].${text}`);
  });
  test("neither name nor endpoint match → our provider is missing", () => {
    const r = checkEncryptionConfigText(doc(kms({ name: "x", endpoint: "unix:///y.sock" })), want);
    expect(r.problems).toEqual(['encryptionConfig: no kms provider named "openbao-kms" with endpoint unix:///run/openbao-kms/kms.sock']);
  });
  test("structure: kind, unknown fields, two types in one provider, not YAML", () => {
    expect(checkEncryptionConfigText(doc(kms()).replace("EncryptionConfiguration", "Foo"), want).problems).toContain("encryptionConfig.kind: must be EncryptionConfiguration");
    expect(checkEncryptionConfigText(doc(kms()) + "extra: 1\n", want).problems).toContain("encryptionConfig.extra: unknown field");
    expect(checkEncryptionConfigText(doc("      - identity: {}\n        kms: {}\n" + kms()), want).problems).toContain("encryptionConfig.resources[0].providers[0]: must have exactly one provider type");
    expect(checkEncryptionConfigText("a: [", want).problems).toEqual(["encryptionConfig: is not valid YAML"]);
  });
});

describe("the check gate", () => {
  test("a failed prerequisite skips its dependants (transitively); warn counts as passed; a throw is a fail", async () => {
    const g = new Gate();
    await g.check({ id: "a", title: "A" }, () => only(fail("no")));
    await g.check({ id: "b", title: "B", needs: ["a"] }, () => only(pass()));
    await g.check({ id: "c", title: "C", needs: ["b"] }, () => only(pass()));
    await g.check({ id: "d", title: "D" }, () => only(warn("hm")));
    await g.check({ id: "e", title: "E", needs: ["d"] }, () => only(pass()));
    await g.check({ id: "f", title: "F" }, () => {
      throw new TypeError("boom");
    });
    await g.check({ id: "g", title: "G", needs: ["never-ran"] }, () => only(pass()));
    expect(g.results.map((c) => [c.id, c.status, c.message])).toEqual([
      ["a", "fail", "no"], ["b", "skip", "a did not pass"], ["c", "skip", "b did not pass"], ["d", "warn", "hm"], ["e", "pass", undefined], ["f", "fail", "unexpected error (TypeError)"], ["g", "skip", "never-ran did not run"],
    ]);
  });

  test("values flow to dependants only from checks that passed or warned", async () => {
    const g = new Gate();
    const n = await g.check({ id: "n", title: "N" }, () => withValue(warn("ok-ish"), 41));
    const lost = await g.check({ id: "x", title: "X" }, () => withValue(fail("no"), 7));
    expect(lost).toBeUndefined();
    const m = await g.checkWith({ id: "m", title: "M", needs: ["n"] }, [n], ([v]) => withValue(pass(), v + 1));
    expect(m).toBe(42);
    const y = await g.checkWith({ id: "y", title: "Y", needs: ["x"] }, [lost], ([v]) => withValue(pass(), v));
    expect(y).toBeUndefined();
    expect(g.results.at(-1)).toEqual({ id: "y", title: "Y", status: "skip", message: "x did not pass" });
  });
});
