// The fixture battery: the complete and minimal examples load to exact Configs; each bad file
// yields exactly the listed problems (so nothing extra, nothing missing).
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { loadConfigFile } from "../../src/config/load.ts";
import { failingFixture, fixtureDir, fixturePath, pathsAndMessages } from "./fixture.ts";

describe("valid fixtures", () => {
  test("valid.toml: every key, non-default values, normalised address", async () => {
    const cfg = await loadConfigFile(fixturePath("valid.toml"));
    expect(cfg).toEqual({
      configVersion: "v1",
      server: {
        socketPath: "/run/openbao-kms/kms.sock",
        socketMode: 0o660,
        socketGroup: "openbao-kms-socket",
        maxConcurrentStatus: 8,
        maxConcurrentEncrypt: 16,
        maxConcurrentDecrypt: 128,
        metricsAddress: "[::1]:9101",
        healthAddress: "LocalHost:9102",
      },
      openbao: {
        address: "https://openbao.example.internal:8200",
        addresses: ["https://openbao.example.internal:8200"],
        namespace: "admin/workload-a",
        caCertFile: "/etc/openbao-kms/tls/ca.crt",
        tlsServerName: "openbao.example.internal",
        timeoutMs: 90_000,
        healthCheckIntervalMs: 5_000,
        instanceId: "openbao-prod",
      },
      auth: {
        method: "jwt",
        loginBeforeTokenExpiryMs: 240_000,
        tokenRenewalIncrementMs: 7_200_000,
        loginTimeoutMs: 10_000,
        jwt: {
          source: "file",
          mountPath: "auth/jwt",
          role: "openbao-kms",
          jwtFile: "/var/lib/openbao-kms/identity.jwt",
          minRemainingTtlMs: 180_000,
          clockSkewLeewayMs: 10_000,
          expectedIssuer: "https://kubernetes.default.svc",
          expectedAudience: ["openbao-kms", "other"],
          expectedSubject: "system:serviceaccount:kube-system:openbao-kms",
        },
      },
      bootstrap: { graceTimeoutMs: 120_000, retryIntervalMs: 3_000 },
      transit: {
        mountPath: "transit",
        keyName: "kubernetes",
        keyIdScope: {
          providerName: "openbao-kms",
          clusterId: "prod-eu-1",
          transitMountId: "8d5e2b71-4c3a-4f09-b6e2-91a7c0d4e3f5",
          keyLineageId: "a7c3e91f5b2d4086e1f9c3b7d5a20e48",
        },
      },
      status: { probeIntervalMs: 10_000, deepProbeIntervalMs: 60_000, maxStalenessMs: 45_000 },
      state: { path: "/var/lib/openbao-kms/state/key-registry.json" },
      rotation: { mode: "observed", activationDelayMs: 600_000, requireStableObservationCount: 5, rejectVersionRollback: false },
      logging: { level: "warn", format: "text" },
      etcd: {
        endpoints: ["https://10.0.0.11:2379", "https://10.0.0.12:2379"],
        caFile: "/etc/kubernetes/pki/etcd/ca.crt",
        certFile: "/etc/kubernetes/pki/apiserver-etcd-client.crt",
        keyFile: "/etc/kubernetes/pki/apiserver-etcd-client.key",
        prefix: "/k8s",
        requestTimeoutMs: 30_000,
        pageSize: 200,
      },
      cache: { decryptSeedTtlMs: 0, decryptSeedMaxEntries: 1024, decryptSeedMaxBytes: 1_048_576 },
    });
  });

  test("minimal.toml: defaults fill everything that has one", async () => {
    const cfg = await loadConfigFile(fixturePath("minimal.toml"));
    expect(cfg.server).toEqual({
      socketPath: "/run/openbao-kms/kms.sock",
      socketMode: 0o660,
      socketGroup: "65532",
      maxConcurrentStatus: 16,
      maxConcurrentEncrypt: 32,
      maxConcurrentDecrypt: 64,
      metricsAddress: "127.0.0.1:8081",
      healthAddress: "127.0.0.1:8082",
    });
    expect(cfg.openbao.namespace).toBe("");
    expect(cfg.openbao.timeoutMs).toBe(2000);
    expect(cfg.auth).toEqual({
      method: "jwt",
      loginBeforeTokenExpiryMs: 300_000,
      tokenRenewalIncrementMs: 3_600_000,
      loginTimeoutMs: 0,
      jwt: {
        source: "file",
        mountPath: "auth/jwt",
        role: "openbao-kms",
        jwtFile: "/var/lib/openbao-kms/identity.jwt",
        minRemainingTtlMs: 120_000,
        clockSkewLeewayMs: 30_000,
        expectedIssuer: "",
        expectedAudience: [],
        expectedSubject: "",
      },
    });
    expect(cfg.bootstrap).toEqual({ graceTimeoutMs: 60_000, retryIntervalMs: 5_000 });
    expect(cfg.logging).toEqual({ level: "info", format: "json" });
    expect(cfg.status).toEqual({ probeIntervalMs: 30_000, deepProbeIntervalMs: 300_000, maxStalenessMs: 120_000 });
    expect(cfg.state).toEqual({ path: "/var/lib/openbao-kms/state/key-registry.json" });
    expect(cfg.rotation).toEqual({ mode: "observed", activationDelayMs: 120_000, requireStableObservationCount: 3, rejectVersionRollback: true });
  });

  test("the Config is frozen all the way down", async () => {
    const cfg = await loadConfigFile(fixturePath("valid.toml"));
    for (const part of [cfg, cfg.server, cfg.openbao, cfg.auth, cfg.auth.jwt, cfg.transit, cfg.transit.keyIdScope, cfg.logging]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (cfg.openbao as { address: string }).address = "https://evil.example";
    }).toThrow(TypeError);
  });
});

const socketOutside = "must be inside /run/openbao-kms or /var/run/openbao-kms";
const worldOrExec = 'must not allow world access or execute bits (use e.g. "0660")';
const bareNumber = 'must be a duration string with units, such as "30s"';
const colon = 'must not contain ":" (kube-apiserver rejects it in KMS provider names)';
const segment = 'must be a single path segment (no "/" or "%")';
const hostPort = 'must be "host:port" such as "127.0.0.1:8081" (or "" to disable)';

const battery: Array<[file: string, problems: Array<[path: string, message: string]>]> = [
  ["bad-unknown-top-level-key.toml", [["verbose", "unknown key"]]],
  [
    "bad-unknown-nested-key.toml",
    [
      ["openbao.token", "unknown key"],
      ["auth.kubernetes", "unknown key"],
      ["transit.key_id_scope.use_associated_data", "unknown key"],
    ],
  ],
  [
    "bad-wrong-type.toml",
    [
      ["server.max_concurrent_status", "must be an integer, got a string"],
      ["openbao.instance_id", "must be a string, got an integer"],
      ["logging.level", "must be one of debug, info, warn, error, got a boolean"],
    ],
  ],
  ["bad-bare-number-duration.toml", [["openbao.timeout", bareNumber]]],
  ["bad-status-bare-number.toml", [["status.deep_probe_interval", bareNumber]]],
  [
    "bad-rotation.toml",
    [
      ["state.path", "must be an absolute path"],
      ["rotation.mode", 'only "observed" is supported'],
      ["rotation.activation_delay", "must be greater than 0s"],
      ["rotation.require_stable_observation_count", "must be between 1 and 1000"],
      ["rotation.reject_version_rollback", "must be true or false, got a string"],
    ],
  ],
  [
    "bad-status-too-fast.toml",
    [
      ["status.probe_interval", "must be at least 100ms"],
      ["status.deep_probe_interval", "must be at least 100ms"],
    ],
  ],
  ["bad-status-probe-not-shorter.toml", [["status.probe_interval", "must be shorter than status.max_staleness"]]],
  ["bad-duration-unit.toml", [["openbao.timeout", 'has an unknown unit; use h, m, s or ms (e.g. "1m30s")']]],
  ["bad-negative-duration.toml", [["openbao.timeout", "must not be negative"]]],
  ["bad-http-address.toml", [["openbao.address", "must use https"]]],
  ["bad-address-userinfo.toml", [["openbao.address", "must not contain user info"]]],
  ["bad-address-query.toml", [["openbao.address", "must not have a query"]]],
  ["bad-address-fragment.toml", [["openbao.address", "must not have a fragment"]]],
  ["bad-address-path.toml", [["openbao.address", "must not have a path"]]],
  ["bad-socket-outside-run.toml", [["server.socket_path", socketOutside]]],
  ["bad-socket-dotdot-escape.toml", [["server.socket_path", socketOutside]]],
  ["bad-socket-relative.toml", [["server.socket_path", "must be an absolute path"]]],
  ["bad-socket-mode-world.toml", [["server.socket_mode", worldOrExec]]],
  ["bad-socket-mode-exec.toml", [["server.socket_mode", worldOrExec]]],
  ["bad-socket-mode-too-big.toml", [["server.socket_mode", "must not exceed 0777"]]],
  ["bad-socket-mode-non-octal.toml", [["server.socket_mode", 'must be an octal mode string such as "0660"']]],
  ["bad-socket-mode-integer.toml", [["server.socket_mode", 'must be an octal mode string such as "0660", got an integer']]],
  ["bad-listen-address-no-port.toml", [["server.metrics_address", hostPort]]],
  ["bad-listen-address-port-range.toml", [["server.health_address", "port must be between 0 and 65535"]]],
  [
    "bad-listen-address-unbracketed-ipv6.toml",
    [
      ["server.metrics_address", hostPort],
      ["server.health_address", "must be a string, got an integer"],
    ],
  ],
  ["bad-listen-addresses-same-port.toml", [["server.health_address", "must differ from server.metrics_address (same host and port)"]]],
  ["bad-concurrency-zero.toml", [["server.max_concurrent_decrypt", "must be between 1 and 1024"]]],
  ["bad-concurrency-too-big.toml", [["server.max_concurrent_encrypt", "must be between 1 and 1024"]]],
  [
    "bad-missing-required.toml",
    [
      "server.socket_group",
      "openbao.address",
      "openbao.ca_cert_file",
      "openbao.tls_server_name",
      "openbao.instance_id",
      "auth.jwt.source",
      "auth.jwt.mount_path",
      "auth.jwt.role",
      "auth.jwt.jwt_file",
      "transit.mount_path",
      "transit.key_name",
      "transit.key_id_scope.provider_name",
      "transit.key_id_scope.cluster_id",
      "transit.key_id_scope.transit_mount_id",
      "transit.key_id_scope.key_lineage_id",
    ].map((path) => [path, "is required"]),
  ],
  ["bad-identifier-whitespace.toml", [["openbao.instance_id", "must not have leading or trailing whitespace"]]],
  ["bad-identifier-control.toml", [["auth.jwt.role", "must not contain control characters"]]],
  ["bad-key-name-slash.toml", [["transit.key_name", segment]]],
  ["bad-namespace-dotdot.toml", [["openbao.namespace", 'must not contain "." or ".." segments']]],
  ["bad-namespace-leading-slash.toml", [["openbao.namespace", 'must be a relative path (no leading "/")']]],
  ["bad-namespace-percent.toml", [["openbao.namespace", 'must not contain "%", "?" or "#"']]],
  ["bad-provider-name-colon.toml", [["transit.key_id_scope.provider_name", colon]]],
  ["bad-method-token.toml", [["auth.method", "must be one of jwt, approle"]]],
  [
    "bad-oauth2-with-jwt-file.toml",
    [
      ["auth.jwt.jwt_file", 'must be omitted for source "oauth2"'],
      ["auth.jwt.oauth2", 'is required for source "oauth2"'],
      ["auth.jwt.expected_issuer", 'is required for source "oauth2"'],
      ["auth.jwt.expected_audience", 'needs at least one entry for source "oauth2"'],
    ],
  ],
  ["bad-wrong-config-version.toml", [["config_version", 'must be "v1"']]],
  ["bad-missing-config-version.toml", [["config_version", 'is required (set config_version = "v1")']]],
  [
    "bad-many-problems.toml",
    [
      ["debug", "unknown key"],
      ["server.socket_path", socketOutside],
      ["server.socket_mode", worldOrExec],
      ["server.max_concurrent_status", "must be between 1 and 1024"],
      ["openbao.address", "must use https"],
      ["openbao.timeout", bareNumber],
      ["openbao.instance_id", "is required"],
      ["transit.key_name", segment],
      ["transit.key_id_scope.provider_name", colon],
    ],
  ],
];

describe("bad fixtures report exactly their problems", () => {
  test.each(battery)("%s", async (file, expected) => {
    const err = await failingFixture(file);
    expect(err.kind).toBe("invalid");
    expect(pathsAndMessages(err)).toEqual(expected.map(([path, message]) => ({ path, message })));
  });

  test("every bad-*.toml fixture is in the battery", () => {
    const files = readdirSync(fixtureDir).filter((f) => f.startsWith("bad-") && f !== "bad-syntax-error.toml");
    expect(files.sort()).toEqual(battery.map(([file]) => file).sort());
  });

  test("the TOML syntax error keeps line and column and nothing else", async () => {
    const err = await failingFixture("bad-syntax-error.toml", { sourceName: "bad.toml" });
    expect(err.kind).toBe("syntax");
    expect(err.problems).toEqual([{ path: "", message: "invalid value", line: 10, column: 18 }]);
    expect(err.message).toBe("config invalid (bad.toml):\n  - line 10, column 18: invalid value");
  });

  test("many problems render one line each under a header naming the file", async () => {
    const err = await failingFixture("bad-many-problems.toml", { sourceName: "/etc/openbao-kms/config.toml" });
    const lines = err.message.split("\n");
    expect(lines[0]).toBe("config invalid (/etc/openbao-kms/config.toml):");
    expect(lines.slice(1)).toEqual(err.problems.map((p) => `  - ${p.path}: ${p.message}`));
    expect(lines).toHaveLength(10);
  });
});
