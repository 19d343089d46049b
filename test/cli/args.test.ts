// Flag parsing (node:util parseArgs underneath): the accepted forms and every refusal's message.
import { expect, test } from "bun:test";
import { parseFlags } from "../../src/cli/args.ts";
import { CliError } from "../../src/cli/exit-codes.ts";

const specs = {
  config: { type: "string", description: "c" },
  output: { type: "string", description: "o", default: "text" },
  apply: { type: "boolean", description: "a" },
} as const;

const refusal = (argv: string[]) => {
  try {
    parseFlags(argv, specs);
  } catch (e) {
    if (e instanceof CliError) return `${e.exitCode}: ${e.message}`;
    throw e;
  }
  return "accepted";
};

test("values, defaults, --name=value, booleans with and without =true|false, -h and --help", () => {
  expect(parseFlags([], specs)).toEqual({ help: false, config: undefined, output: "text", apply: false });
  expect(parseFlags(["--config", "/a", "--output=json", "--apply"], specs)).toEqual({ help: false, config: "/a", output: "json", apply: true });
  expect(parseFlags(["--apply=false", "--config="], specs)).toMatchObject({ apply: false, config: "" });
  expect(parseFlags(["--config", "-5"], specs).config).toBe("-5");
  expect(parseFlags(["-h"], specs).help).toBe(true);
  expect(parseFlags(["--help"], specs).help).toBe(true);
  expect(parseFlags(["--config", "a", "--config", "b"], specs).config).toBe("b");
});

test("refusals, each a usage error (exit 2) with a fixed message", () => {
  expect(refusal(["--nope"])).toBe("2: unknown flag --nope");
  expect(refusal(["stray"])).toBe('2: unexpected argument "stray"');
  expect(refusal(["-x"])).toBe('2: unexpected argument "-x"');
  expect(refusal(["-hx"])).toBe('2: unexpected argument "-hx"');
  expect(refusal(["--"])).toBe("2: unknown flag --");
  expect(refusal(["--config"])).toBe("2: --config needs a value");
  expect(refusal(["--config", "--apply"])).toBe("2: --config needs a value");
  expect(refusal(["--apply=yes"])).toBe("2: --apply takes true or false");
  expect(refusal(["--help=1"])).toBe("2: unknown flag --help");
});
