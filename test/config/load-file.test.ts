// loadConfigFile: unreadable inputs give one fixed, non-secret problem naming only the path;
// the ConfigError shape and rendering are stable for the CLI.
import { afterAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/config/errors.ts";
import { loadConfigFile } from "../../src/config/load.ts";
import { fixtureText } from "./fixture.ts";

const tmp = mkdtempSync(join(tmpdir(), "config-load-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function loadError(path: string, opts = {}): Promise<ConfigError> {
  const e = await loadConfigFile(path, opts).catch((x: unknown) => x);
  if (!(e instanceof ConfigError)) throw new Error(`expected ConfigError, got ${String(e)}`);
  return e;
}

describe("unreadable files", () => {
  test("a missing file", async () => {
    const path = join(tmp, "nope.toml");
    const err = await loadError(path);
    expect(err.kind).toBe("unreadable");
    expect(err.message).toBe(`config invalid (${path}):\n  - file not found`);
  });

  test("a directory", async () => {
    const dir = join(tmp, "dir.toml");
    mkdirSync(dir);
    expect((await loadError(dir)).problems).toEqual([{ path: "", message: "is a directory, not a file" }]);
  });

  test("a FIFO is refused without blocking", async () => {
    const fifo = join(tmp, "fifo.toml");
    execFileSync("mkfifo", [fifo]);
    expect((await loadError(fifo)).problems).toEqual([{ path: "", message: "is not a regular file" }]);
  });

  test("permission denied maps to a fixed message, not the OS text", async () => {
    const err = await loadError("/x.toml", {
      readFile: async () => {
        throw Object.assign(new Error("EACCES: secret detail /x.toml"), { code: "EACCES" });
      },
    });
    expect(err.problems).toEqual([{ path: "", message: "permission denied reading the file" }]);
  });

  test("an unknown failure keeps only a well-formed errno code", async () => {
    const fail = (code: unknown) => async () => {
      throw Object.assign(new Error("boom"), { code });
    };
    expect((await loadError("/x", { readFile: fail("EIO") })).problems[0]?.message).toBe("cannot read the file (EIO)");
    expect((await loadError("/x", { readFile: fail("a\nb") })).problems[0]?.message).toBe("cannot read the file");
  });

  test("an empty path", async () => {
    expect((await loadError("")).problems).toEqual([{ path: "", message: "config path is empty" }]);
  });

  test("invalid UTF-8", async () => {
    const path = join(tmp, "latin1.toml");
    writeFileSync(path, Buffer.from([0x61, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0x22, 0x0a]));
    const err = await loadError(path);
    expect(err.kind).toBe("syntax");
    expect(err.problems).toEqual([{ path: "", message: "is not valid UTF-8" }]);
  });
});

describe("reading and naming", () => {
  test("a readable file loads; a UTF-8 BOM is accepted", async () => {
    const path = join(tmp, "bom.toml");
    writeFileSync(path, "\ufeff" + (await fixtureText("minimal.toml")));
    expect((await loadConfigFile(path)).transit.keyName).toBe("kubernetes");
  });

  test("sourceName replaces the path in the header; control characters in it are escaped", async () => {
    const err = await loadError(join(tmp, "nope.toml"), { sourceName: "cfg\n  - injected" });
    expect(err.message.split("\n")).toEqual(["config invalid (cfg\\u000a  - injected):", "  - file not found"]);
  });

  test("ConfigError is a typed, frozen Error", async () => {
    const err = await loadError(join(tmp, "nope.toml"));
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("ConfigError");
    expect(Object.isFrozen(err.problems)).toBe(true);
    expect(Object.isFrozen(err.problems[0])).toBe(true);
  });
});
