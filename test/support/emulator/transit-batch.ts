// Transit batch plumbing: strict decoding of `batch_input` items (OpenBao's hand-written decoder
// texts) and the batch status rules (200 / 400 / 500 / partial_failure_response_code, raw body).
import { envelope, goError, ok, userError, type Outcome } from "./envelope.ts";
import { goMarshal, goStruct, type GoStruct } from "./go-json.ts";
import { GoNumber, type JsonValue } from "./json-input.ts";
import { goTypeName, type Fields } from "./fields.ts";
import type { ItemResult } from "./transit-ops.ts";

/** One decoded batch item; `text` is the plaintext (encrypt) or ciphertext (decrypt). */
export interface BatchItem {
  text: string;
  context: string;
  associatedData: string;
  keyVersion: number;
  reference: string;
}

// reflect.Kind names used by "[i] expected a map, got '<kind>'".
function kindName(v: JsonValue): string {
  if (v === null) return "invalid";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (v instanceof GoNumber) return "float64";
  return Array.isArray(v) ? "slice" : "map";
}

/**
 * Decodes batch items. `textField` is "plaintext" or "ciphertext" (required key in each item).
 * Returns the items or the joined error details for "failed to parse batch input: …".
 */
export function decodeBatchItems(input: JsonValue[], textField: "plaintext" | "ciphertext"): BatchItem[] | string {
  const errors: string[] = [];
  const items: BatchItem[] = [];
  const missing = textField === "plaintext" ? "missing plaintext to encrypt" : "missing ciphertext to decrypt";
  input.forEach((raw, i) => {
    if (!(raw instanceof Map)) {
      errors.push(`[${i}] expected a map, got '${kindName(raw)}'`);
      return;
    }
    const item: BatchItem = { text: "", context: "", associatedData: "", keyVersion: 0, reference: "" };
    const str = (field: string, set: (s: string) => void) => {
      if (!raw.has(field)) return false;
      const v = raw.get(field)!;
      if (typeof v === "string") set(v);
      else errors.push(`'[${i}].${field}' expected type 'string', got unconvertible type '${goTypeName(v)}'`);
      return true;
    };
    if (!str(textField, (s) => (item.text = s))) errors.push(`'[${i}].${textField}' ${missing}`);
    str("context", (s) => (item.context = s));
    str("associated_data", (s) => (item.associatedData = s));
    str("reference", (s) => (item.reference = s));
    if (raw.has("key_version")) {
      const v = raw.get("key_version")!;
      if (v instanceof GoNumber && v.isInteger()) item.keyVersion = Number(v.text);
      else errors.push(`'[${i}].key_version' expected type 'int', got unconvertible type '${goTypeName(v)}'`);
    }
    items.push(item);
  });
  return errors.length > 0 ? errors.join("\n") : items;
}

/** Per-item outcome flags collected while processing a batch. */
export interface BatchFlags {
  userError: boolean;
  internalError: boolean;
  success: boolean;
}

/**
 * batchRequestResponse: all good → normal envelope; any failure → the same envelope as a raw
 * body (no trailing newline) with 400 (user) or 500 (internal only), or the valid (1..599)
 * `partial_failure_response_code` when at least one item succeeded.
 */
export function batchOutcome(results: GoStruct[], flags: BatchFlags, partialCode: number | undefined, warnings: string[]): Outcome {
  const data = { batch_results: results };
  if (!flags.userError && !flags.internalError) return ok(data, warnings);
  let status = flags.userError ? 400 : 500;
  if (partialCode !== undefined && flags.success) {
    if (partialCode < 1 || partialCode > 599) {
      warnings.push(`invalid HTTP response code override from partial_failure_response_code, reverting to ${status}`);
    } else {
      status = partialCode;
    }
  }
  return { kind: "raw", status, body: goMarshal(envelope(data, warnings, null)) };
}

/** Encrypt batch result item: ciphertext, key_version (omitted when 0), error, reference (always). */
export function encryptResult(r: { ciphertext?: string; keyVersion?: number; error?: string; reference: string }): GoStruct {
  return goStruct([
    ["ciphertext", r.ciphertext || undefined],
    ["key_version", r.keyVersion || undefined],
    ["error", r.error || undefined],
    ["reference", r.reference],
  ]);
}

/** Decrypt batch result item: plaintext (always, "" on error), error, reference (always). */
export function decryptResult(r: { plaintext?: string; error?: string; reference: string }): GoStruct {
  return goStruct([
    ["plaintext", r.plaintext ?? ""],
    ["error", r.error || undefined],
    ["reference", r.reference],
  ]);
}

/** Records one item's outcome in its result row and the batch flags; returns the value on success. */
export function settleItem<T>(row: { error?: string }, out: ItemResult<T>, flags: BatchFlags): T | undefined {
  if ("ok" in out) {
    flags.success = true;
    return out.ok;
  }
  row.error = out.error;
  if (out.internal) flags.internalError = true;
  else flags.userError = true;
  return undefined;
}

/**
 * Ends an encrypt/decrypt request: a single item answers with its data or its error (Go error
 * style when internal); a batch follows the batch status rules, honouring partial_failure_response_code.
 */
export function finishItems<R extends { error?: string }>(
  isBatch: boolean,
  results: R[],
  flags: BatchFlags,
  f: Fields,
  single: (r: R) => Record<string, unknown>,
  batchRow: (r: R) => GoStruct,
): Outcome {
  if (!isBatch) {
    const r = results[0]!;
    if (r.error !== undefined) return flags.internalError ? goError(r.error) : userError(r.error);
    return ok(single(r));
  }
  const partial = f.has("partial_failure_response_code") ? f.int("partial_failure_response_code") : undefined;
  return batchOutcome(results.map(batchRow), flags, partial, []);
}
