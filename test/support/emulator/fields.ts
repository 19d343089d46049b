// Request fields with OpenBao framework semantics: schema-typed, weakly converted
// ("2" is fine for an int), unknown names collected for the "ignored parameters" warning.
import { parseGoBool, parseGoDurationSeconds, parseGoInt } from "./go-format.ts";
import { GoNumber, type JsonValue } from "./json-input.ts";

export type FieldType = "string" | "int" | "bool" | "duration" | "slice" | "map" | "strings";
export type Schema = Readonly<Record<string, FieldType>>;
export type RawData = Map<string, JsonValue>;

/** Thrown for a value that cannot be converted to its field's type (→ 400 error response). */
export class FieldError extends Error {
  override name = "FieldError" as const;
}

function describe(v: JsonValue): string {
  if (v instanceof GoNumber) return v.text;
  if (typeof v === "string") return v;
  if (v === null) return "<nil>";
  if (typeof v === "boolean") return String(v);
  return Array.isArray(v) ? "[...]" : "map[...]";
}

function convert(name: string, type: FieldType, v: JsonValue): unknown {
  const fail = (why: string) => new FieldError(`error converting input ${describe(v)} for field ${JSON.stringify(name)}: ${why}`);
  switch (type) {
    case "string":
      if (typeof v === "string") return v;
      if (v instanceof GoNumber) return v.text;
      if (typeof v === "boolean") return v ? "1" : "0";
      if (v === null) return "";
      throw fail(`expected type 'string', got unconvertible type '${goTypeName(v)}'`);
    case "int": {
      if (v === null) return 0;
      if (typeof v === "boolean") return v ? 1 : 0;
      const text = v instanceof GoNumber ? v.text : typeof v === "string" ? v.trim() : undefined;
      const n = text === undefined ? undefined : text === "" ? 0 : parseGoInt(text);
      if (n === undefined) throw fail(`cannot parse '${text ?? ""}' as int: strconv.ParseInt: parsing ${JSON.stringify(text ?? "")}: invalid syntax`);
      return n;
    }
    case "bool": {
      if (typeof v === "boolean") return v;
      if (v === null) return false;
      if (v instanceof GoNumber) return Number(v.text) !== 0;
      const b = typeof v === "string" ? (v === "" ? false : parseGoBool(v)) : undefined;
      if (b === undefined) throw fail(`cannot parse '${describe(v)}' as bool`);
      return b;
    }
    case "duration": {
      if (v === null) return 0;
      if (v instanceof GoNumber && v.isInteger()) return Number(v.text);
      const d = typeof v === "string" ? parseGoDurationSeconds(v) : undefined;
      if (d === undefined) throw fail(`time: invalid duration ${JSON.stringify(describe(v))}`);
      return d;
    }
    case "slice":
      // mapstructure's weak decoding wraps a single value into a one-element slice.
      return Array.isArray(v) ? v : v === null ? [] : [v];
    case "strings":
      if (Array.isArray(v)) return v.map((x) => (x instanceof GoNumber ? x.text : String(x)));
      if (typeof v === "string") return v === "" ? [] : v.split(",").map((s) => s.trim());
      throw fail(`expected a string or list of strings`);
    case "map":
      if (v instanceof Map) return v;
      throw fail(`expected a map, got '${goTypeName(v)}'`);
  }
}

/** Go's `%T` (or mapstructure kind) spelling for a decoded JSON value. */
export function goTypeName(v: JsonValue): string {
  if (v === null) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (v instanceof GoNumber) return "float64";
  return Array.isArray(v) ? "[]interface {}" : "map[string]interface {}";
}

/** Typed view of a request's data for one path schema. Construct with `parseFields`. */
export class Fields {
  private constructor(
    private readonly raw: RawData | null,
    private readonly values: Map<string, unknown>,
    readonly unknown: string[],
  ) {}

  /** Validates every known field up front (like FieldData.Validate); throws FieldError. */
  static parse(raw: RawData | null, schema: Schema): Fields {
    const values = new Map<string, unknown>();
    const unknown: string[] = [];
    for (const [k, v] of raw ?? []) {
      const type = schema[k];
      if (type === undefined) unknown.push(k);
      else values.set(k, convert(k, type, v));
    }
    return new Fields(raw, values, unknown.sort());
  }

  /** True when the request carried the field (GetOk presence: `""` counts as present). */
  has(name: string): boolean {
    return this.values.has(name);
  }
  string(name: string): string | undefined {
    return this.values.get(name) as string | undefined;
  }
  int(name: string): number | undefined {
    return this.values.get(name) as number | undefined;
  }
  bool(name: string): boolean | undefined {
    return this.values.get(name) as boolean | undefined;
  }
  strings(name: string): string[] | undefined {
    return this.values.get(name) as string[] | undefined;
  }
  slice(name: string): JsonValue[] | undefined {
    return this.values.get(name) as JsonValue[] | undefined;
  }
  /** The undecoded value (null when absent). */
  rawValue(name: string): JsonValue | undefined {
    return this.raw?.get(name);
  }

  /** The framework's warning for unknown parameters, or undefined when there were none. */
  unknownWarning(): string | undefined {
    return this.unknown.length === 0 ? undefined : `Endpoint ignored these unrecognized parameters: [${this.unknown.join(" ")}]`;
  }
}
