// Helpers for config tests: fixture paths, and "load this and give me the problems".
import { join } from "node:path";
import { ConfigError, type ConfigProblem } from "../../src/config/errors.ts";
import { type LoadOptions, loadConfigFile, parseConfigText } from "../../src/config/load.ts";

export const fixtureDir = join(import.meta.dir, "..", "fixtures", "config");

export const fixturePath = (name: string): string => join(fixtureDir, name);

export const fixtureText = (name: string): Promise<string> => Bun.file(fixturePath(name)).text();

/** Loads a fixture that must fail; returns the ConfigError. */
export async function failingFixture(name: string, opts: LoadOptions = {}): Promise<ConfigError> {
  return caught(() => loadConfigFile(fixturePath(name), opts));
}

/** Parses text that must fail; returns the ConfigError. */
export function failingText(text: string, opts: LoadOptions = {}): Promise<ConfigError> {
  return caught(async () => parseConfigText(text, opts));
}

/** Problems without line/column, for compact equality checks. */
export const pathsAndMessages = (e: ConfigError): Array<Pick<ConfigProblem, "path" | "message">> =>
  e.problems.map(({ path, message }) => ({ path, message }));

async function caught(run: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError, but loading succeeded");
}
