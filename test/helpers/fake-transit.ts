// A call-counting in-memory Transit for core contract tests: AES-GCM-free, but it checks
// the AAD exactly as Transit would (a mismatch → decrypt_failed).

import { TransitError } from "../../src/kms/errors.ts";
import type { Transit, TransitDecryptRequest, TransitEncryptRequest } from "../../src/kms/ports.ts";

export interface FakeTransit extends Transit {
  calls: { encrypt: number; decrypt: number };
  /** Make the next calls fail with this error (or hang when "hang"). */
  failWith: TransitError | "hang" | undefined;
  /** Overrides the key version the fake reports on encrypt. */
  replyVersion: number | undefined;
  lastEncrypt: TransitEncryptRequest | undefined;
}

export function fakeTransit(): FakeTransit {
  const store = new Map<string, { plaintext: Uint8Array; aad: string }>();
  let n = 0;
  const self: FakeTransit = {
    calls: { encrypt: 0, decrypt: 0 },
    failWith: undefined,
    replyVersion: undefined,
    lastEncrypt: undefined,
    async encrypt(req: TransitEncryptRequest, signal: AbortSignal) {
      self.calls.encrypt++;
      self.lastEncrypt = req;
      await maybeFail(signal);
      const ciphertext = `vault:v${req.keyVersion}:fake${n++}`;
      store.set(ciphertext, { plaintext: req.plaintext.slice(), aad: Buffer.from(req.associatedData).toString("hex") });
      return { ciphertext, keyVersion: self.replyVersion ?? req.keyVersion };
    },
    async decrypt(req: TransitDecryptRequest, signal: AbortSignal) {
      self.calls.decrypt++;
      await maybeFail(signal);
      const entry = store.get(req.ciphertext);
      if (entry === undefined || entry.aad !== Buffer.from(req.associatedData).toString("hex")) {
        throw new TransitError("decrypt_failed", "transit.decrypt", 400);
      }
      return entry.plaintext.slice();
    },
  };
  async function maybeFail(signal: AbortSignal) {
    if (self.failWith === "hang") await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    else if (self.failWith) throw self.failWith;
  }
  return self;
}
