// POST <transit>/decrypt/<name>: single and batch, no upsert, item errors and batch status
// rules in OpenBao's order (path_decrypt.go).
import { goError, userError, type Outcome } from "./envelope.ts";
import type { Fields, Schema } from "./fields.ts";
import type { KeyStore } from "./keys.ts";
import { decodeBatchItems, decryptResult, finishItems, settleItem, type BatchFlags, type BatchItem } from "./transit-batch.ts";
import { decodeContext, decryptItem } from "./transit-ops.ts";

export const decryptFields: Schema = {
  ciphertext: "string",
  context: "string",
  partial_failure_response_code: "int",
  batch_input: "slice",
  associated_data: "string",
};

export function handleDecrypt(store: KeyStore, name: string, f: Fields): Outcome {
  const isBatch = f.rawValue("batch_input") !== undefined && f.rawValue("batch_input") !== null;
  let items: BatchItem[];
  if (isBatch) {
    const decoded = decodeBatchItems(f.slice("batch_input") ?? [], "ciphertext");
    if (typeof decoded === "string") return goError(`failed to parse batch input: ${decoded}`);
    if (decoded.length === 0) return userError("missing batch input to process");
    items = decoded;
  } else {
    const ciphertext = f.string("ciphertext") ?? "";
    if (ciphertext === "") return userError("missing ciphertext to decrypt");
    items = [{ text: ciphertext, context: f.string("context") ?? "", associatedData: f.string("associated_data") ?? "", keyVersion: 0, reference: "" }];
  }

  const contextSet = items[0]!.context !== "";
  if (items.some((it) => (it.context !== "") !== contextSet)) {
    return userError("context should be set either in all the request blocks or in none");
  }
  const flags: BatchFlags = { userError: false, internalError: false, success: false };
  const results: Array<{ plaintext?: string; error?: string; reference: string }> = [];
  const contexts: Uint8Array[] = [];
  for (const it of items) {
    const r: (typeof results)[number] = { reference: it.reference };
    results.push(r);
    const ctx = it.text === "" ? "missing ciphertext to decrypt" : decodeContext(it.context);
    if (typeof ctx === "string") {
      r.error = ctx;
      flags.userError = true;
    }
    contexts.push(ctx instanceof Uint8Array ? ctx : new Uint8Array(0));
  }

  const key = store.get(name);
  if (key === undefined) return userError("encryption key not found");

  items.forEach((it, i) => {
    const r = results[i]!;
    if (r.error !== undefined) return;
    const done = settleItem(r, decryptItem(key, { ciphertext: it.text, context: contexts[i]!, associatedData: it.associatedData }), flags);
    if (done !== undefined) r.plaintext = done;
  });

  return finishItems(isBatch, results, flags, f, (r) => ({ plaintext: r.plaintext }), decryptResult);
}
