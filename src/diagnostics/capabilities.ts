// Least privilege, judged from sys/capabilities-self: the hot path needs read on the key,
// update on encrypt and decrypt; anything that can create, rotate, reconfigure, trim, delete,
// soft-delete, export, back up or restore keys (or change the mount's key config) fails the check.

export interface CapabilityPaths {
  readonly key: string;
  readonly encrypt: string;
  readonly decrypt: string;
  /** Management paths the token must have no capability on. */
  readonly management: readonly string[];
}

export function capabilityPaths(mount: string, keyName: string): CapabilityPaths {
  const k = encodeURIComponent(keyName);
  return {
    key: `${mount}/keys/${k}`,
    encrypt: `${mount}/encrypt/${k}`,
    decrypt: `${mount}/decrypt/${k}`,
    management: [
      `${mount}/keys/${k}/rotate`,
      `${mount}/keys/${k}/config`,
      `${mount}/keys/${k}/trim`,
      // DELETE soft-delete makes OpenBao refuse every use of the key; soft-delete-restore undoes it
      // (internal/builtin/logical/transit/path_keys.go). Both are key management.
      `${mount}/keys/${k}/soft-delete`,
      `${mount}/keys/${k}/soft-delete-restore`,
      `${mount}/export/encryption-key/${k}`,
      `${mount}/backup/${k}`,
      `${mount}/restore/${k}`,
      `${mount}/config/keys`,
    ],
  };
}

/** Capabilities that change state or leak key material; read-only ones are harmless here. */
const writeLike = new Set(["create", "update", "patch", "delete", "sudo", "root"]);

export interface CapabilityJudgement {
  readonly missing: string[];
  readonly excess: string[];
}

/** `caps` maps each path to the capabilities OpenBao reported for the token. */
export function judgeCapabilities(paths: CapabilityPaths, caps: ReadonlyMap<string, readonly string[]>): CapabilityJudgement {
  const on = (p: string) => new Set(caps.get(p) ?? []);
  const missing: string[] = [];
  const excess: string[] = [];
  const key = on(paths.key);
  const enc = on(paths.encrypt);
  const dec = on(paths.decrypt);
  const isRoot = key.has("root") || enc.has("root") || dec.has("root");
  if (isRoot) excess.push("root token (every capability)");
  if (!isRoot && !key.has("read")) missing.push(`read on ${paths.key}`);
  if (!isRoot && !enc.has("update")) missing.push(`update on ${paths.encrypt}`);
  if (!isRoot && !dec.has("update")) missing.push(`update on ${paths.decrypt}`);
  for (const c of ["create", "update", "patch", "delete", "sudo"]) if (key.has(c)) excess.push(`${c} on ${paths.key}`);
  // create on encrypt lets an encrypt call create a key when the mount allows upsert.
  if (enc.has("create")) excess.push(`create on ${paths.encrypt}`);
  for (const p of paths.management) {
    const got = [...on(p)].filter((c) => c !== "deny" && (writeLike.has(c) || p.includes("/export/") || p.includes("/backup/")));
    if (got.length > 0 && !isRoot) excess.push(`${got.join(",")} on ${p}`);
  }
  return { missing, excess };
}
