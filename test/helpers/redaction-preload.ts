// Preloaded into every `bun test` run (bunfig.toml): after the last test file, every provider log
// line captured in the run (test/helpers/log-capture.ts) is checked once more, including runs a
// test never stopped. A secret anywhere fails the run (a failing afterAll counts as a failure).

import { afterAll } from "bun:test";
import { redactionSummary } from "./log-capture.ts";

afterAll(() => {
  const r = redactionSummary();
  if (r.runs === 0) return;
  console.error(`[redaction] ${r.lines} provider log lines from ${r.runs} runs checked against ${r.secrets} registered plaintexts and the secret patterns: ${r.leaks === "" ? "none found" : "LEAKS"}`);
  if (r.leaks !== "") throw new Error(`secret-looking data in provider logs over the whole run: ${r.leaks}`);
});
