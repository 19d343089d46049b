// What to tell an operator about retained key versions that Transit archives below
// min_decryption_version (OpenBao stops listing them; lowering the minimum brings them back
// unchanged). Shared by doctor and rotation-plan so both give the same advice.

import type { Config } from "../config/schema.ts";
import type { KeyMetadata } from "../kms/ports.ts";

/**
 * The one operator sentence for a soft-deleted key (start-up exit message, doctor, the probe's
 * RotationError): what OpenBao does with it and the command that restores it.
 */
export function softDeletedAdvice(mount: string, key: string): string {
  const path = `${mount}/keys/${key}`;
  return `Transit key ${path} is soft-deleted: OpenBao refuses every encrypt and decrypt with it until 'bao write -f ${path}/soft-delete-restore' restores it (its data is intact)`;
}

/** One sentence for `versions` (lowest first), or undefined when there are none. */
export function archivedAdvice(versions: readonly number[], meta: KeyMetadata, config: Config): string | undefined {
  if (versions.length === 0) return undefined;
  const key = `${config.transit.mountPath}/keys/${config.transit.keyName}`;
  const many = versions.length > 1;
  return (
    `retained version${many ? "s" : ""} ${versions.join(",")} ${many ? "are" : "is"} archived by Transit min_decryption_version ${meta.minDecryptionVersion}: ` +
    `Decrypt of ${many ? "their" : "its"} ciphertext fails until 'bao write ${key}/config min_decryption_version=${versions[0]}' brings ${many ? "them" : "it"} back (no restart needed); ` +
    `if every object was rewritten under a newer version, 'bao-kms-provider retire-versions --before-version ${meta.minDecryptionVersion}' (serve stopped on this node; refused while a rotation is pending) stops tracking ${many ? "them" : "it"}`
  );
}
