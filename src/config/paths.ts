// Dotted problem paths ("openbao.timeout", "a.b[0]") built from keys; odd keys are quoted,
// escaped and truncated so a hostile key name cannot forge or flood a report line.
import { safeText } from "./errors.ts";

const bareKey = /^[A-Za-z0-9_-]+$/;
const maxKeyChars = 64;

const isPlain = (key: string): boolean => key.length <= maxKeyChars && bareKey.test(key);

/** Joins keys into a dotted path; numbers become `[n]`, other keys are quoted, escaped and cut at 64 chars. */
export function formatPath(keys: ReadonlyArray<string | number>): string {
  let out = "";
  for (const key of keys) {
    if (typeof key === "number") out += `[${key}]`;
    else out += (out === "" ? "" : ".") + (isPlain(key) ? key : `"${safeText(key, maxKeyChars).replace(/"/g, '\\"')}"`);
  }
  return out;
}
