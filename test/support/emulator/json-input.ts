// Request JSON decoding with Go's semantics: numbers stay as text (json.Number / UseNumber),
// Go's syntax-error texts, a cap on string tokens (keys count) and on nesting, no recursion.

/** A JSON number kept as its literal text, like Go's json.Number. */
export class GoNumber {
  constructor(readonly text: string) {}
  isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
}

export type JsonValue = null | boolean | string | GoNumber | JsonValue[] | Map<string, JsonValue>;

/** `syntax` → Go's decoder error text; `complexity` → OpenBao's listener limit was hit. */
export class JsonInputError extends Error {
  override name = "JsonInputError" as const;
  constructor(
    readonly kind: "syntax" | "complexity",
    message: string,
  ) {
    super(message);
  }
}

const maxNestingDepth = 10_000; // Go's encoding/json scanner limit
const utf8 = new TextDecoder("utf-8"); // non-fatal: invalid UTF-8 becomes U+FFFD as in Go

/** Go's `quoteChar`: how a byte appears inside `invalid character '…'` messages. */
export function goQuoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const named: Record<number, string> = { 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 0x5c: "\\\\" };
  const n = named[c];
  if (n !== undefined) return `'${n}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  if (c >= 0x80 && c < 0xa0) return `'\\u00${c.toString(16)}'`;
  if (c === 0xad) return "'\\u00ad'";
  return `'${String.fromCharCode(c)}'`;
}

type Frame = { kind: "array"; items: JsonValue[] } | { kind: "object"; map: Map<string, JsonValue>; key: string };

const escapes: Record<number, string> = { 0x22: '"', 0x5c: "\\", 0x2f: "/", 0x62: "\b", 0x66: "\f", 0x6e: "\n", 0x72: "\r", 0x74: "\t" };
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** A byte-level, non-recursive JSON reader that fails exactly where (and how) Go's scanner does. */
class GoJsonReader {
  private i = 0;
  private strings = 0;

  constructor(
    private readonly b: Uint8Array,
    private readonly maxStrings: number,
  ) {}

  /** The first value, or undefined for whitespace only. */
  read(): JsonValue | undefined {
    this.skipWs();
    if (this.i >= this.b.length) return undefined;
    const stack: Frame[] = [];
    for (;;) {
      let value = this.readValueOrOpen(stack);
      if (value === undefined) continue; // a container was opened; read its first element
      // Attach the finished value to its parent, closing every container that ends here.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return value;
        if (top.kind === "array") top.items.push(value);
        else top.map.set(top.key, value); // duplicate keys: the last one wins, as in Go
        const sep = this.peek();
        if (sep === 0x2c) {
          this.i++;
          if (top.kind === "object") top.key = this.readKeyAndColon();
          break;
        }
        if (sep !== (top.kind === "array" ? 0x5d : 0x7d)) {
          throw this.invalid(sep, top.kind === "array" ? "after array element" : "after object key:value pair");
        }
        this.i++;
        stack.pop();
        value = top.kind === "array" ? top.items : top.map;
      }
    }
  }

  /** Reads a scalar or empty container; for a non-empty container pushes a frame and returns undefined. */
  private readValueOrOpen(stack: Frame[]): JsonValue | undefined {
    const c = this.peek();
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxNestingDepth) throw this.invalid(c, "exceeded max depth");
      this.i++;
      const next = this.peek();
      if (c === 0x7b && next === 0x7d) return (this.i++, new Map());
      if (c === 0x5b && next === 0x5d) return (this.i++, []);
      stack.push(c === 0x7b ? { kind: "object", map: new Map(), key: this.readKeyAndColon() } : { kind: "array", items: [] });
      return undefined;
    }
    if (c === 0x22) return this.readString();
    if (c === 0x74) return this.readLiteral("true", true);
    if (c === 0x66) return this.readLiteral("false", false);
    if (c === 0x6e) return this.readLiteral("null", null);
    if (c === 0x2d || isDigit(c)) return this.readNumber();
    throw this.invalid(c, "looking for beginning of value");
  }

  private eof(): JsonInputError {
    return new JsonInputError("syntax", "unexpected EOF");
  }
  private invalid(c: number, context: string): JsonInputError {
    return new JsonInputError("syntax", `invalid character ${goQuoteChar(c)} ${context}`);
  }
  private skipWs(): void {
    const b = this.b;
    while (this.i < b.length && (b[this.i] === 0x20 || b[this.i] === 0x09 || b[this.i] === 0x0a || b[this.i] === 0x0d)) this.i++;
  }
  private peek(): number {
    this.skipWs();
    if (this.i >= this.b.length) throw this.eof();
    return this.b[this.i]!;
  }
  private byteAt(): number {
    if (this.i >= this.b.length) throw this.eof();
    return this.b[this.i]!;
  }

  private readKeyAndColon(): string {
    const c = this.peek();
    if (c !== 0x22) throw this.invalid(c, "looking for beginning of object key string");
    const key = this.readString();
    const colon = this.peek();
    if (colon !== 0x3a) throw this.invalid(colon, "after object key");
    this.i++;
    return key;
  }

  private readString(): string {
    if (++this.strings > this.maxStrings) {
      throw new JsonInputError("complexity", "refused JSON input due to high complexity: exceeded maximum number of strings");
    }
    this.i++; // opening quote
    let out = "";
    let runStart = this.i;
    for (;;) {
      const c = this.byteAt();
      if (c === 0x22 || c === 0x5c) out += utf8.decode(this.b.subarray(runStart, this.i));
      if (c === 0x22) return (this.i++, out);
      if (c < 0x20) throw this.invalid(c, "in string literal");
      this.i++;
      if (c !== 0x5c) continue;
      const e = this.byteAt();
      this.i++;
      if (escapes[e] !== undefined) out += escapes[e];
      else if (e === 0x75) out += String.fromCharCode(this.readHex4());
      else throw this.invalid(e, "in string escape code");
      runStart = this.i;
    }
  }

  private readHex4(): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.byteAt();
      const d = isDigit(c) ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (d < 0) throw this.invalid(c, "in \\u hexadecimal character escape");
      v = v * 16 + d;
      this.i++;
    }
    return v;
  }

  private digits(): void {
    const c = this.byteAt();
    if (!isDigit(c)) throw this.invalid(c, "in numeric literal");
    while (isDigit(this.b[this.i])) this.i++;
  }

  private readNumber(): GoNumber {
    const start = this.i;
    if (this.b[this.i] === 0x2d) this.i++;
    if (this.byteAt() === 0x30) this.i++;
    else this.digits();
    if (this.b[this.i] === 0x2e) {
      this.i++;
      this.digits();
    }
    if (this.b[this.i] === 0x65 || this.b[this.i] === 0x45) {
      this.i++;
      if (this.b[this.i] === 0x2b || this.b[this.i] === 0x2d) this.i++;
      this.digits();
    }
    return new GoNumber(utf8.decode(this.b.subarray(start, this.i)));
  }

  private readLiteral<T extends JsonValue>(word: "true" | "false" | "null", value: T): T {
    for (let k = 0; k < word.length; k++) {
      const c = this.byteAt();
      if (c !== word.charCodeAt(k)) throw this.invalid(c, `in literal ${word} (expecting '${word[k]}')`);
      this.i++;
    }
    return value;
  }
}

/**
 * Parses the first JSON value in `bytes` the way `json.Decoder.Decode` does (trailing bytes after
 * it are not read). Returns `undefined` for an empty / whitespace-only body (Go's io.EOF).
 * Throws JsonInputError. `maxStrings` counts every string token, object keys included.
 */
export function parseGoJson(bytes: Uint8Array, maxStrings: number): JsonValue | undefined {
  return new GoJsonReader(bytes, maxStrings).read();
}

/** Go's name for a decoded JSON value's kind, as used in `cannot unmarshal X into …` messages. */
export function goJsonKind(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (v instanceof GoNumber) return "number";
  return Array.isArray(v) ? "array" : "object";
}
