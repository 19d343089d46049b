// OpenBao Transit over the shared HTTP helper: encrypt/decrypt with explicit AAD (and an
// explicit key version on encrypt), plus the key-metadata read. Implements kms/ports Transit.

import * as v from "valibot";
import { TransitError } from "../kms/errors.ts";
import type { KeyMetadata, Transit, TransitDecryptRequest, TransitEncryptRequest, TransitEncryptResult } from "../kms/ports.ts";
import { createAuthenticatedHttp } from "./authenticated-http.ts";
import { createKeyPresenceMemo } from "./key-presence.ts";
import type { OpenBaoHttp } from "./http.ts";
import type { TokenSource } from "./tokens.ts";
import { configKeysReply, decryptReply, encryptReply, keyReply } from "./wire.ts";

export interface TransitClientOptions {
  readonly http: OpenBaoHttp;
  readonly tokens: TokenSource;
  readonly mountPath: string;
  readonly keyName: string;
  /** Monotonic clock for how long a key-presence answer is remembered (tests); performance.now by default. */
  readonly nowMs?: () => number;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
const strictBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface TransitClient extends Transit {
  readKey(signal?: AbortSignal): Promise<KeyMetadata>;
  /** `disable_upsert` of the mount's `config/keys`: true means encrypt can never create a key. */
  readDisableUpsert(signal?: AbortSignal): Promise<boolean>;
}

export function createTransitClient(opts: TransitClientOptions): TransitClient {
  const key = encodeURIComponent(opts.keyName);
  const mount = opts.mountPath;
  const keyPath = `${mount}/keys/${key}`;
  const http = createAuthenticatedHttp(opts.http, opts.tokens);

  const readKeyWith = (token: string) => opts.http.request("GET", keyPath, "transit.read_key", { token });
  // Encrypt on a missing key is a `create` in OpenBao, so the provider's update-only policy gets
  // a 403 for it (docs/openbao-compat.md §Encrypt on a missing key). A key read with the refused
  // token tells that apart from a real denial, shared and remembered as key-presence.ts bounds it:
  // a bare 404 there means the key is missing, reported as not_found with the encrypt's own status,
  // without any re-login.
  const presence = createKeyPresenceMemo(readKeyWith, opts.nowMs);
  const missingKey = async (token: string, denial: TransitError, mayRead: boolean, signal?: AbortSignal): Promise<TransitError | undefined> =>
    (await presence.check(token, mayRead, signal)) === "missing" ? new TransitError("not_found", "transit.encrypt", denial.status) : undefined;

  async function call<T extends v.GenericSchema>(
    method: "GET" | "POST", path: string, operation: string, schema: T, json: unknown, signal?: AbortSignal,
    explainDenial?: typeof missingKey,
  ): Promise<v.InferOutput<T>> {
    const res = await http.request(method, path, operation, { json, ...(signal ? { signal } : {}), ...(explainDenial ? { explainDenial } : {}) });
    const parsed = v.safeParse(schema, res.body);
    if (!parsed.success) throw new TransitError("invalid_response", operation, res.status);
    return parsed.output;
  }

  return {
    async encrypt(req: TransitEncryptRequest, signal: AbortSignal): Promise<TransitEncryptResult> {
      if (!(req.keyVersion > 0) || req.plaintext.byteLength === 0 || req.associatedData.byteLength === 0) {
        throw new TransitError("invalid_request", "transit.encrypt");
      }
      const body = { plaintext: b64(req.plaintext), associated_data: b64(req.associatedData), key_version: req.keyVersion };
      const reply = await call("POST", `${mount}/encrypt/${key}`, "transit.encrypt", encryptReply, body, signal, missingKey);
      return { ciphertext: reply.data.ciphertext, keyVersion: reply.data.key_version };
    },

    async decrypt(req: TransitDecryptRequest, signal: AbortSignal): Promise<Uint8Array> {
      if (req.associatedData.byteLength === 0) throw new TransitError("invalid_request", "transit.decrypt");
      const body = { ciphertext: req.ciphertext, associated_data: b64(req.associatedData) };
      const reply = await call("POST", `${mount}/decrypt/${key}`, "transit.decrypt", decryptReply, body, signal);
      if (!strictBase64.test(reply.data.plaintext)) throw new TransitError("invalid_response", "transit.decrypt");
      return new Uint8Array(Buffer.from(reply.data.plaintext, "base64"));
    },

    async readDisableUpsert(signal?: AbortSignal): Promise<boolean> {
      const reply = await call("GET", `${mount}/config/keys`, "transit.read_config_keys", configKeysReply, undefined, signal);
      return reply.data.disable_upsert;
    },

    async readKey(signal?: AbortSignal): Promise<KeyMetadata> {
      const { data: d } = await call("GET", keyPath, "transit.read_key", keyReply, undefined, signal);
      const created = new Map<number, number>();
      for (const [version, unix] of Object.entries(d.keys)) created.set(Number(version), unix);
      return {
        type: d.type,
        latestVersion: d.latest_version,
        minDecryptionVersion: d.min_decryption_version,
        minEncryptionVersion: d.min_encryption_version,
        minAvailableVersion: d.min_available_version,
        createdAtUnix: created,
        exportable: d.exportable,
        deletionAllowed: d.deletion_allowed,
        allowPlaintextBackup: d.allow_plaintext_backup,
        derived: d.derived,
        supportsEncryption: d.supports_encryption,
        supportsDecryption: d.supports_decryption,
        softDeleted: d.soft_deleted,
      };
    },
  };
}
