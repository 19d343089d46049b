// TOML type mismatches: each names the expected and the received type, never the value.
import { describe, expect, test } from "bun:test";
import { parseConfigText } from "../../src/config/load.ts";
import { failingText, fixtureText, pathsAndMessages } from "./fixture.ts";

const minimal = await fixtureText("minimal.toml");

/** Inserts `lines` at the start of the [server] table of minimal.toml. */
const inServer = (lines: string) => minimal.replace("[server]\n", `[server]\n${lines}\n`);

describe("wrong TOML types", () => {
  test.each([
    ["server.max_concurrent_status", "max_concurrent_status = 16.5", "must be a whole number"],
    ["server.max_concurrent_status", "max_concurrent_status = nan", "must be an integer, got a float"],
    ["server.max_concurrent_status", "max_concurrent_status = true", "must be an integer, got a boolean"],
    ["server.socket_path", "socket_path = 1979-05-27T07:32:00Z", "must be a string, got a date-time"],
    ["server.socket_path", 'socket_path = ["/run/openbao-kms/kms.sock"]', "must be a string, got an array"],
    ["server.socket_mode", "socket_mode = 660", 'must be an octal mode string such as "0660", got an integer'],
  ])("%s given `%s`", async (path, line, message) => {
    expect(pathsAndMessages(await failingText(inServer(line)))).toEqual([{ path, message }]);
  });

  test("an unquoted numeric GID asks for quotes", async () => {
    const err = await failingText(minimal.replace('socket_group = "65532"', "socket_group = 65532"));
    expect(pathsAndMessages(err)).toEqual([
      { path: "server.socket_group", message: 'must be a string (quote a numeric GID, e.g. "65532"), got an integer' },
    ]);
  });

  test("an unquoted key_name like 0123 is an integer, not a string (no weak typing)", async () => {
    const err = await failingText(minimal.replace('key_name = "kubernetes"', "key_name = 0123"));
    expect(err.kind).toBe("syntax"); // TOML forbids leading zeros in integers
    const err2 = await failingText(minimal.replace('key_name = "kubernetes"', "key_name = 123"));
    expect(pathsAndMessages(err2)).toEqual([{ path: "transit.key_name", message: "must be a string, got an integer" }]);
  });

  test("a table given as a value, or as an array of tables", async () => {
    const asValue = `logging = "debug"\n${minimal}`;
    expect(pathsAndMessages(await failingText(asValue))).toEqual([{ path: "logging", message: "must be a table, got a string" }]);
    const asArray = `${minimal}\n[[logging]]\nlevel = "debug"\n`;
    expect(pathsAndMessages(await failingText(asArray))).toEqual([{ path: "logging", message: "must be a table, got an array" }]);
  });

  test("a duration given as a boolean or an empty string", async () => {
    const withTimeout = (t: string) => minimal.replace("[openbao]\n", `[openbao]\ntimeout = ${t}\n`);
    expect(pathsAndMessages(await failingText(withTimeout("true")))).toEqual([
      { path: "openbao.timeout", message: 'must be a duration string with units, such as "30s", got a boolean' },
    ]);
    expect(pathsAndMessages(await failingText(withTimeout('""')))).toEqual([
      { path: "openbao.timeout", message: 'must not be empty; use a duration such as "30s"' },
    ]);
    expect(pathsAndMessages(await failingText(withTimeout('"0s"')))).toEqual([
      { path: "openbao.timeout", message: "must be greater than 0s" },
    ]);
    expect(pathsAndMessages(await failingText(withTimeout('"6m"')))).toEqual([
      { path: "openbao.timeout", message: "must not exceed 5m" },
    ]);
  });

  test("config_version of the wrong type", async () => {
    const err = await failingText(minimal.replace('config_version = "v1"', "config_version = 1"));
    expect(pathsAndMessages(err)).toEqual([{ path: "config_version", message: 'must be "v1", got an integer' }]);
  });

  test("a blank required string is 'is required'; an explicitly empty namespace is fine", async () => {
    const err = await failingText(minimal.replace('role = "openbao-kms"', 'role = "   "'));
    expect(pathsAndMessages(err)).toEqual([{ path: "auth.jwt.role", message: "is required" }]);
    const cfg = parseConfigText(minimal.replace("[openbao]\n", '[openbao]\nnamespace = ""\n'));
    expect(cfg.openbao.namespace).toBe("");
  });
});
