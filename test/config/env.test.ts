// Precedence flag > env > file > default, for the config path and logging.level only; no other
// variable is consulted, and nothing is read from process.env behind the caller's back.
import { afterEach, describe, expect, test } from "bun:test";
import { defaultConfigPath, resolveConfigPath } from "../../src/config/env.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { failingText, fixtureText, pathsAndMessages } from "./fixture.ts";

const minimal = await fixtureText("minimal.toml");
const withFileLevel = (level: string) => `${minimal}\n[logging]\nlevel = "${level}"\n`;

describe("resolveConfigPath", () => {
  test("flag beats env beats default", () => {
    const env = { BAO_KMS_PROVIDER_CONFIG: "/from/env.toml" };
    expect(resolveConfigPath("/from/flag.toml", env)).toBe("/from/flag.toml");
    expect(resolveConfigPath(undefined, env)).toBe("/from/env.toml");
    expect(resolveConfigPath(undefined, {})).toBe(defaultConfigPath);
    expect(defaultConfigPath).toBe("/etc/openbao-kms/config.toml");
  });

  test("an empty env var counts as unset; the Go-era _PATH variant is ignored", () => {
    expect(resolveConfigPath(undefined, { BAO_KMS_PROVIDER_CONFIG: "" })).toBe(defaultConfigPath);
    expect(resolveConfigPath(undefined, { BAO_KMS_PROVIDER_CONFIG_PATH: "/x.toml" })).toBe(defaultConfigPath);
  });
});

describe("logging.level precedence", () => {
  const env = { BAO_KMS_PROVIDER_LOG_LEVEL: "warn" };

  test("default < file < env < override", () => {
    expect(parseConfigText(minimal).logging.level).toBe("info");
    expect(parseConfigText(withFileLevel("error")).logging.level).toBe("error");
    expect(parseConfigText(withFileLevel("error"), { env }).logging.level).toBe("warn");
    expect(parseConfigText(withFileLevel("error"), { env, overrides: { logLevel: "debug" } }).logging.level).toBe("debug");
    expect(parseConfigText(minimal, { env }).logging.level).toBe("warn");
  });

  test("an empty env var counts as unset", () => {
    expect(parseConfigText(withFileLevel("error"), { env: { BAO_KMS_PROVIDER_LOG_LEVEL: "" } }).logging.level).toBe("error");
  });

  test("an invalid env value is a config error that names the variable", async () => {
    const err = await failingText(minimal, { env: { BAO_KMS_PROVIDER_LOG_LEVEL: "verbose" } });
    expect(pathsAndMessages(err)).toEqual([
      { path: "logging.level", message: "must be one of debug, info, warn, error (from BAO_KMS_PROVIDER_LOG_LEVEL)" },
    ]);
  });

  test("an invalid override is a config error that names the flag, and beats a valid env", async () => {
    const err = await failingText(minimal, { env, overrides: { logLevel: "verbose" } });
    expect(pathsAndMessages(err)).toEqual([
      { path: "logging.level", message: "must be one of debug, info, warn, error (from --log-level)" },
    ]);
  });

  test("a valid override wins over an invalid env value, which is then never judged", () => {
    const cfg = parseConfigText(minimal, { env: { BAO_KMS_PROVIDER_LOG_LEVEL: "LOUD" }, overrides: { logLevel: "error" } });
    expect(cfg.logging.level).toBe("error");
  });

  test("levels are exact: no case folding", async () => {
    const err = await failingText(minimal, { env: { BAO_KMS_PROVIDER_LOG_LEVEL: "DEBUG" } });
    expect(err.problems[0]?.path).toBe("logging.level");
  });

  test("the env value does not hide other logging problems", async () => {
    const err = await failingText(`${minimal}\n[logging]\nformat = "xml"\ncolour = true\n`, { env });
    expect(pathsAndMessages(err)).toEqual([
      { path: "logging.colour", message: "unknown key" },
      { path: "logging.format", message: "must be one of json, text" },
    ]);
  });
});

describe("no other environment is read", () => {
  afterEach(() => {
    delete process.env.BAO_KMS_PROVIDER_LOG_LEVEL;
    delete process.env.BAO_KMS_PROVIDER_TRANSIT_KEY_NAME;
  });

  test("variables for other keys are ignored", () => {
    const cfg = parseConfigText(minimal, {
      env: { BAO_KMS_PROVIDER_TRANSIT_KEY_NAME: "other", BAO_KMS_PROVIDER_OPENBAO_ADDRESS: "https://evil.example" },
    });
    expect(cfg.transit.keyName).toBe("kubernetes");
    expect(cfg.openbao.address).toBe("https://openbao.example.internal:8200");
  });

  test("process.env is never consulted implicitly", () => {
    process.env.BAO_KMS_PROVIDER_LOG_LEVEL = "debug";
    process.env.BAO_KMS_PROVIDER_TRANSIT_KEY_NAME = "other";
    const cfg = parseConfigText(minimal);
    expect(cfg.logging.level).toBe("info");
    expect(cfg.transit.keyName).toBe("kubernetes");
  });
});

describe("listener addresses: flag > env > file > default", () => {
  const withFile = `${minimal.replace('[server]\n', '[server]\nmetrics_address = "127.0.0.1:9001"\nhealth_address = "127.0.0.1:9002"\n')}`;
  const env = { BAO_KMS_PROVIDER_METRICS_ADDRESS: "127.0.0.1:7001", BAO_KMS_PROVIDER_HEALTH_ADDRESS: "[::1]:7002" };

  test("the fixture really has a [server] table to edit", () => {
    expect(withFile).toContain('metrics_address = "127.0.0.1:9001"');
  });

  test("default < file < env < flag, each address on its own", () => {
    expect(parseConfigText(minimal).server).toMatchObject({ metricsAddress: "127.0.0.1:8081", healthAddress: "127.0.0.1:8082" });
    expect(parseConfigText(withFile).server).toMatchObject({ metricsAddress: "127.0.0.1:9001", healthAddress: "127.0.0.1:9002" });
    expect(parseConfigText(withFile, { env }).server).toMatchObject({ metricsAddress: "127.0.0.1:7001", healthAddress: "[::1]:7002" });
    const flagged = parseConfigText(withFile, { env, overrides: { metricsAddress: "127.0.0.1:6001" } });
    expect(flagged.server).toMatchObject({ metricsAddress: "127.0.0.1:6001", healthAddress: "[::1]:7002" });
  });

  test("an empty env var counts as unset; an explicit empty flag disables the listener", () => {
    expect(parseConfigText(withFile, { env: { BAO_KMS_PROVIDER_METRICS_ADDRESS: "" } }).server.metricsAddress).toBe("127.0.0.1:9001");
    expect(parseConfigText(withFile, { env, overrides: { healthAddress: "" } }).server.healthAddress).toBe("");
  });

  test("an empty value in the file disables the listener", () => {
    const cfg = parseConfigText(minimal.replace("[server]\n", '[server]\nmetrics_address = ""\nhealth_address = ""\n'));
    expect(cfg.server).toMatchObject({ metricsAddress: "", healthAddress: "" });
  });

  test("an invalid env value is a config error naming the variable", async () => {
    const err = await failingText(minimal, { env: { BAO_KMS_PROVIDER_HEALTH_ADDRESS: "localhost" } });
    expect(pathsAndMessages(err)).toEqual([
      { path: "server.health_address", message: 'must be "host:port" such as "127.0.0.1:8081" (or "" to disable) (from BAO_KMS_PROVIDER_HEALTH_ADDRESS)' },
    ]);
  });

  test("an invalid flag value names the flag", async () => {
    const err = await failingText(minimal, { overrides: { metricsAddress: "127.0.0.1:99999" } });
    expect(pathsAndMessages(err)).toEqual([{ path: "server.metrics_address", message: "port must be between 0 and 65535 (from --metrics-address)" }]);
  });

  test("an override that collides with the other address is caught by the relationship rule", async () => {
    const err = await failingText(minimal, { env: { BAO_KMS_PROVIDER_METRICS_ADDRESS: "127.0.0.1:8082" } });
    expect(pathsAndMessages(err)).toEqual([{ path: "server.health_address", message: "must differ from server.metrics_address (same host and port)" }]);
  });

  test("port 0 on both never collides", () => {
    const cfg = parseConfigText(minimal, { overrides: { metricsAddress: "127.0.0.1:0", healthAddress: "127.0.0.1:0" } });
    expect(cfg.server).toMatchObject({ metricsAddress: "127.0.0.1:0", healthAddress: "127.0.0.1:0" });
  });

  test("the Go implementation's _SERVER_ variable names are not read", () => {
    const cfg = parseConfigText(minimal, { env: { BAO_KMS_PROVIDER_SERVER_METRICS_ADDRESS: "127.0.0.1:1" } });
    expect(cfg.server.metricsAddress).toBe("127.0.0.1:8081");
  });
});
