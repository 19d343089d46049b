// The DEK decrypter `recover` uses: the KMS core's own Decrypt over this node's registry and the
// configured Transit, so a recovered object passes every check kube-apiserver's read would
// (key_id shape, known registry record, annotations, canonical AAD). Status is never consulted:
// Decrypt ignores health, exactly as in `serve`.

import { KmsError, TransitError } from "../kms/errors.ts";
import type { Transit } from "../kms/ports.ts";
import { KmsService } from "../kms/service.ts";
import type { KmsV2Object } from "../k8s/storage.ts";
import type { RegistryState } from "../registry/types.ts";
import { LiveRegistry } from "../status/live-registry.ts";
import type { DekDecrypter } from "./recover.ts";

const messages: Partial<Record<string, string>> = {
  key_id_unknown: "its key_id is not in this node's registry (another cluster, or a version removed from the registry)",
  key_id_malformed: "its key_id is not one this provider writes",
  annotations_invalid: "its annotations are malformed",
  annotation_mismatch: "its annotations do not match the registry record for its key_id",
  timeout: "OpenBao did not answer in time",
  decrypt_failed: "Transit refused the ciphertext (tampered, or sealed under another key)",
  version_archived: "its Transit version is below min_decryption_version",
  key_soft_deleted: "the Transit key is soft-deleted",
  permission_denied: "OpenBao denied the decrypt (token or policy)",
  unauthenticated: "OpenBao refused the token",
  not_found: "the Transit key does not exist",
  sealed: "OpenBao is sealed",
};

/** A message for one DEK failure: its class, never key_ids or backend text. */
export function describeDekError(e: unknown): string {
  const kind = e instanceof KmsError ? e.kind : e instanceof TransitError ? e.kind : undefined;
  if (kind === undefined) return "unexpected error";
  return messages[kind] ?? kind.replaceAll("_", " ");
}

export function kmsDekDecrypter(state: RegistryState, transit: Transit, opts: { readonly pluginVersion: string; readonly requestTimeoutMs: number }): DekDecrypter {
  const keys = new LiveRegistry();
  keys.publish(state);
  const service = new KmsService({
    transit,
    keys,
    status: { current: () => ({ healthz: "unhealthy", keyId: "", active: undefined }) },
    pluginVersion: opts.pluginVersion,
    requestTimeoutMs: opts.requestTimeoutMs,
  });
  return (object: KmsV2Object, signal?: AbortSignal) =>
    service.decrypt({ ciphertext: object.encryptedDekSource, keyId: object.keyId, annotations: object.annotations }, signal ?? new AbortController().signal);
}
