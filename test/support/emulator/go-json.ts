// Go `encoding/json` output, byte for byte, for the values the emulator sends: structs keep
// field order, maps come out with sorted keys, strings get Go's HTML-safe escaping.

/** A Go struct: fields are written in the given order; a field whose value is `undefined` is omitted (omitempty). */
export class GoStruct {
  constructor(readonly fields: ReadonlyArray<readonly [string, unknown]>) {}
}

export function goStruct(fields: ReadonlyArray<readonly [string, unknown]>): GoStruct {
  return new GoStruct(fields);
}

const shortEscapes: Record<number, string> = {
  0x22: '\\"',
  0x5c: "\\\\",
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
  0x08: "\\b", // Go >= 1.22 writes \b and \f instead of \u0008 / \u000c
  0x0c: "\\f",
};

/** Quotes `s` like Go's encoder with SetEscapeHTML(true) (the default for both Marshal and Encoder). */
export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const short = shortEscapes[code];
    if (short !== undefined) {
      out += short;
    } else if (code < 0x20 || code === 0x3c || code === 0x3e || code === 0x26 || code === 0x2028 || code === 0x2029) {
      out += "\\u" + code.toString(16).padStart(4, "0");
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else {
        out += "\ufffd"; // a lone surrogate is invalid UTF-8 to Go, which writes U+FFFD
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      out += "\ufffd";
    } else {
      out += s[i]!;
    }
  }
  return out + '"';
}

function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  return Object.is(n, -0) ? "0" : String(n);
}

/**
 * Encodes like `json.Marshal`: no trailing newline. `null`/`undefined` → null, arrays → arrays,
 * GoStruct → ordered object, any other object (plain or Map) → object with sorted keys.
 */
export function goMarshal(v: unknown): string {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string":
      return goJsonString(v);
    case "number":
      return goNumber(v);
    case "bigint":
      return v.toString();
    case "boolean":
      return v ? "true" : "false";
    case "object":
      break;
    default:
      throw new Error(`json: unsupported type: ${typeof v}`);
  }
  if (Array.isArray(v)) return "[" + v.map(goMarshal).join(",") + "]";
  if (v instanceof GoStruct) {
    const parts: string[] = [];
    for (const [k, val] of v.fields) if (val !== undefined) parts.push(goJsonString(k) + ":" + goMarshal(val));
    return "{" + parts.join(",") + "}";
  }
  const entries = v instanceof Map ? [...(v as Map<string, unknown>).entries()] : Object.entries(v as object);
  entries.sort(([a], [b]) => compareBytes(a, b));
  const parts: string[] = [];
  for (const [k, val] of entries) if (val !== undefined) parts.push(goJsonString(k) + ":" + goMarshal(val));
  return "{" + parts.join(",") + "}";
}

/** Encodes like `json.NewEncoder(w).Encode(v)`: Marshal output plus a trailing newline. */
export function goEncode(v: unknown): string {
  return goMarshal(v) + "\n";
}

// Go sorts map keys by their UTF-8 bytes; for the ASCII keys used here this equals code-unit order.
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
