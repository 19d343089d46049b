// `config schema` is generated from the loader's valibot schema: every fixture the loader accepts
// validates against it, and the structural bad fixtures (unknown keys, types, enums, ranges,
// missing keys, bare-number durations) are rejected. Value rules JSON Schema cannot express
// (URLs, socket policy, relationships) are listed: the schema accepts those and says so.
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { parse } from "smol-toml";
import { configJsonSchema } from "../../src/config/json-schema.ts";
import { loadConfigFile } from "../../src/config/load.ts";
import { validate } from "../helpers/json-schema-check.ts";
import { fixtureDir, fixturePath, fixtureText } from "./fixture.ts";

const schema = configJsonSchema();
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith(".toml") && f !== "bad-syntax-error.toml").sort();

const rejectedBySchema = [
  "bad-bare-number-duration.toml", "bad-concurrency-too-big.toml", "bad-concurrency-zero.toml", "bad-duration-unit.toml",
  "bad-listen-address-unbracketed-ipv6.toml", "bad-many-problems.toml", "bad-method-approle.toml", "bad-missing-config-version.toml",
  "bad-missing-required.toml", "bad-negative-duration.toml", "bad-rotation.toml", "bad-socket-mode-integer.toml", "bad-source-oauth2.toml",
  "bad-status-bare-number.toml", "bad-unknown-nested-key.toml", "bad-unknown-top-level-key.toml", "bad-wrong-config-version.toml",
  "bad-wrong-type.toml",
];

describe("config JSON Schema", () => {
  test("draft-07, closed at every level", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    const walk = (s: Record<string, unknown>, path: string) => {
      if (s.type === "object") {
        expect(s.additionalProperties, path).toBe(false);
        for (const [k, c] of Object.entries(s.properties as Record<string, Record<string, unknown>>)) walk(c, `${path}.${k}`);
      }
    };
    walk(schema, "$");
  });

  test("defaults are the loader's (input form)", () => {
    const props = schema.properties as any;
    expect(props.openbao.properties.timeout.default).toBe("2s");
    expect(props.server.properties.socket_mode.default).toBe("0660");
    expect(props.server.properties.max_concurrent_decrypt).toMatchObject({ type: "integer", minimum: 1, maximum: 1024, default: 64 });
  });

  test.each(fixtures)("%s: the schema agrees with the loader where it can", async (name) => {
    const doc = parse(await fixtureText(name));
    const problems = validate(schema, doc);
    let loads = true;
    try {
      await loadConfigFile(fixturePath(name));
    } catch {
      loads = false;
    }
    if (loads) expect(problems).toEqual([]);
    else if (rejectedBySchema.includes(name)) expect(problems.length).toBeGreaterThan(0);
    else expect(problems).toEqual([]); // a value rule only `config check` knows
  });

  test("every fixture the schema rejects, the loader rejects too (no false alarms in editors)", async () => {
    for (const name of fixtures) {
      if (validate(schema, parse(await fixtureText(name))).length === 0) continue;
      expect(rejectedBySchema).toContain(name);
    }
  });
});
