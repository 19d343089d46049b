// Go formatting and parsing rules that leak into OpenBao's wire text: %q quoting,
// time.Duration strings, RFC 3339 timestamps, strconv.ParseBool / Atoi, base64 errors.

/** Go's strconv.Quote (what `%q` prints for a string). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const named: Record<number, string> = { 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 0x22: '\\"', 0x5c: "\\\\" };
    const nm = named[cp];
    if (nm !== undefined) out += nm;
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if ((cp >= 0x80 && cp < 0xa0) || cp === 0xad || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += cp >= 0xd800 && cp <= 0xdfff ? "\\ufffd" : "\\u" + cp.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out + '"';
}

/** Go's time.Duration.String() for a whole number of seconds, e.g. 5400 → "1h30m0s", 0 → "0s". */
export function goDuration(totalSeconds: number): string {
  const neg = totalSeconds < 0;
  let s = Math.abs(Math.trunc(totalSeconds));
  if (s === 0) return "0s";
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const body = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  return (neg ? "-" : "") + body;
}

const unitSeconds: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/**
 * Parses a duration the way OpenBao's parseutil.ParseDurationSecond does: a bare integer is
 * seconds, otherwise Go's time.ParseDuration syntax ("1h30m", "90s", "1.5h"). Returns
 * whole seconds (truncated), or undefined when the text is not a duration.
 */
export function parseGoDurationSeconds(text: string): number | undefined {
  const t = text.trim();
  if (t === "") return 0;
  if (/^-?\d+$/.test(t)) return Number(t);
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(t);
  if (m === null) return undefined;
  let total = 0;
  for (const part of t.replace(/^[+-]/, "").matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (unitSeconds[part[2]!] ?? 0);
  }
  return Math.trunc(m[1] === "-" ? -total : total);
}

/** strconv.ParseBool. */
export function parseGoBool(text: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return undefined;
}

/** strconv.Atoi for the int64 range (safe-integer precision is enough here). */
export function parseGoInt(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const v = Number(text);
  return Number.isSafeInteger(v) ? v : undefined;
}

/** time.Time formatted with RFC3339Nano in UTC (trailing fractional zeros dropped). */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
  return iso.replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac === "" ? "Z" : `.${frac}Z`));
}

/** time.Time formatted with RFC3339 in UTC (whole seconds). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

const b64Map = new Int16Array(256).fill(-1);
for (const [idx, ch] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries()) b64Map[ch.charCodeAt(0)] = idx;

/**
 * Go's base64.StdEncoding.DecodeString (padded, non-strict, `\r`/`\n` skipped), including its
 * error offsets. Returns the bytes, or the Go error text `illegal base64 data at input byte N`.
 */
export function goBase64Decode(text: string): Uint8Array | string {
  if (text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text)) return new Uint8Array(Buffer.from(text, "base64"));
  const src = new TextEncoder().encode(text);
  const out: number[] = [];
  const fail = (at: number) => `illegal base64 data at input byte ${at}`;
  const isNl = (c: number | undefined) => c === 0x0a || c === 0x0d;
  let si = 0;
  for (;;) {
    // One 4-character quantum, following encoding/base64's decodeQuantum.
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailingAt = -1;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return new Uint8Array(out);
        return fail(si - j);
      }
      const c = src[si]!;
      si++;
      const v = b64Map[c]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (isNl(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d || j < 2) return fail(si - 1);
      if (j === 2) {
        while (si < src.length && isNl(src[si])) si++;
        if (si === src.length) return fail(src.length);
        if (src[si] !== 0x3d) return fail(si - 1);
        si++;
      }
      while (si < src.length && isNl(src[si])) si++;
      if (si < src.length) trailingAt = si;
      dlen = j;
      break;
    }
    const [a, b, c2, d] = dbuf as [number, number, number, number];
    if (dlen >= 2) out.push(((a << 2) | (b >> 4)) & 0xff);
    if (dlen >= 3) out.push(((b << 4) | (c2 >> 2)) & 0xff);
    if (dlen >= 4) out.push(((c2 << 6) | d) & 0xff);
    if (trailingAt >= 0) return fail(trailingAt);
    if (dlen < 4) return new Uint8Array(out);
  }
}
