// The KMS v2 use cases: Status, Encrypt, Decrypt, with the reference validation order
// (core-behaviour §2.3–2.5). Protocol-agnostic; the gRPC adapter translates in and out.

import { canonicalAad } from "./aad.ts";
import { buildAnnotations, parseAnnotations, verifyAnnotations } from "./annotations.ts";
import { KmsError } from "./errors.ts";
import { isWellFormedKeyId } from "./key-id.ts";
import { checkDecryptLimits, checkEncryptRequestLimits, checkEncryptResponseLimits } from "./limits.ts";
import type { KeyDiscovery, KeyLookup, StatusSource, Transit } from "./ports.ts";
import type { KeySnapshot } from "./snapshot.ts";
import { raceSignal } from "../platform/race-signal.ts";
import { type SeedCache, seedCacheKey } from "./seed-cache.ts";
import { decryptWithSeedCache } from "./seed-fallback.ts";

export const apiVersion = "v2";
export const healthOk = "ok";
export const healthUnhealthy = "unhealthy";

export interface KmsServiceDeps {
  readonly transit: Transit;
  readonly keys: KeyLookup;
  readonly status: StatusSource;
  readonly discovery?: KeyDiscovery;
  /** Running provider version, written to the plugin-version annotation. Non-empty. */
  readonly pluginVersion: string;
  /** Deadline per request in ms, started after the cheap checks; 0 = none. */
  readonly requestTimeoutMs: number;
  /** The opt-in decrypted-seed cache ([cache] decrypt_seed_ttl); absent = off. */
  readonly seedCache?: SeedCache;
  /** With the cache on: how long a Decrypt waits for Transit before a held seed is served, ms. */
  readonly seedCacheWaitMs?: number;
}

export interface StatusResult { readonly version: string; readonly healthz: string; readonly keyId: string }
export interface EncryptInput { readonly plaintext: Uint8Array }
export interface EncryptResult { readonly ciphertext: Uint8Array; readonly keyId: string; readonly annotations: ReadonlyMap<string, string> }
export interface DecryptInput {
  readonly ciphertext: Uint8Array;
  readonly keyId: string;
  readonly annotations: Iterable<readonly [string, Uint8Array]>;
}

const utf8Lossy = new TextDecoder("utf-8");

export class KmsService {
  constructor(private readonly deps: KmsServiceDeps) {
    if (deps.pluginVersion === "") throw new RangeError("plugin version is required");
    if (!(deps.requestTimeoutMs >= 0)) throw new RangeError("request timeout must be >= 0");
  }

  /** Status never fails for health reasons and never calls OpenBao (rules 6–8). */
  status(): StatusResult {
    const view = this.deps.status.current();
    const healthz = view.healthz === "" ? healthUnhealthy : view.healthz;
    if (healthz !== healthOk) return { version: apiVersion, healthz, keyId: "" };
    if (!isConsistentActive(view.active, view.keyId)) return { version: apiVersion, healthz: healthUnhealthy, keyId: "" };
    return { version: apiVersion, healthz: healthOk, keyId: view.keyId };
  }

  /** Encrypts a DEK seed with the cached healthy active key, explicit version and canonical AAD. */
  async encrypt(input: EncryptInput, callSignal: AbortSignal): Promise<EncryptResult> {
    if (input.plaintext.byteLength === 0) throw new KmsError("plaintext_required");
    const signal = this.deadline(callSignal);
    return withContext(signal, async () => {
      const active = this.activeForEncrypt();
      // The response bound is known in advance: refuse before Transit sees the plaintext.
      checkEncryptRequestLimits(input.plaintext.byteLength, active.transitVersion);
      const annotations = buildAnnotations(active, this.deps.pluginVersion);
      const reply = await this.deps.transit.encrypt(
        { plaintext: input.plaintext.slice(), associatedData: canonicalAad(active), keyVersion: active.transitVersion },
        signal,
      );
      if (reply.ciphertext === "") throw new KmsError("transit_invalid_response", "empty ciphertext");
      if (reply.keyVersion !== 0 && reply.keyVersion !== active.transitVersion) {
        throw new KmsError("transit_invalid_response", "transit used another key version");
      }
      const ciphertext = new TextEncoder().encode(reply.ciphertext);
      checkEncryptResponseLimits(ciphertext, active.keyId, annotations);
      this.deps.seedCache?.remember(seedCacheKey(active.keyId, ciphertext, annotations), active, input.plaintext, "encrypt");
      return { ciphertext, keyId: active.keyId, annotations };
    });
  }

  /** Decrypts after sizes, key_id, annotations and AAD have all been checked locally (rule 22). */
  async decrypt(input: DecryptInput, callSignal: AbortSignal): Promise<Uint8Array> {
    if (input.ciphertext.byteLength === 0) throw new KmsError("ciphertext_required");
    const annotations = checkDecryptLimits(input.ciphertext, input.keyId, input.annotations);
    const signal = this.deadline(callSignal);
    return withContext(signal, async () => {
      const snapshot = await this.resolve(input.keyId, signal);
      verifyAnnotations(parseAnnotations(annotations), snapshot);
      const pending = this.deps.transit.decrypt(
        { ciphertext: utf8Lossy.decode(input.ciphertext), associatedData: canonicalAad(snapshot) },
        signal,
      );
      const cache = this.deps.seedCache;
      if (cache === undefined) return (await pending).slice();
      const key = seedCacheKey(input.keyId, input.ciphertext, annotations);
      return (await decryptWithSeedCache(cache, key, snapshot, pending, this.deps.seedCacheWaitMs ?? this.deps.requestTimeoutMs)).slice();
    });
  }

  private activeForEncrypt(): KeySnapshot {
    const view = this.deps.status.current();
    if (view.healthz !== healthOk) throw new KmsError("status_unhealthy");
    const active = view.active;
    if (active === undefined || active.state !== "active" || view.keyId === "") throw new KmsError("active_key_unavailable");
    if (view.keyId !== active.keyId) throw new KmsError("status_key_id_mismatch");
    return active;
  }

  private async resolve(keyId: string, signal: AbortSignal): Promise<KeySnapshot> {
    if (!isWellFormedKeyId(keyId)) throw new KmsError("key_id_malformed");
    const found = this.deps.keys.lookup(keyId);
    if (found !== undefined) return found;
    const discovery = this.deps.discovery;
    if (discovery === undefined) throw new KmsError("key_id_unknown");
    try {
      await discovery.refreshForDecrypt(keyId, signal);
    } catch (cause) {
      throw new KmsError("key_metadata_refresh_failed", undefined, { cause });
    }
    const later = this.deps.keys.lookup(keyId);
    if (later === undefined) throw new KmsError("key_id_unknown");
    return later;
  }

  private deadline(callSignal: AbortSignal): AbortSignal {
    const ms = this.deps.requestTimeoutMs;
    return ms === 0 ? callSignal : AbortSignal.any([callSignal, AbortSignal.timeout(ms)]);
  }
}

function isConsistentActive(active: KeySnapshot | undefined, keyId: string): boolean {
  return active !== undefined && active.state === "active" && keyId !== "" && keyId === active.keyId;
}

/** Context errors win (rule 31): once the request signal has fired, that is the answer. */
async function withContext<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T> {
  try {
    if (signal.aborted) throw signal.reason;
    // Race the signal too, so a backend that ignores it still cannot hold the caller past the deadline.
    return await raceSignal(run(), signal);
  } catch (error) {
    if (signal.aborted) throw contextError(signal);
    throw error;
  }
}

/** Maps an aborted signal to timeout or canceled. */
export function contextError(signal: AbortSignal): KmsError {
  const reason: unknown = signal.reason;
  const isTimeout = reason instanceof DOMException && reason.name === "TimeoutError";
  return new KmsError(isTimeout ? "timeout" : "canceled", undefined, { cause: reason });
}
