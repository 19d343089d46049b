// A small JSON Schema (draft-07 subset) validator for tests: type, const, enum, properties,
// required, additionalProperties:false, items, minimum, maximum, minLength, pattern. It refuses
// schemas using any other keyword, so a schema change cannot be silently ignored here.
type Schema = Record<string, unknown>;

const known = new Set([
  "$schema", "$id", "title", "description", "default", "type", "const", "enum", "properties", "required",
  "additionalProperties", "items", "minimum", "maximum", "minLength", "pattern",
]);

const typeOf = (x: unknown): string =>
  Array.isArray(x) ? "array" : x === null ? "null" : typeof x === "number" ? (Number.isInteger(x) ? "integer" : "number") : typeof x;

/** Returns every violation as "path: reason"; [] when `value` is valid. */
export function validate(schema: Schema, value: unknown, path = "$"): string[] {
  for (const k of Object.keys(schema)) if (!known.has(k)) throw new Error(`validator does not know keyword ${k} at ${path}`);
  const out: string[] = [];
  const t = typeOf(value);
  if (schema.type !== undefined) {
    const ok = schema.type === t || (schema.type === "number" && t === "integer");
    if (!ok) return [`${path}: want ${schema.type}, got ${t}`];
  }
  if ("const" in schema && schema.const !== value) out.push(`${path}: want const ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) out.push(`${path}: not in enum`);
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) out.push(`${path}: below minimum`);
    if (typeof schema.maximum === "number" && value > schema.maximum) out.push(`${path}: above maximum`);
  }
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && value.length < schema.minLength) out.push(`${path}: too short`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) out.push(`${path}: does not match pattern`);
  }
  if (t === "object" && value !== null) {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) out.push(`${path}.${r}: required`);
    for (const [k, v] of Object.entries(obj)) {
      if (props[k] !== undefined) out.push(...validate(props[k], v, `${path}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${path}.${k}: not allowed`);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) value.forEach((v, i) => out.push(...validate(schema.items as Schema, v, `${path}[${i}]`)));
  return out;
}
