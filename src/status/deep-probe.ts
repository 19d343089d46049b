// The deep probe: encrypt and decrypt 32 random bytes with an explicit key version and the
// fixed probe AAD (never valid for a KMS object), proving the whole data path works.

import { randomBytes, timingSafeEqual } from "node:crypto";
import { statusProbeAad } from "../kms/aad.ts";
import { TransitError } from "../kms/errors.ts";
import { maxCiphertextBytes } from "../kms/limits.ts";
import type { Transit } from "../kms/ports.ts";

/** Throws TransitError when the round trip fails or Transit answers inconsistently. */
export async function deepProbe(transit: Transit, keyVersion: number, timeoutMs: number): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  const plaintext = randomBytes(32);
  const enc = await transit.encrypt({ plaintext, associatedData: statusProbeAad, keyVersion }, signal);
  if (enc.ciphertext.length >= maxCiphertextBytes || (enc.keyVersion !== 0 && enc.keyVersion !== keyVersion)) {
    throw new TransitError("invalid_response", "deep_probe");
  }
  const back = await transit.decrypt({ ciphertext: enc.ciphertext, associatedData: statusProbeAad }, signal);
  if (back.byteLength !== plaintext.byteLength || !timingSafeEqual(back, plaintext)) throw new TransitError("invalid_response", "deep_probe");
}
