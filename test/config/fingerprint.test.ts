// identityFingerprint: golden values (computed independently of this code), Go JSON escaping,
// and sensitivity to exactly the identity-bearing fields.
import { describe, expect, test } from "bun:test";
import { identityFingerprint, identityJson } from "../../src/config/fingerprint.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { fixtureText } from "./fixture.ts";

const valid = await fixtureText("valid.toml");
const minimal = await fixtureText("minimal.toml");
const fp = (text: string) => identityFingerprint(parseConfigText(text));
const edit = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`fixture lacks ${from}`);
  return text.replace(from, to);
};

describe("golden values", () => {
  test("valid.toml (with namespace)", () => {
    const cfg = parseConfigText(valid);
    expect(identityJson(cfg)).toBe(
      '{"domain":"openbao-kubernetes-kms/config-identity/v1","provider_name":"openbao-kms","cluster_id":"prod-eu-1",' +
        '"openbao_instance_id":"openbao-prod","openbao_namespace":"admin/workload-a",' +
        '"transit_mount_id":"8d5e2b71-4c3a-4f09-b6e2-91a7c0d4e3f5","key_lineage_id":"a7c3e91f5b2d4086e1f9c3b7d5a20e48",' +
        '"transit_mount_path":"transit","transit_key_name":"kubernetes"}',
    );
    expect(identityFingerprint(cfg)).toBe("cfg1.NMz-cgzZt_8ZSLcqleHQ56zsWACI-RAdcZfJjkuGS0w");
  });

  test("minimal.toml (empty namespace is omitted, not empty)", () => {
    const cfg = parseConfigText(minimal);
    expect(identityJson(cfg)).not.toContain("openbao_namespace");
    expect(identityFingerprint(cfg)).toBe("cfg1.B4ZiHBcGRHX5gO0l4Hvf6mnK7eLfBHsCCIw3aifSX3M");
  });

  test("Go escaping: <, >, &, U+2028 and quotes escaped; other non-ASCII raw", () => {
    const text = edit(minimal, 'cluster_id = "prod-eu-1"', 'cluster_id = "a<b>&c\\u2028é\\""');
    const cfg = parseConfigText(text);
    expect(identityJson(cfg)).toContain('"cluster_id":"a\\u003cb\\u003e\\u0026c\\u2028é\\""');
    expect(identityFingerprint(cfg)).toBe("cfg1.3mUW4lzlbalW2yxBrj4d3b0vqkpHuxv6yFjystYEs1U");
  });
});

describe("sensitivity", () => {
  const base = fp(valid);

  test("deterministic, 48 chars, base64url without padding", () => {
    expect(fp(valid)).toBe(base);
    expect(base).toMatch(/^cfg1\.[A-Za-z0-9_-]{43}$/);
  });

  test.each([
    ["transit.key_name", 'key_name = "kubernetes"', 'key_name = "kubernetes-2"'],
    ["transit.mount_path", 'mount_path = "transit"', 'mount_path = "transit-2"'],
    ["openbao.namespace", 'namespace = "admin/workload-a"', 'namespace = "admin/workload-b"'],
    ["openbao.instance_id", 'instance_id = "openbao-prod"', 'instance_id = "openbao-dr"'],
    ["provider_name", 'provider_name = "openbao-kms"', 'provider_name = "openbao-kms-2"'],
    ["cluster_id", 'cluster_id = "prod-eu-1"', 'cluster_id = "prod-eu-2"'],
    ["transit_mount_id", 'transit_mount_id = "8d5e', 'transit_mount_id = "9d5e'],
    ["key_lineage_id", 'key_lineage_id = "a7c3', 'key_lineage_id = "b7c3'],
  ])("changes when %s changes", (_field, from, to) => {
    expect(fp(edit(valid, from, to))).not.toBe(base);
  });

  test.each([
    ["logging.level", 'level = "warn"', 'level = "debug"'],
    ["openbao.timeout", 'timeout = "1m30s"', 'timeout = "5s"'],
    ["openbao.address", "https://OpenBao.Example.Internal:8200/", "https://other.example:8200"],
    ["server.socket_path", 'socket_path = "/run/openbao-kms/kms.sock"', 'socket_path = "/run/openbao-kms/b.sock"'],
    ["auth.jwt.role", 'role = "openbao-kms"', 'role = "other"'],
  ])("does not change when %s changes", (_field, from, to) => {
    expect(fp(edit(valid, from, to))).toBe(base);
  });

  test("field boundaries are unambiguous (JSON, not concatenation)", () => {
    const a = edit(edit(valid, 'cluster_id = "prod-eu-1"', 'cluster_id = "ab"'), 'provider_name = "openbao-kms"', 'provider_name = "x"');
    const b = edit(edit(valid, 'cluster_id = "prod-eu-1"', 'cluster_id = "b"'), 'provider_name = "openbao-kms"', 'provider_name = "xa"');
    expect(fp(a)).not.toBe(fp(b));
  });
});
