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
