// TOML text → plain tree, with the parser's line/column kept on syntax errors and no echo of the
// document. Depth is capped; anything the parser cannot handle becomes a ConfigError, never a crash.
import { TomlError, parse } from "smol-toml";
import { ConfigError, safeText } from "./errors.ts";

/** Deepest inline array/table nesting accepted; the real config is 3 tables deep. */
export const maxTomlDepth = 16;

/** Parses TOML; throws ConfigError(kind "syntax") with line and column. */
export function parseToml(text: string, sourceName: string): Record<string, unknown> {
  try {
    return parse(text, { maxDepth: maxTomlDepth, integersAsBigInt: false });
  } catch (e) {
    if (e instanceof TomlError) {
      const problem = { path: "", message: shortMessage(e.message), line: e.line, column: e.column };
      throw new ConfigError("syntax", sourceName, [problem]);
    }
    // e.g. a RangeError from pathological input: report it without the parser's internals.
    throw new ConfigError("syntax", sourceName, [{ path: "", message: "is not a TOML document this parser can read" }]);
  }
}

// smol-toml's message is "Invalid TOML document: <reason>\n\n<code frame>"; the frame quotes the
// file, which may hold things we must not print, so keep only the reason.
function shortMessage(message: string): string {
  const reason = message.replace(/^Invalid TOML document: /, "").split("\n", 1)[0] ?? "";
  return safeText(reason === "" ? "invalid TOML" : reason, 200);
}
