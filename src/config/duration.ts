// Duration strings with units ("500ms", "30s", "5m", "1h", "1m30s") to whole milliseconds.
// Pure; never accepts a bare number, a sign, a fraction, or anything above maxDurationMs.

/** Why a duration string was refused. */
export type DurationErrorKind =
  | "empty"
  | "bare_number"
  | "negative"
  | "fraction"
  | "unknown_unit"
  | "unit_order"
  | "too_large"
  | "malformed";

/** Thrown by parseDuration; `message` is a fixed phrase that fits after "<field>: ". */
export class DurationError extends Error {
  override name = "DurationError" as const;
  readonly kind: DurationErrorKind;

  constructor(kind: DurationErrorKind) {
    super(messages[kind]);
    this.kind = kind;
  }
}

/** Largest accepted duration in ms: 576h (24 days), just under the runtime's ~24.8-day timer limit. */
export const maxDurationMs = 576 * 3_600_000;

/** Example phrase shared with the schema's message for a TOML number in a duration field. */
export const bareNumberMessage = 'must be a duration string with units, such as "30s"';

const messages: Record<DurationErrorKind, string> = {
  empty: 'must not be empty; use a duration such as "30s"',
  bare_number: bareNumberMessage,
  negative: "must not be negative",
  fraction: 'must use whole numbers (write "1500ms", not "1.5s")',
  unknown_unit: 'has an unknown unit; use h, m, s or ms (e.g. "1m30s")',
  unit_order: 'must give each unit at most once, largest first (e.g. "1h30m")',
  too_large: "must not exceed 576h",
  malformed: 'must be a duration such as "500ms", "30s", "5m" or "1m30s"',
};

// Largest unit first; a component's unit must come strictly after the previous one's.
const unitMs: ReadonlyArray<readonly [string, number]> = [
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

const maxInputChars = 32;
const componentPattern = /(\d+)([a-zA-Zµμ]+)/y;

/** Parses e.g. "1m30s" to 90000 (ms). Grammar: one or more `<digits><h|m|s|ms>`, units descending. Throws DurationError. */
export function parseDuration(s: string): number {
  if (s === "") throw new DurationError("empty");
  if (s.length > maxInputChars) throw new DurationError("malformed");
  if (/^[+-]?\d+(\.\d*)?$/.test(s)) throw new DurationError("bare_number");
  if (s.startsWith("-")) throw new DurationError("negative");
  if (/\d\.\d/.test(s)) throw new DurationError("fraction");

  let total = 0;
  let lastUnit = -1;
  componentPattern.lastIndex = 0;
  while (componentPattern.lastIndex < s.length) {
    const at = componentPattern.lastIndex;
    const m = componentPattern.exec(s);
    if (m === null || m.index !== at) throw new DurationError("malformed");
    const unit = unitMs.findIndex(([name]) => name === m[2]);
    if (unit < 0) throw new DurationError("unknown_unit");
    if (unit <= lastUnit) throw new DurationError("unit_order");
    lastUnit = unit;
    total += Number(m[1]) * (unitMs[unit] as readonly [string, number])[1];
  }
  if (total > maxDurationMs) throw new DurationError("too_large");
  return total;
}

/** Formats ms as the canonical duration string ("1m30s", "250ms", "0s"); inverse of parseDuration. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError("duration must be a non-negative integer of ms");
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [name, size] of unitMs) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${name}`;
    rest -= n * size;
  }
  return out;
}
