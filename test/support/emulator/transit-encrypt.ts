// POST <transit>/encrypt/<name>: single and batch, upsert (unless disable_upsert), item
// errors and batch status rules in OpenBao's order (path_encrypt.go). Upsert happens only for a
// `create` operation: the router's existence check makes an encrypt on a missing key a create,
// which the ACL checks against the `create` capability (docs/openbao-compat.md §Encrypt on a missing key).
import { goError, userError, type Outcome } from "./envelope.ts";
import type { Operation } from "./envelope.ts";
import type { Fields, Schema } from "./fields.ts";
import { goBase64Decode } from "./go-format.ts";
import { isSymmetricType, unimplementedKeyTypes, type KeyStore, type TransitKey } from "./keys.ts";
import { decodeBatchItems, encryptResult, finishItems, settleItem, type BatchFlags, type BatchItem } from "./transit-batch.ts";
import { decodeContext, encryptItem } from "./transit-ops.ts";

export const encryptFields: Schema = {
  plaintext: "string",
  context: "string",
  key_version: "int",
  type: "string",
  convergent_encryption: "bool",
  partial_failure_response_code: "int",
  batch_input: "slice",
  associated_data: "string",
};

/** Loads the key or creates it as OpenBao's upsert would; returns an Outcome on refusal. */
function loadOrUpsert(store: KeyStore, name: string, f: Fields, contextSet: boolean, op: Operation): TransitKey | Outcome {
  const existing = store.get(name);
  if (existing) return existing;
  if (op !== "create" || store.disableUpsert) return userError("encryption key not found");
  if (f.bool("convergent_encryption") && !contextSet) {
    return userError("convergent encryption requires derivation to be enabled, so context is required");
  }
  const type = f.string("type") || "aes256-gcm96";
  if (type.startsWith("ecdsa-")) return userError(`key type ${type} not supported for this operation`);
  if (!["aes128-gcm96", "aes256-gcm96", "chacha20-poly1305", "xchacha20-poly1305"].includes(type)) {
    return userError(`unknown key type ${type}`);
  }
  if (!isSymmetricType(type) || unimplementedKeyTypes.has(type)) return goError(`emulator: key type ${type} is not implemented`);
  if (f.bool("convergent_encryption")) return goError("emulator: convergent encryption is not implemented");
  return store.create(name, { type, derived: contextSet }).key;
}

/** `op`: the operation the router's existence check decided (only "create" may upsert). */
export function handleEncrypt(store: KeyStore, name: string, f: Fields, op: Operation): Outcome {
  const isBatch = f.rawValue("batch_input") !== undefined && f.rawValue("batch_input") !== null;
  let items: BatchItem[];
  if (isBatch) {
    const decoded = decodeBatchItems(f.slice("batch_input") ?? [], "plaintext");
    if (typeof decoded === "string") return goError(`failed to parse batch input: ${decoded}`);
    if (decoded.length === 0) return userError("missing batch input to process");
    items = decoded;
  } else {
    if (!f.has("plaintext")) return userError("missing plaintext to encrypt");
    items = [{
      text: f.string("plaintext") ?? "", context: f.string("context") ?? "", keyVersion: f.int("key_version") ?? 0,
      associatedData: f.string("associated_data") ?? "", reference: "",
    }];
  }

  const contextSet = items[0]!.context !== "";
  if (items.some((it) => (it.context !== "") !== contextSet)) {
    return userError("context should be set either in all the request blocks or in none");
  }
  const flags: BatchFlags = { userError: false, internalError: false, success: false };
  const results: Array<{ ciphertext?: string; keyVersion?: number; error?: string; reference: string }> = [];
  const contexts: Uint8Array[] = [];
  for (const it of items) {
    const r = { reference: it.reference } as (typeof results)[number];
    results.push(r);
    const pt = goBase64Decode(it.text);
    const ctx = typeof pt === "string" ? pt : decodeContext(it.context);
    if (typeof ctx === "string") {
      r.error = ctx;
      flags.userError = true;
    }
    contexts.push(ctx instanceof Uint8Array ? ctx : new Uint8Array(0));
  }

  const key = loadOrUpsert(store, name, f, contextSet, op);
  if (!("versions" in key)) return key;

  items.forEach((it, i) => {
    const r = results[i]!;
    if (r.error !== undefined) return;
    const done = settleItem(r, encryptItem(key, { plaintext: it.text, context: contexts[i]!, keyVersion: it.keyVersion, associatedData: it.associatedData }), flags);
    if (done !== undefined) {
      r.ciphertext = done.ciphertext;
      r.keyVersion = done.keyVersion;
    }
  });

  return finishItems(isBatch, results, flags, f, (r) => ({ ciphertext: r.ciphertext, key_version: r.keyVersion }), encryptResult);
}
