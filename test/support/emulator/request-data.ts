// Request data the way OpenBao's listener builds it: query string for GET/DELETE, JSON (or form)
// body for POST/PUT, with the 32 MiB body cap (413) and the 1000-string JSON complexity cap.
import { goJsonKind, JsonInputError, parseGoJson, type JsonValue } from "./json-input.ts";
import type { RawData } from "./fields.ts";

export const defaultMaxRequestBytes = 32 * 1024 * 1024;
export const defaultMaxJsonStrings = 1000;

/** A request-data failure with the status and error text OpenBao sends. */
export class RequestDataError extends Error {
  override name = "RequestDataError" as const;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Query parameters as request data (`help` reserved; repeated keys become a list). Null when empty. */
export function queryData(params: URLSearchParams): RawData | null {
  const data: RawData = new Map();
  for (const key of new Set(params.keys())) {
    if (key === "help") continue;
    const all = params.getAll(key);
    data.set(key, all.length === 1 ? all[0]! : all);
  }
  return data.size > 0 ? data : null;
}

/** Reads at most `maxBytes` of the body; more → RequestDataError 413. */
export async function readBody(req: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new RequestDataError(413, "failed to decode JSON input: http: request body too large");
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (req.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of req.body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Decodes a POST/PUT body. JSON unless Content-Type is form-urlencoded and the first
 * non-space byte is not `{`/`[`. Empty body → null data. Throws RequestDataError (400).
 */
export function bodyData(body: Uint8Array, contentType: string | null, maxStrings: number): RawData | null {
  const first = body.find((c) => c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d);
  const isForm = (contentType ?? "").split(";")[0]!.trim().toLowerCase() === "application/x-www-form-urlencoded";
  if (isForm && first !== 0x7b && first !== 0x5b) return formData(body);
  let value: JsonValue | undefined;
  try {
    value = parseGoJson(body, maxStrings);
  } catch (e) {
    if (!(e instanceof JsonInputError)) throw e;
    throw new RequestDataError(400, e.kind === "complexity" ? e.message : `failed to decode JSON input: ${e.message}`);
  }
  if (value === undefined || value === null) return null;
  if (!(value instanceof Map)) {
    throw new RequestDataError(400, `failed to decode JSON input: json: cannot unmarshal ${goJsonKind(value)} into Go value of type map[string]interface {}`);
  }
  return value;
}

// Go's parseFormRequest joins repeated keys with ",".
function formData(body: Uint8Array): RawData | null {
  const params = new URLSearchParams(new TextDecoder().decode(body));
  const data: RawData = new Map();
  for (const key of new Set(params.keys())) data.set(key, params.getAll(key).join(","));
  return data.size > 0 ? data : null;
}
