// What the KMS core needs from the outside world. Adapters (src/openbao, the registry, the
// status cache) implement these; the core never imports them. Types only.

import type { KeySnapshot } from "./snapshot.ts";

export interface TransitEncryptRequest {
  readonly plaintext: Uint8Array;
  readonly associatedData: Uint8Array;
  /** Always explicit, > 0: the core never relies on Transit's "latest". */
  readonly keyVersion: number;
}

export interface TransitEncryptResult {
  /** `vault:vN:...` as returned by Transit. */
  readonly ciphertext: string;
  /** The version Transit reports having used; 0 when it did not say. */
  readonly keyVersion: number;
}

export interface TransitDecryptRequest {
  readonly ciphertext: string;
  readonly associatedData: Uint8Array;
}

/** OpenBao Transit, narrowed to the two hot-path calls. Failures throw TransitError. */
export interface Transit {
  encrypt(request: TransitEncryptRequest, signal: AbortSignal): Promise<TransitEncryptResult>;
  decrypt(request: TransitDecryptRequest, signal: AbortSignal): Promise<Uint8Array>;
}

/** Resolves a well-formed key_id to a decryptable snapshot (active, retired or pending). */
export interface KeyLookup {
  lookup(keyId: string): KeySnapshot | undefined;
}

/** The cached view Status and Encrypt are served from. Reading it never calls OpenBao. */
export interface StatusView {
  /** "ok" only when healthy; anything else is passed through as the unhealthy reason. */
  readonly healthz: string;
  /** The active key_id when healthy, "" otherwise. */
  readonly keyId: string;
  readonly active: KeySnapshot | undefined;
}

export interface StatusSource {
  current(): StatusView;
}

/**
 * Optional: one rate-limited attempt to learn about a well-formed but unknown key_id.
 * Resolves when the attempt is over (the caller looks the key up again); throws on failure.
 */
export interface KeyDiscovery {
  refreshForDecrypt(keyId: string, signal: AbortSignal): Promise<void>;
}

/** Transit key metadata, as far as this provider uses it. Creation times in Unix seconds. */
export interface KeyMetadata {
  readonly type: string;
  readonly latestVersion: number;
  readonly minDecryptionVersion: number;
  readonly minEncryptionVersion: number;
  readonly minAvailableVersion: number;
  readonly createdAtUnix: ReadonlyMap<number, number>;
  readonly exportable: boolean;
  readonly deletionAllowed: boolean;
  readonly allowPlaintextBackup: boolean;
  readonly derived: boolean;
  readonly supportsEncryption: boolean;
  readonly supportsDecryption: boolean;
  /** `soft_deleted`: OpenBao refuses every use of the key (absent = false). */
  readonly softDeleted?: boolean;
}
