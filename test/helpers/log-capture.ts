// Run-wide capture of every provider log line the e2e tests produce, and the redaction check:
// no plaintext, OpenBao token, JWT, ciphertext or raw key_id may appear in any of them.
// Findings name the kind and the event, never the secret itself (test output is a log too).

interface Capture {
  readonly outputs: string[][];
  readonly secrets: Set<string>;
}

// On globalThis so every test file in one `bun test` process shares it, however modules load.
const slot = Symbol.for("bao-kms-provider.test.log-capture");
function capture(): Capture {
  const g = globalThis as unknown as Record<symbol, Capture | undefined>;
  return (g[slot] ??= { outputs: [], secrets: new Set() });
}

export interface RedactionSummary {
  readonly runs: number;
  readonly lines: number;
  readonly secrets: number;
  readonly leaks: string;
}

/** The whole capture checked at once (test/helpers/redaction-preload.ts, after every test file). */
export function redactionSummary(): RedactionSummary {
  const c = capture();
  const lines = allCapturedLines();
  return { runs: c.outputs.length, lines: lines.length, secrets: c.secrets.size, leaks: describeLeaks(findLeaks(lines)) };
}

/** Adds one provider's (live, growing) output array to the capture. */
export function captureProviderLines(output: string[]): void {
  capture().outputs.push(output);
}

/** Every provider log line captured so far in this process. */
export function allCapturedLines(): string[] {
  return capture().outputs.flat();
}

/** Registers an exact value that must never be logged (e.g. a plaintext's base64); short values are ignored. */
export function registerSecret(value: string): void {
  if (value.length >= 16) capture().secrets.add(value);
}

export function registeredSecrets(): ReadonlySet<string> {
  return capture().secrets;
}

/** Shapes that only secrets or raw wire values have. */
export const leakPatterns: ReadonlyArray<readonly [kind: string, pattern: RegExp]> = [
  ["jwt", /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./],
  ["openbao token", /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/],
  ["transit ciphertext", /vault:v\d+:/],
  ["transit ciphertext (base64)", /dmF1bHQ6d[A-Za-z0-9+/]/],
  ["raw key_id", /obk2\.[A-Za-z0-9_-]{8,}/],
  // "obk2." then a base64url character: the fifth base64 digit is 4 (digit or -) or 5 (letter or _).
  ["raw key_id (base64)", /b2JrMi[45][A-Za-z0-9+/]/],
];

export interface Leak {
  readonly kind: string;
  readonly line: number;
  /** The line's `message` (event), when it is JSON. */
  readonly event: string;
}

/** Every leak in `lines`: pattern matches, registered secrets and `extra` exact values. */
export function findLeaks(lines: readonly string[], extra: Iterable<string> = []): Leak[] {
  const exact = [...registeredSecrets(), ...[...extra].filter((s) => s.length >= 16)];
  const leaks: Leak[] = [];
  lines.forEach((text, line) => {
    const event = eventOf(text);
    for (const [kind, pattern] of leakPatterns) if (pattern.test(text)) leaks.push({ kind, line, event });
    if (exact.some((s) => text.includes(s))) leaks.push({ kind: "registered secret", line, event });
  });
  return leaks;
}

export function describeLeaks(leaks: readonly Leak[]): string {
  return leaks.map((l) => `${l.kind} in line ${l.line} (${l.event})`).join("; ");
}

function eventOf(line: string): string {
  try {
    const m = (JSON.parse(line) as { message?: unknown }).message;
    return typeof m === "string" ? m : "?";
  } catch {
    return "not JSON";
  }
}
