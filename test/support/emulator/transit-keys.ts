// Transit key management paths: keys read/create/delete/list, rotate, keys/<name>/config and
// config/keys (disable_upsert), with OpenBao's responses, warnings and error texts.
import { goError, ok, userError, type Outcome } from "./envelope.ts";
import type { Fields, Schema } from "./fields.ts";
import { goBase64Decode } from "./go-format.ts";
import { autoRotateError, isSymmetricType, keyData, softDeletedError, unimplementedKeyTypes, type KeyStore } from "./keys.ts";

export const keyCreateFields: Schema = {
  type: "string", derived: "bool", convergent_encryption: "bool", exportable: "bool",
  allow_plaintext_backup: "bool", auto_rotate_period: "duration", key_size: "int", context: "string",
};
export const keyConfigFields: Schema = {
  min_decryption_version: "int", min_encryption_version: "int", deletion_allowed: "bool",
  exportable: "bool", allow_plaintext_backup: "bool", auto_rotate_period: "duration",
};
export const rotateFields: Schema = { external_key_ref: "string" };
export const configKeysFields: Schema = { disable_upsert: "bool" };

export function readKey(store: KeyStore, name: string, f: Fields): Outcome {
  const context = f.string("context");
  if (context !== undefined && context !== "" && typeof goBase64Decode(context) === "string") {
    return userError("failed to base64-decode context");
  }
  const key = store.get(name);
  return key === undefined ? { kind: "nil" } : ok(keyData(key));
}

export function createKey(store: KeyStore, name: string, f: Fields): Outcome {
  const period = f.int("auto_rotate_period") ?? 0;
  if (period !== 0 && period < 3600) return userError(autoRotateError);
  const derived = f.bool("derived") ?? false;
  if (f.bool("convergent_encryption") && !derived) return userError("convergent encryption requires derivation to be enabled");
  const type = f.string("type") || "aes256-gcm96";
  if (!isSymmetricType(type) && !unimplementedKeyTypes.has(type)) return userError(`unknown key type ${type}`);
  const keySize = f.int("key_size") ?? 0;
  if (keySize !== 0 && type !== "hmac") return userError(`key_size is not valid for algorithm ${type}`);
  if (!isSymmetricType(type)) return goError(`emulator: key type ${type} is not implemented`);
  if (f.bool("convergent_encryption")) return goError("emulator: convergent encryption is not implemented");
  const { key, existed } = store.create(name, {
    type, derived, exportable: f.bool("exportable"), allowPlaintextBackup: f.bool("allow_plaintext_backup"),
    autoRotatePeriodS: period,
  });
  return ok(keyData(key), existed ? [`key ${name} already existed`] : undefined);
}

export function deleteKey(store: KeyStore, name: string): Outcome {
  const key = store.get(name);
  const reason = key === undefined ? "could not delete key; not found" : key.deletionAllowed ? undefined : "deletion is not allowed for this key";
  if (reason !== undefined) return userError(`error deleting policy ${name}: ${reason}`);
  store.keys.delete(name);
  return { kind: "nil" };
}

export function listKeys(store: KeyStore): Outcome {
  const names = [...store.keys.keys()].sort();
  return names.length === 0 ? { kind: "nil" } : ok({ keys: names });
}

export function rotateKey(store: KeyStore, name: string, f: Fields): Outcome {
  const key = store.get(name);
  if (key === undefined) return userError("key not found");
  if ((f.string("external_key_ref") ?? "") !== "") return userError(`cannot use external_key_ref on key of type ${key.type}`);
  // Policy.Rotate returns a bare UserError (no error response), so core answers 500 with it.
  if (key.softDeleted) return goError(softDeletedError);
  store.rotate(key);
  return ok(keyData(key));
}

export function configureKey(store: KeyStore, name: string, f: Fields): Outcome {
  const key = store.get(name);
  if (key === undefined) return userError(`no existing key named ${name} could be found`);
  const result = store.configure(key, {
    minDecryptionVersion: f.int("min_decryption_version"),
    minEncryptionVersion: f.int("min_encryption_version"),
    deletionAllowed: f.bool("deletion_allowed"),
    exportable: f.bool("exportable"),
    allowPlaintextBackup: f.bool("allow_plaintext_backup"),
    autoRotatePeriodS: f.int("auto_rotate_period"),
  });
  if (typeof result === "string") return userError(result);
  return ok(keyData(key), result.warnings);
}

export function readConfigKeys(store: KeyStore): Outcome {
  return ok({ disable_upsert: store.disableUpsert });
}

export function writeConfigKeys(store: KeyStore, f: Fields): Outcome {
  // path_config_keys.go reads d.Get("disable_upsert"): a POST without it sets the default, false.
  store.disableUpsert = f.bool("disable_upsert") ?? false;
  return ok({ disable_upsert: store.disableUpsert });
}

/** GET export/encryption-key/<name>[/<version>] for exportable keys (version "latest" or a number). */
export function exportKey(store: KeyStore, exportType: string, name: string, version: string | undefined): Outcome {
  if (exportType !== "encryption-key") return userError(`invalid export type: ${exportType}`);
  const key = store.get(name);
  if (key === undefined) return { kind: "nil" };
  if (!key.exportable) return userError("key is not exportable");
  const keys: Record<string, string> = {};
  let wanted: number | undefined;
  if (version !== undefined && version !== "") {
    // path_export.go: "latest", else strings.TrimPrefix(version, "v") through strconv.Atoi.
    const digits = version === "latest" ? String(key.latestVersion) : version.replace(/^v/, "");
    if (!/^[+-]?[0-9]{1,18}$/.test(digits)) return userError("invalid key version");
    wanted = Number(digits);
  }
  // path_export.go: archived versions (below min_decryption_version) are not in the policy's keys.
  if (wanted !== undefined && wanted < key.minDecryptionVersion) return userError("version for export is below minimum decryption version");
  if (wanted !== undefined && (!Number.isInteger(wanted) || !key.versions.has(wanted))) return userError("version does not exist or cannot be found");
  for (const [v, kv] of key.versions) if (v >= key.minDecryptionVersion && (wanted === undefined || v === wanted)) keys[String(v)] = Buffer.from(kv.key).toString("base64");
  return ok({ keys, name: key.name, type: key.type });
}

/**
 * DELETE keys/<name>/soft-delete and POST keys/<name>/soft-delete-restore (path_keys.go
 * pathPolicySoftDelete / pathPolicySoftDeleteRestore): a missing key is a nil response (204);
 * otherwise the flag is set, the key data returned, with a warning when nothing changed.
 */
export function softDeleteKey(store: KeyStore, name: string, deleted: boolean): Outcome {
  const key = store.get(name);
  if (key === undefined) return { kind: "nil" };
  const unchanged = key.softDeleted === deleted;
  key.softDeleted = deleted;
  return ok(keyData(key), unchanged ? [deleted ? "key was already marked as soft deleted" : "key was already restored"] : undefined);
}
