// Value rules on their own: which strings pass, which fail, and with which fixed message.
import { describe, expect, test } from "bun:test";
import * as rule from "../../src/config/rules.ts";

const ok = (r: rule.Rule, values: string[]) =>
  test.each(values)("accepts %p", (s) => {
    expect(r(s)).toBeUndefined();
  });

const bad = (r: rule.Rule, cases: Array<[string, string]>) =>
  test.each(cases)("refuses %p", (s, message) => {
    expect(r(s)).toBe(message);
  });

describe("identifier", () => {
  ok(rule.identifier, ["openbao-prod", "a b", "ünïcödé", ""]);
  bad(rule.identifier, [
    [" x", "must not have leading or trailing whitespace"],
    ["x\n", "must not have leading or trailing whitespace"],
    ["a\u0000b", "must not contain control characters"],
    ["a\rb", "must not contain control characters"],
    ["a\tb", "must not contain control characters"],
    ["a\u001bb", "must not contain control characters"],
    ["a\u007fb", "must not contain control characters"],
  ]);
});

describe("relative path (mount paths, namespace)", () => {
  ok(rule.relativePath, ["transit", "auth/jwt", "admin/workload-a", "auth/k8s-workload-a-jwt"]);
  bad(rule.relativePath, [
    ["/admin", 'must be a relative path (no leading "/")'],
    ["a//b", 'must not contain "//"'],
    ["transit/", 'must not end with "/"'],
    ["a/../b", 'must not contain "." or ".." segments'],
    ["./transit", 'must not contain "." or ".." segments'],
    ["..", 'must not contain "." or ".." segments'],
    ["a%2Fb", 'must not contain "%", "?" or "#"'],
    ["transit?x", 'must not contain "%", "?" or "#"'],
    [" transit", "must not have leading or trailing whitespace"],
  ]);
});

describe("single segment (transit.key_name)", () => {
  ok(rule.singleSegment, ["kubernetes", "k8s.prod-1", "0123"]);
  bad(rule.singleSegment, [
    ["a/b", 'must be a single path segment (no "/" or "%")'],
    ["a%2fb", 'must be a single path segment (no "/" or "%")'],
    ["..", 'must not be "." or ".."'],
    ["k#1", 'must not contain "%", "?" or "#"'],
  ]);
});

describe("OpenBao address", () => {
  ok(rule.openBaoAddress, ["https://openbao.example:8200", "https://openbao.example/", "HTTPS://h", "https://[::1]:8200", "https://10.0.0.1"]);
  bad(rule.openBaoAddress, [
    ["http://h", "must use https"],
    ["ftp://h", 'must be an https URL such as "https://openbao.example.internal:8200"'],
    ["openbao.example:8200", 'must be an https URL such as "https://openbao.example.internal:8200"'],
    ["https:h", 'must be an https URL such as "https://openbao.example.internal:8200"'],
    ["https:///h", 'must be an https URL such as "https://openbao.example.internal:8200"'],
    ["https://user@h", "must not contain user info"],
    ["https://@h", "must not contain user info"],
    ["https://u:p@h:8200", "must not contain user info"],
    ["https://h?x=1", "must not have a query"],
    ["https://h/?", "must not have a query"],
    ["https://h#f", "must not have a fragment"],
    ["https://h/v1", "must not have a path"],
    ["https://h:99999", 'must be an https URL such as "https://openbao.example.internal:8200"'],
    ["https://h x", 'must be an https URL such as "https://openbao.example.internal:8200"'],
    [" https://h", "must not have leading or trailing whitespace"],
  ]);

  test("normalises to scheme://host[:port] with no trailing slash", () => {
    expect(rule.normaliseAddress("HTTPS://OpenBao.Example:8200/")).toBe("https://openbao.example:8200");
    expect(rule.normaliseAddress("https://h:443")).toBe("https://h");
  });
});

describe("socket path", () => {
  ok(rule.socketPath, ["/run/openbao-kms/kms.sock", "/var/run/openbao-kms/kms.sock", "/run/openbao-kms/sub/kms.sock", "//run/openbao-kms/./kms.sock"]);
  const outside = "must be inside /run/openbao-kms or /var/run/openbao-kms";
  bad(rule.socketPath, [
    ["kms.sock", "must be an absolute path"],
    ["/tmp/kms.sock", outside],
    ["/run/kms.sock", outside],
    ["/run/openbao-kms", outside],
    ["/run/openbao-kms/", outside],
    ["/run/openbao-kms-evil/kms.sock", outside],
    ["/run/openbao-kms/../kms.sock", outside],
    [`/run/openbao-kms/${"a".repeat(100)}.sock`, "must be at most 107 bytes long (Unix socket path limit)"],
  ]);

  test("is cleaned like Go's filepath.Clean", () => {
    expect(rule.cleanPath("//run/openbao-kms/./x/../kms.sock/")).toBe("/run/openbao-kms/kms.sock");
  });
});

describe("socket mode", () => {
  ok(rule.socketMode, ["0660", "0600", "660", "0640", "0000"]);
  bad(rule.socketMode, [
    ["0666", 'must not allow world access or execute bits (use e.g. "0660")'],
    ["0770", 'must not allow world access or execute bits (use e.g. "0660")'],
    ["0760", 'must not allow world access or execute bits (use e.g. "0660")'],
    ["0661", 'must not allow world access or execute bits (use e.g. "0660")'],
    ["1660", "must not exceed 0777"],
    ["0689", 'must be an octal mode string such as "0660"'],
    ["0o660", 'must be an octal mode string such as "0660"'],
    ["rw-rw----", 'must be an octal mode string such as "0660"'],
  ]);
});

describe("socket group", () => {
  ok(rule.socketGroup, ["openbao-kms-socket", "65532", "0", "_kms", "kube.api", "4294967294"]);
  bad(rule.socketGroup, [
    ["4294967295", "GID is out of range"],
    ["-kms", "must be a group name or a decimal GID"],
    ["kms socket", "must be a group name or a decimal GID"],
    ["g".repeat(33), "must be a group name or a decimal GID"],
  ]);
});

describe("provider name", () => {
  ok(rule.noColon, ["openbao-kms"]);
  bad(rule.noColon, [["a:b", 'must not contain ":" (kube-apiserver rejects it in KMS provider names)']]);
});

describe("listen address (server.metrics_address, server.health_address)", () => {
  const hostPort = 'must be "host:port" such as "127.0.0.1:8081" (or "" to disable)';
  ok(rule.listenAddress, ["127.0.0.1:8081", "[::1]:8082", "localhost:0", "metrics.node-1.internal:9100", "0.0.0.0:65535", "127.0.0.1:08081"]);
  bad(rule.listenAddress, [
    ["127.0.0.1", hostPort],
    [":8081", hostPort],
    ["::1:8081", hostPort],
    ["[::1]", hostPort],
    ["[fe80::1%eth0]:8081", hostPort],
    ["999.1.1.1:80", hostPort],
    ["host_name:80", hostPort],
    ["127.0.0.1:80a", hostPort],
    ["http://127.0.0.1:8081", hostPort],
    [" 127.0.0.1:8081", hostPort],
    ["127.0.0.1:65536", "port must be between 0 and 65535"],
    ["[::1]:99999", "port must be between 0 and 65535"],
  ]);

  test("parseListenAddress strips IPv6 brackets and reads the port as a number", () => {
    expect(rule.parseListenAddress("[::1]:08082")).toEqual({ host: "::1", port: 8082 });
    expect(rule.parseListenAddress("127.0.0.1:0")).toEqual({ host: "127.0.0.1", port: 0 });
  });

  test.each([
    ["127.0.0.1:8081", "127.0.0.1:8081", true],
    ["127.0.0.1:8081", "127.0.0.1:08081", true],
    ["[::ffff:127.0.0.1]:8081", "127.0.0.1:8081", true],
    ["[::1]:9000", "[0:0:0:0:0:0:0:1]:9000", true],
    ["LocalHost:9000", "localhost:9000", true],
    ["127.0.0.1:0", "127.0.0.1:0", false],
    ["127.0.0.1:8081", "127.0.0.1:8082", false],
    ["127.0.0.1:8081", "127.0.0.2:8081", false],
    ["127.0.0.1:8081", "", false],
    ["not an address", "not an address", false],
  ])("conflict(%p, %p) = %p", (a, b, expected) => {
    expect(rule.listenAddressesConflict(a, b)).toBe(expected);
    expect(rule.listenAddressesConflict(b, a)).toBe(expected);
  });
});
