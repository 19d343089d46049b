// Turns handler outcomes into OpenBao HTTP responses: the response envelope (Go field order,
// trailing newline), the {"errors":[…]} envelope, raw bodies, 204/404 for nil, status mapping.
import { goEncode, goMarshal, goStruct, type GoStruct } from "./go-json.ts";
import { newUuid } from "./ids.ts";

export type Operation = "read" | "update" | "create" | "delete" | "list" | "scan" | "header" | "patch";

/** What a handler produces; `toResponse` renders it. */
export type Outcome =
  | { kind: "ok"; data: unknown; warnings?: string[]; auth?: GoStruct | null; injectTopLevel?: boolean }
  | { kind: "raw"; status: number; body: string }
  | { kind: "nil" }
  // `goError`: the backend returned a Go error (core wraps it in go-multierror text) instead of
  // an error response (text used as is). Status comes from `statusForError`.
  | { kind: "error"; message: string; goError: boolean }
  | { kind: "status"; status: number; errors: string[] };

export const ok = (data: unknown, warnings?: string[]): Outcome => ({ kind: "ok", data, warnings });
/** logical.ErrorResponse(msg): message used verbatim, 400 unless the text maps elsewhere. */
export const userError = (message: string): Outcome => ({ kind: "error", message, goError: false });
/** A bare Go error from a backend: multierror-formatted, 500 unless the text maps elsewhere. */
export const goError = (message: string): Outcome => ({ kind: "error", message, goError: true });
export const fixedError = (status: number, ...errors: string[]): Outcome => ({ kind: "status", status, errors });

/** go-multierror's text for a single wrapped error. */
export function multierror(message: string): string {
  return `1 error occurred:\n\t* ${message}\n\n`;
}

// RespondErrorCommon + AdjustErrorStatusCode: the first matching substring decides.
const statusBySubstring: ReadonlyArray<readonly [string, number]> = [
  ["permission denied", 403],
  ["invalid request", 400],
  ["unsupported operation", 405],
  ["unsupported path", 404],
  ["functionality on this path has been removed", 404],
  ["rate limit quota exceeded", 429],
  ["lease count quota exceeded", 429],
  ["upstream rate limited", 502],
  ["invalid credentials", 400],
  ["locked namespace", 503],
  ["Vault is sealed", 503],
  ["namespace is sealed", 503],
  ["API access to this namespace has been locked by an administrator", 503],
  ["http: request body too large", 413],
];

/** The HTTP status OpenBao picks for an error with this text. */
export function statusForError(message: string, goErr: boolean): number {
  for (const [needle, status] of statusBySubstring) if (message.includes(needle)) return status;
  return goErr ? 500 : 400;
}

export const baseHeaders: Readonly<Record<string, string>> = {
  "Content-Type": "application/json",
  "Cache-Control": "no-store",
};

/** A JSON response with OpenBao's standard headers; `body` null → no body. */
export function jsonResponse(status: number, body: string | null, headers: Record<string, string> = {}): Response {
  const bodyless = status === 204 || status === 205 || status === 304; // Go drops bodies for these
  return new Response(bodyless ? null : body, { status, headers: { ...baseHeaders, ...headers } });
}

/** `{"errors":[…]}` with a trailing newline (OpenBao writes errors with json.Encoder too). */
export function errorResponse(status: number, errors: string[], headers: Record<string, string> = {}): Response {
  return jsonResponse(status, goEncode(goStruct([["errors", errors]])), headers);
}

/** The logical.HTTPResponse struct in Go field order (there is no `mount_type` in OpenBao). */
export function envelope(data: unknown, warnings: string[] | undefined, auth: GoStruct | null | undefined): GoStruct {
  return goStruct([
    ["request_id", newUuid()],
    ["lease_id", ""],
    ["renewable", false],
    ["lease_duration", 0],
    ["data", data ?? null],
    ["wrap_info", null],
    ["warnings", warnings && warnings.length > 0 ? warnings : null],
    ["auth", auth ?? null],
  ]);
}

/**
 * For the sys routes that copy `data` to the top level, Go's HTTPSysInjector writes each data
 * key first and then the envelope (the encoder compacts it). Go map order is random; we sort.
 */
function injectTopLevel(env: GoStruct, data: unknown): string {
  const full = goMarshal(env);
  if (data === null || typeof data !== "object" || Object.keys(data).length === 0) return full + "\n";
  const keys = Object.keys(data).sort();
  const head = keys.map((k) => `${goMarshal(k)}:${goMarshal((data as Record<string, unknown>)[k])}`).join(",");
  return "{" + head + "," + full.slice(1) + "\n";
}

/** Renders an outcome. Nil responses are 404 for read/list and 204 otherwise. */
export function toResponse(o: Outcome, op: Operation, headers: Record<string, string> = {}): Response {
  switch (o.kind) {
    case "ok": {
      const env = envelope(o.data, o.warnings, o.auth);
      const body = o.injectTopLevel ? injectTopLevel(env, o.data) : goEncode(env);
      return jsonResponse(200, body, headers);
    }
    case "raw":
      return jsonResponse(o.status, o.body, headers);
    case "nil":
      return op === "read" || op === "list" ? errorResponse(404, [], headers) : jsonResponse(204, null, headers);
    case "error": {
      const text = o.goError ? multierror(o.message) : o.message;
      return errorResponse(statusForError(o.message, o.goError), [text], headers);
    }
    case "status":
      return errorResponse(o.status, o.errors, headers);
  }
}
