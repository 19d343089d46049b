// Transit key policies for one mount: versioned key material with creation times, min
// versions, config rules with OpenBao's exact error texts, and the key `data` of GET keys/<name>.
import { randomKey, type SymmetricKeyType } from "./crypto.ts";

/** Key types OpenBao knows but the emulator cannot run (answered with a 500 saying so). */
export const unimplementedKeyTypes: ReadonlySet<string> = new Set([
  "chacha20-poly1305", "xchacha20-poly1305", "ed25519", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521",
  "rsa-2048", "rsa-3072", "rsa-4096", "hmac", "managed_key", "aes128-cmac", "aes192-cmac", "aes256-cmac",
]);

export function isSymmetricType(t: string): t is SymmetricKeyType {
  return t === "aes128-gcm96" || t === "aes256-gcm96";
}

export interface KeyVersion {
  key: Uint8Array;
  creationS: number; // Unix seconds
}

export interface TransitKey {
  name: string;
  type: SymmetricKeyType;
  derived: boolean;
  exportable: boolean;
  allowPlaintextBackup: boolean;
  deletionAllowed: boolean;
  autoRotatePeriodS: number;
  minDecryptionVersion: number;
  minEncryptionVersion: number;
  latestVersion: number;
  versions: Map<number, KeyVersion>;
  /** keys/<name>/soft-delete: every encrypt, decrypt and rotate is refused until restored. */
  softDeleted: boolean;
}

export interface KeyCreateOptions {
  type?: SymmetricKeyType;
  derived?: boolean;
  exportable?: boolean;
  allowPlaintextBackup?: boolean;
  deletionAllowed?: boolean;
  autoRotatePeriodS?: number;
}

/** Fields of POST keys/<name>/config; undefined = not sent. */
export interface KeyConfigInput {
  minDecryptionVersion?: number;
  minEncryptionVersion?: number;
  deletionAllowed?: boolean;
  exportable?: boolean;
  allowPlaintextBackup?: boolean;
  autoRotatePeriodS?: number;
}

export const autoRotateError = "auto rotate period must be 0 to disable or at least an hour";

/** All keys of one transit mount plus its `config/keys` setting. */
export class KeyStore {
  readonly keys = new Map<string, TransitKey>();
  disableUpsert: boolean;

  constructor(
    private readonly nowMs: () => number,
    disableUpsert: boolean,
  ) {
    this.disableUpsert = disableUpsert;
  }

  get(name: string): TransitKey | undefined {
    return this.keys.get(name);
  }

  /** Creates version 1 of a new key; returns the existing key unchanged if it exists. */
  create(name: string, o: KeyCreateOptions = {}): { key: TransitKey; existed: boolean } {
    const existing = this.keys.get(name);
    if (existing) return { key: existing, existed: true };
    const type = o.type ?? "aes256-gcm96";
    const key: TransitKey = {
      name,
      type,
      derived: o.derived ?? false,
      exportable: o.exportable ?? false,
      allowPlaintextBackup: o.allowPlaintextBackup ?? false,
      deletionAllowed: o.deletionAllowed ?? false,
      autoRotatePeriodS: o.autoRotatePeriodS ?? 0,
      minDecryptionVersion: 1,
      minEncryptionVersion: 0,
      latestVersion: 1,
      versions: new Map([[1, { key: randomKey(type), creationS: this.nowS() }]]),
      softDeleted: false,
    };
    this.keys.set(name, key);
    return { key, existed: false };
  }

  /** Adds a new latest version created "now"; returns its number. */
  rotate(key: TransitKey): number {
    key.latestVersion += 1;
    key.versions.set(key.latestVersion, { key: randomKey(key.type), creationS: this.nowS() });
    return key.latestVersion;
  }

  /**
   * Applies a config update atomically with keys/<name>/config's rules. Returns warnings,
   * or the error text (the key is left unchanged on error).
   */
  configure(key: TransitKey, c: KeyConfigInput): { warnings: string[] } | string {
    const warnings: string[] = [];
    const next = { ...key };
    if (c.minDecryptionVersion !== undefined) {
      let v = c.minDecryptionVersion;
      if (v < 0) return "min decryption version cannot be negative";
      if (v === 0) {
        v = 1;
        warnings.push("since Vault 0.3 (prior to the OpenBao fork), transit key numbering starts at 1; forcing minimum to 1");
      }
      if (v !== next.minDecryptionVersion) {
        if (v > next.latestVersion) return `cannot set min decryption version of ${v}, latest key version is ${next.latestVersion}`;
        next.minDecryptionVersion = v;
      }
    }
    if (c.minEncryptionVersion !== undefined) {
      const v = c.minEncryptionVersion;
      if (v < 0) return "min encryption version cannot be negative";
      if (v !== next.minEncryptionVersion) {
        if (v > next.latestVersion) return `cannot set min encryption version of ${v}, latest key version is ${next.latestVersion}`;
        next.minEncryptionVersion = v;
      }
    }
    if (next.minEncryptionVersion > 0 && next.minEncryptionVersion < next.minDecryptionVersion) {
      return `cannot set min encryption/decryption values; min encryption version of ${next.minEncryptionVersion} must be greater than or equal to min decryption version of ${next.minDecryptionVersion}`;
    }
    if (c.deletionAllowed !== undefined) next.deletionAllowed = c.deletionAllowed;
    if (c.exportable !== undefined) {
      if (next.exportable && !c.exportable) return "exportable key cannot be made non-exportable";
      next.exportable = c.exportable;
    }
    if (c.allowPlaintextBackup !== undefined) {
      if (next.allowPlaintextBackup && !c.allowPlaintextBackup) return "allow_plaintext_backup cannot be disabled once enabled";
      next.allowPlaintextBackup = c.allowPlaintextBackup;
    }
    if (c.autoRotatePeriodS !== undefined && c.autoRotatePeriodS !== next.autoRotatePeriodS) {
      if (c.autoRotatePeriodS !== 0 && c.autoRotatePeriodS < 3600) return autoRotateError;
      next.autoRotatePeriodS = c.autoRotatePeriodS;
    }
    Object.assign(key, next);
    return { warnings };
  }

  private nowS(): number {
    return Math.floor(this.nowMs() / 1000);
  }
}

/** OpenBao's error for any use of a soft-deleted key (keysutil.ErrSoftDeleted). */
export const softDeletedError = "refusing to use soft-deleted key";

/**
 * The `data` object of GET keys/<name> for a symmetric key (a Go map: keys sorted on output).
 * `keys` lists only versions >= min_decryption_version: OpenBao moves older ones to its archive
 * on every persist and back when the minimum is lowered (sdk/helper/keysutil/policy.go,
 * handleArchiving). The emulator keeps every version in `versions` and filters here, which
 * gives the same answers: the archive never drops a version.
 */
export function keyData(k: TransitKey): Record<string, unknown> {
  const keys: Record<string, number> = {};
  for (const [v, kv] of k.versions) if (v >= k.minDecryptionVersion) keys[String(v)] = kv.creationS;
  return {
    allow_plaintext_backup: k.allowPlaintextBackup,
    auto_rotate_period: k.autoRotatePeriodS,
    deletion_allowed: k.deletionAllowed,
    derived: k.derived,
    exportable: k.exportable,
    imported_key: false,
    keys,
    latest_version: k.latestVersion,
    min_available_version: 0,
    min_decryption_version: k.minDecryptionVersion,
    min_encryption_version: k.minEncryptionVersion,
    name: k.name,
    soft_deleted: k.softDeleted,
    supports_decryption: true,
    supports_derivation: true,
    supports_encryption: true,
    supports_signing: false,
    type: k.type,
    ...(k.derived ? { kdf: "hkdf_sha256", convergent_encryption: false } : {}),
  };
}
