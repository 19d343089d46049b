// Adversarial input: oversized, deeply nested, very wide or oddly keyed documents fail fast with a
// bounded, single-line-per-problem report, and never crash, hang or pollute prototypes.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { maxReportedProblems } from "../../src/config/errors.ts";
import { loadConfigFile, maxConfigBytes } from "../../src/config/load.ts";
import { failingFixture, failingText, fixtureText, pathsAndMessages } from "./fixture.ts";

const minimal = await fixtureText("minimal.toml");
const tmp = mkdtempSync(join(tmpdir(), "config-dos-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `fn` and returns its duration in ms. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

describe("size cap (1 MiB)", () => {
  test("oversized text is refused before parsing", async () => {
    const text = `${minimal}\n${"#".repeat(maxConfigBytes)}\n`;
    const err = await failingText(text);
    expect(err.kind).toBe("too_large");
    expect(pathsAndMessages(err)).toEqual([{ path: "", message: "file is larger than 1 MiB" }]);
  });

  test("the cap counts UTF-8 bytes, not characters", async () => {
    const text = `# ${"é".repeat(maxConfigBytes / 2 + 1)}\n${minimal}`;
    expect(text.length).toBeLessThan(maxConfigBytes);
    expect((await failingText(text)).kind).toBe("too_large");
  });

  test("an oversized file is refused after reading at most cap+1 bytes", async () => {
    const path = join(tmp, "huge.toml");
    writeFileSync(path, "#".repeat(4 * maxConfigBytes));
    let asked = 0;
    const err = await loadConfigFile(path, {
      readFile: async (p, max) => {
        asked = max;
        return new Uint8Array(max + 1);
      },
    }).catch((e: unknown) => e);
    expect(asked).toBe(maxConfigBytes);
    expect(err).toMatchObject({ name: "ConfigError", kind: "too_large" });
    const real = await loadConfigFile(path).catch((e: unknown) => e);
    expect(real).toMatchObject({ name: "ConfigError", kind: "too_large" });
  });
});

describe("deep nesting", () => {
  const depth = 100_000;

  test.each([
    ["inline arrays", `x = ${"[".repeat(depth)}${"]".repeat(depth)}\n`],
    ["inline tables", `x = ${"{a=".repeat(depth)}1${"}".repeat(depth)}\n`],
  ])("%s fail as a syntax error with a position, quickly", async (_name, body) => {
    let err: Awaited<ReturnType<typeof failingText>> | undefined;
    const ms = await timed(async () => {
      err = await failingText(`config_version = "v1"\n${body}`);
    });
    expect(err?.kind).toBe("syntax");
    expect(err?.problems[0]?.line).toBe(2);
    expect(err?.problems[0]?.message).toBe("document contains excessively nested structures. aborting.");
    expect(ms).toBeLessThan(2000);
  });

  test.each([
    ["dotted keys", `${"a.".repeat(depth)}a = 1\n[server]`, "a"],
    ["table headers", `[${"a.".repeat(depth)}a]\n[server]`, "a"],
    ["dotted keys under a known table", `[server]\n${"x.".repeat(depth)}x = 1\n`, "server.x"],
  ])("%s deep inside the tree are reported once, at the first unknown level", async (_name, body, path) => {
    let err: Awaited<ReturnType<typeof failingText>> | undefined;
    const ms = await timed(async () => {
      err = await failingText(`${minimal.replace("[server]", `${body}`)}`);
    });
    expect(err?.kind).toBe("invalid");
    expect(pathsAndMessages(err!)).toEqual([{ path, message: "unknown key" }]);
    expect(ms).toBeLessThan(2000);
  });
});

describe("wide and odd documents", () => {
  test("50k unknown keys give a bounded report", async () => {
    const count = 50_000;
    const keys = Array.from({ length: count }, (_, i) => `k${i} = 1`).join("\n");
    const err = await failingText(`${keys}\n${minimal}`);
    expect(err.problems).toHaveLength(maxReportedProblems + 1);
    expect(err.problems.at(-1)).toEqual({ path: "", message: `${count - maxReportedProblems} more problems not shown` });
    expect(err.message.split("\n")).toHaveLength(maxReportedProblems + 2);
  });

  test("hostile key names are quoted, escaped and truncated, never forging report lines", async () => {
    const longKey = "z".repeat(10_000);
    const text = `"evil\\n  - openbao.address: fine" = 1\n"${longKey}" = 2\n${minimal}`;
    const err = await failingText(text);
    expect(err.message.split("\n")).toHaveLength(3);
    expect(err.problems[0]?.path).toBe('"evil\\u000a  - openbao.address: fine"');
    expect(err.problems[1]?.path).toBe(`"${"z".repeat(64)}…"`);
  });

  test("__proto__ and constructor are plain unknown keys and pollute nothing", async () => {
    const text = `__proto__ = { polluted = true }\nconstructor = 1\n${minimal.replace("[server]", "[server]\n__proto__ = 2")}`;
    const err = await failingText(text);
    expect(pathsAndMessages(err)).toEqual([
      { path: "__proto__", message: "unknown key" },
      { path: "constructor", message: "unknown key" },
      { path: "server.__proto__", message: "unknown key" },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("integers beyond 2^53 are a syntax error, not a silently rounded value", async () => {
    const err = await failingText(minimal.replace("[server]", "[server]\nmax_concurrent_status = 99999999999999999999"));
    expect(err.kind).toBe("syntax");
    expect(err.problems[0]?.message).toBe("integer value cannot be represented losslessly");
  });

  test("a syntax error never echoes the document (the parser's code frame is dropped)", async () => {
    const err = await failingText(`${minimal}\nsecret = "s.hunter2" oops\n`);
    expect(err.kind).toBe("syntax");
    expect(err.message).not.toContain("hunter2");
  });

  test("invalid values are never echoed back", async () => {
    const err = await failingFixture("bad-address-userinfo.toml");
    expect(err.message).not.toContain("hunter2");
    const err2 = await failingFixture("bad-unknown-nested-key.toml");
    expect(err2.message).not.toContain("not-a-real-token");
  });
});
