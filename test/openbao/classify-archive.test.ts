// OpenBao's fixed texts for an archived version and a soft-deleted key get their own classes,
// so Decrypt of an archived version is never mistaken for tampering (decrypt_failed).
import { describe, expect, test } from "bun:test";
import { classifyHttpFailure } from "../../src/openbao/classify.ts";

describe("classifyHttpFailure: archive and soft delete", () => {
  test("ErrTooOld (version below min_decryption_version) → version_archived", () => {
    expect(classifyHttpFailure(400, ["ciphertext or signature version is disallowed by policy (too old)"])).toBe("version_archived");
  });
  test("ErrSoftDeleted → key_soft_deleted, on encrypt/decrypt (400) and on a bare-error 500", () => {
    expect(classifyHttpFailure(400, ["refusing to use soft-deleted key"])).toBe("key_soft_deleted");
    expect(classifyHttpFailure(500, ["1 error occurred:\n\t* refusing to use soft-deleted key\n\n"])).toBe("key_soft_deleted");
  });
  test("400 encryption key not found (decrypt, or encrypt under disable_upsert) → not_found, like the 403 of an update-only encrypt", () => {
    expect(classifyHttpFailure(400, ["encryption key not found"])).toBe("not_found");
    expect(classifyHttpFailure(400, ["key not found"])).toBe("invalid_request"); // rotate's text: not a data-path answer
  });
  test("tampering and other 400s keep their classes", () => {
    expect(classifyHttpFailure(400, ["cipher: message authentication failed"])).toBe("decrypt_failed");
    expect(classifyHttpFailure(400, ["invalid ciphertext: version is too new"])).toBe("invalid_request");
  });
});
