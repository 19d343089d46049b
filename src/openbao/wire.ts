// valibot schemas for the OpenBao JSON replies we use. A reply that does not match is an
// invalid response; fields we do not use are ignored (OpenBao adds fields over time).

import * as v from "valibot";

const nonNegativeInt = v.pipe(v.number(), v.integer(), v.minValue(0));

export const encryptReply = v.object({
  data: v.object({ ciphertext: v.string(), key_version: v.optional(nonNegativeInt, 0) }),
});

export const decryptReply = v.object({
  data: v.object({ plaintext: v.string() }),
});

export const loginReply = v.object({
  auth: v.object({
    client_token: v.pipe(v.string(), v.minLength(1)),
    lease_duration: nonNegativeInt,
    renewable: v.boolean(),
  }),
});

export const keyReply = v.object({
  data: v.object({
    type: v.string(),
    latest_version: nonNegativeInt,
    min_decryption_version: nonNegativeInt,
    min_encryption_version: nonNegativeInt,
    min_available_version: v.optional(nonNegativeInt, 0),
    keys: v.record(v.pipe(v.string(), v.regex(/^[1-9][0-9]*$/)), nonNegativeInt),
    exportable: v.boolean(),
    deletion_allowed: v.boolean(),
    allow_plaintext_backup: v.boolean(),
    derived: v.boolean(),
    supports_encryption: v.boolean(),
    supports_decryption: v.boolean(),
    // keys/<name>/soft-delete (path_keys.go): every encrypt and decrypt is refused while true.
    soft_deleted: v.optional(v.boolean(), false),
  }),
});

export const configKeysReply = v.object({
  data: v.object({ disable_upsert: v.boolean() }),
});
