// Stage 3, Transit: the token's capabilities (least privilege), the key's metadata and profile,
// the mount's uuid and disable_upsert, then doctor's round trip (or verify-key's version
// restrictions) and a deterministic key_id.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Config } from "../config/schema.ts";
import { checkKeyProfile, KeyProfileError } from "../keys/from-metadata.ts";
import { softDeletedAdvice } from "../keys/archive-advice.ts";
import { keyScopeOf } from "../keys/scope.ts";
import { hashValue } from "../kms/hash.ts";
import { deriveKeyId, isWellFormedKeyId } from "../kms/key-id.ts";
import type { KeyMetadata } from "../kms/ports.ts";
import { readCapabilities, readMountUuid } from "../openbao/sys-reads.ts";
import { capabilityPaths, judgeCapabilities } from "./capabilities.ts";
import { callTimeout, describeFailure } from "./describe.ts";
import { fail, type Gate, only, pass, warn, withValue } from "./runner.ts";
import type { Session } from "./stage-openbao.ts";

/** AAD of doctor's Transit round trip; never used by the KMS data path. */
export const doctorProbeAad = "openbao-kubernetes-kms/doctor-probe/v1";

export async function transitStage(gate: Gate, mode: "doctor" | "verify-key", config: Config | undefined, session: Session | undefined): Promise<KeyMetadata | undefined> {
  await gate.checkWith({ id: "transit.capabilities", title: "token capabilities (least privilege)", needs: ["openbao.auth"] }, [config, session], async ([c, s]) => {
    const paths = capabilityPaths(c.transit.mountPath, c.transit.keyName);
    let caps;
    try {
      caps = await readCapabilities(s.http, s.token, [paths.key, paths.encrypt, paths.decrypt, ...paths.management], callTimeout(c));
    } catch (e) {
      return only(fail(`cannot read sys/capabilities-self: ${describeFailure(e, c)} (the policy needs update on sys/capabilities-self)`));
    }
    const j = judgeCapabilities(paths, caps);
    if (j.excess.length > 0) {
      const shown = j.excess.slice(0, 4).join("; ") + (j.excess.length > 4 ? `; and ${j.excess.length - 4} more` : "");
      return only(fail(`token can perform non-hot-path key management: ${shown}; use the policy from 'init' (read key, update encrypt/decrypt only)`));
    }
    if (j.missing.length > 0) return only(fail(`token lacks ${j.missing.join("; ")}`));
    return only(pass("read key, update encrypt and decrypt; no key management"));
  });
  const meta = await gate.checkWith({ id: "transit.metadata", title: "Transit key metadata", needs: ["openbao.auth"] }, [config, session], async ([c, s]) => {
    let m: KeyMetadata;
    try {
      m = await s.transit.readKey(callTimeout(c));
    } catch (e) {
      return only(fail(describeFailure(e, c)));
    }
    return withValue(pass(`${c.transit.mountPath}/keys/${c.transit.keyName}: type ${m.type}, latest version ${m.latestVersion}`), m);
  });
  await gate.checkWith({ id: "transit.mount_id", title: "transit_mount_id matches the mount", needs: ["openbao.auth"] }, [config, session], async ([c, s]) => {
    let uuid: string;
    try {
      uuid = await readMountUuid(s.http, s.token, c.transit.mountPath, callTimeout(c));
    } catch (e) {
      return only(warn(`cannot read the mount's uuid (${describeFailure(e, c)}); compare transit.key_id_scope.transit_mount_id with 'bao read sys/mounts/${c.transit.mountPath}' by hand`));
    }
    if (uuid !== c.transit.keyIdScope.transitMountId) {
      return only(fail(`transit.key_id_scope.transit_mount_id differs from the uuid of mount ${c.transit.mountPath} (${uuid}): key_ids would not match other nodes`));
    }
    return only(pass(uuid));
  });
  const profiled = await gate.checkWith({ id: "transit.profile", title: "Transit key profile", needs: ["transit.metadata"] }, [config, meta], ([c, m]) => {
    if (m.softDeleted === true) return only(fail(softDeletedAdvice(c.transit.mountPath, c.transit.keyName)));
    try {
      checkKeyProfile(m);
    } catch (e) {
      if (e instanceof KeyProfileError) return only(fail(`${e.message}; create a key with type aes256-gcm96, exportable=false, allow_plaintext_backup=false, deletion_allowed=false`));
      throw e;
    }
    return withValue(pass("aes256-gcm96, not exportable, no plaintext backup, deletion not allowed, not derived"), m);
  });
  await gate.checkWith({ id: "transit.disable_upsert", title: "mount forbids implicit key creation", needs: ["openbao.auth"] }, [config, session], async ([c, s]) => {
    const mount = c.transit.mountPath;
    let disabled: boolean;
    try {
      disabled = await s.transit.readDisableUpsert(callTimeout(c));
    } catch (e) {
      return only(fail(describeFailure(e, c)));
    }
    return only(disabled ? pass(`${mount}/config/keys disable_upsert=true`) : fail(`mount allows implicit key creation: run 'bao write ${mount}/config/keys disable_upsert=true'`));
  });
  if (mode === "verify-key") await versionRestrictions(gate, profiled);
  else await roundTrip(gate, config, session, profiled);
  await keyIdDeterministic(gate, config, session, profiled);
  return profiled;
}

function versionRestrictions(gate: Gate, meta: KeyMetadata | undefined) {
  return gate.checkWith({ id: "transit.version_restrictions", title: "key version restrictions", needs: ["transit.profile"] }, [meta], ([m]) => {
    if (m.minDecryptionVersion > m.latestVersion) return only(fail(`min_decryption_version ${m.minDecryptionVersion} is above the latest version ${m.latestVersion}`));
    const floor = Math.max(1, m.minDecryptionVersion, m.minAvailableVersion);
    if (floor > 1) return only(warn(`versions below ${floor} cannot decrypt: data written with them is unreadable until min_decryption_version is lowered`));
    return only(pass(`versions 1..${m.latestVersion} decryptable; encrypt with ${m.latestVersion}`));
  });
}

function roundTrip(gate: Gate, config: Config | undefined, session: Session | undefined, meta: KeyMetadata | undefined) {
  return gate.checkWith({ id: "transit.probe", title: "Transit encrypt/decrypt round trip", needs: ["transit.profile"] }, [config, session, meta], async ([c, s, m]) => {
    const plaintext = new Uint8Array(randomBytes(32));
    const aad = new TextEncoder().encode(doctorProbeAad);
    try {
      const enc = await s.transit.encrypt({ plaintext, associatedData: aad, keyVersion: m.latestVersion }, callTimeout(c));
      const back = await s.transit.decrypt({ ciphertext: enc.ciphertext, associatedData: aad }, callTimeout(c));
      if (back.byteLength !== plaintext.byteLength || !timingSafeEqual(back, plaintext)) return only(fail("decrypt did not return the plaintext"));
      return only(pass(`version ${m.latestVersion}, AAD ${doctorProbeAad}`));
    } catch (e) {
      return only(fail(describeFailure(e, c)));
    }
  });
}

function keyIdDeterministic(gate: Gate, config: Config | undefined, session: Session | undefined, meta: KeyMetadata | undefined) {
  return gate.checkWith({ id: "key_id.deterministic", title: "key_id deterministic", needs: ["transit.profile"] }, [config, session, meta], async ([c, s, first]) => {
    const scope = keyScopeOf(c);
    const created = first.createdAtUnix.get(first.latestVersion);
    if (created === undefined || created <= 0) return only(fail(`latest version ${first.latestVersion} has no creation time`));
    let again: KeyMetadata;
    try {
      again = await s.transit.readKey(callTimeout(c));
    } catch (e) {
      return only(fail(describeFailure(e, c)));
    }
    const a = deriveKeyId(scope, first.latestVersion, created);
    const b = deriveKeyId(scope, again.latestVersion, again.createdAtUnix.get(again.latestVersion) ?? -1);
    if (!isWellFormedKeyId(a)) return only(fail("derived key_id is not well-formed"));
    if (a !== b) return only(fail("two metadata reads gave different key_ids (the key changed between reads, or creation times are unstable)"));
    return only(pass(`H(key_id)=${hashValue(a)}`));
  });
}
