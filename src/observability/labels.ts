// Label values and Prometheus text escaping. Normalised values are lower-case [a-z0-9_] only
// (anything else becomes "_", empty becomes "unknown"), so no request data can widen a label.

const outside = /[^a-z0-9_]/g;

/** Lower-cases, maps every character outside [a-z0-9_] to "_", and empty to "unknown". */
export function normaliseLabelValue(value: string): string {
  if (value === "") return "unknown";
  return value.toLowerCase().replace(outside, "_");
}

/** Escapes a label value for the text format: backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** Escapes HELP text: backslash and newline. */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
}

/** A sample value in the text format (+Inf, -Inf, NaN spelled as Prometheus expects). */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}
