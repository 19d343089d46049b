// Content rules for a decoded registry (reference §4.5 step 3), the configured scope (§2.9 rule
// 39), and what a new generation may change relative to the previous one (rule 41, rule 44).
// Every failure is a RegistryError with its own message; none quotes file content beyond
// field names and versions.

import { recordScope } from "./build.ts";
import { isHashValue } from "../kms/hash.ts";
import { deriveKeyId, isWellFormedKeyId } from "../kms/key-id.ts";
import type { KeyScope } from "../kms/snapshot.ts";
import { isIdentityFingerprint, recordCompact } from "./codec.ts";
import { computeStateHash } from "./state-hash.ts";
import { aadModeRequired, legacyStateSchemaVersion, RegistryError, type RegistryState, type SnapshotRecord, stateHashPrefix, stateSchemaVersion } from "./types.ts";

const states = new Set(["active", "pending", "retired", "rejected", "removed"]);
const decryptable = (s: string) => s === "active" || s === "pending" || s === "retired";

const corrupt = (message: string) => new RegistryError("corrupt", message);

export function isStateHash(h: string): boolean {
  return h.startsWith(stateHashPrefix) && isHashValue(h.slice(stateHashPrefix.length));
}

function validateRecord(r: SnapshotRecord, i: number): void {
  const at = `snapshots[${i}] (version ${r.transitVersion})`;
  for (const k of ["providerName", "clusterId", "openbaoInstanceId", "transitMountId", "transitKeyLineageId"] as const) {
    if (r[k] === "") throw corrupt(`${at}: ${k} is empty`);
  }
  // In-memory states (before a save) did not pass the decoder, so numbers are checked here too.
  for (const k of ["transitVersion", "transitVersionCreatedAtUnix", ...observationFields] as const) {
    const v = r[k];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw corrupt(`${at}: ${k} must be a whole number >= 0`);
  }
  if (r.transitVersion < 1) throw corrupt(`${at}: transitVersion must be at least 1`);
  if (r.transitVersionCreatedAtUnix < 1) throw corrupt(`${at}: transitVersionCreatedAtUnix must be positive`);
  const nsProblem = namespaceProblem(r.openbaoNamespace ?? "");
  if (nsProblem !== undefined) throw corrupt(`${at}: openbaoNamespace ${nsProblem}`);
  if (!states.has(r.state)) throw corrupt(`${at}: unknown state`);
  if (r.aadMode !== aadModeRequired) throw corrupt(`${at}: aadMode must be ${aadModeRequired}`);
  if (!isWellFormedKeyId(r.kubernetesKeyId)) throw corrupt(`${at}: kubernetesKeyId is malformed`);
  if (deriveKeyId(recordScope(r), r.transitVersion, r.transitVersionCreatedAtUnix) !== r.kubernetesKeyId) {
    throw corrupt(`${at}: kubernetesKeyId does not match the record's identity`);
  }
  // 0 and absent are the same value (Go omitempty).
  const observed = r.observedAtUnix ?? 0;
  const count = r.stableObservationCount ?? 0;
  const stableAt = r.stableAtUnix ?? 0;
  const promotedAt = r.promotedAtUnix ?? 0;
  if (count !== 0 && observed === 0) throw corrupt(`${at}: stableObservationCount without observedAtUnix`);
  if (stableAt !== 0) {
    if (count === 0) throw corrupt(`${at}: stableAtUnix without stableObservationCount`);
    if (stableAt < observed) throw corrupt(`${at}: stableAtUnix before observedAtUnix`);
  }
  if (promotedAt !== 0 && promotedAt < observed) throw corrupt(`${at}: promotedAtUnix before observedAtUnix`);
}

const observationFields = ["observedAtUnix", "stableObservationCount", "stableAtUnix", "promotedAtUnix"] as const;

/**
 * Why a namespace cannot be part of a key_id (reference §4.1), or undefined when it is fine
 * ("" = no namespace). Names the rule, never the value.
 */
export function namespaceProblem(ns: string): string | undefined {
  if (ns === "") return undefined;
  if (ns.trim() !== ns) return "has surrounding whitespace";
  if (/[\0\r\n\t]/.test(ns)) return "contains NUL, CR, LF or TAB";
  if (ns.startsWith("/")) return "starts with /";
  if (ns.includes("%")) return "contains %";
  if (ns.split("/").some((seg) => seg === "" || seg === "." || seg === "..")) return "has an empty, . or .. segment";
  return undefined;
}

/** Every content rule of a loaded (or about to be saved) state. */
export function validateState(s: RegistryState): void {
  if (s.schemaVersion === stateSchemaVersion) {
    if (s.identityFingerprint === undefined) throw corrupt("identityFingerprint is missing (required by v1alpha2)");
    if (!isIdentityFingerprint(s.identityFingerprint)) throw corrupt("identityFingerprint is malformed (cfg1. + 43 base64url characters)");
  } else if (s.schemaVersion === legacyStateSchemaVersion) {
    if (s.identityFingerprint !== undefined) throw corrupt("identityFingerprint is set in a v1alpha1 state");
  } else {
    throw corrupt(`schemaVersion must be ${stateSchemaVersion} (or the older ${legacyStateSchemaVersion})`);
  }
  if (!Number.isSafeInteger(s.generation)) throw corrupt("generation must be a whole number");
  if (s.generation < 1) throw corrupt("generation must be at least 1");
  if (s.generation === 1 && s.previousHash !== undefined) throw corrupt("previousHash is set on generation 1");
  if (s.previousHash !== undefined && !isStateHash(s.previousHash)) throw corrupt("previousHash is malformed");
  if (s.generation > 1 && s.previousHash === undefined) throw corrupt("previousHash is missing (generation > 1)");
  if (!isStateHash(s.currentHash)) throw corrupt("currentHash is malformed");
  if (s.activeKeyId === "") throw corrupt("activeKeyId is empty");
  if (s.snapshots.length === 0) throw corrupt("snapshots is empty");
  if (computeStateHash(s) !== s.currentHash) throw corrupt("currentHash does not match the content (edited or damaged)");
  const seen = new Set<string>();
  s.snapshots.forEach((r, i) => {
    validateRecord(r, i);
    if (seen.has(r.kubernetesKeyId)) throw corrupt(`duplicate kubernetesKeyId (version ${r.transitVersion})`);
    seen.add(r.kubernetesKeyId);
  });
  const actives = s.snapshots.filter((r) => r.state === "active");
  if (actives.length !== 1) throw corrupt(`exactly one snapshot must be active (found ${actives.length})`);
  if ((actives[0] as SnapshotRecord).kubernetesKeyId !== s.activeKeyId) throw corrupt("activeKeyId is not the active snapshot");
}

/** Every record must belong to the configured scope (a copy from another cluster or mount is refused). */
export function validateScope(s: RegistryState, scope: KeyScope): void {
  const expect: Array<[keyof SnapshotRecord, string, string]> = [
    ["providerName", scope.providerName, "transit.key_id_scope.provider_name"],
    ["clusterId", scope.clusterId, "transit.key_id_scope.cluster_id"],
    ["openbaoInstanceId", scope.openbaoInstanceId, "openbao.instance_id"],
    ["openbaoNamespace", scope.openbaoNamespace, "openbao.namespace"],
    ["transitMountId", scope.transitMountId, "transit.key_id_scope.transit_mount_id"],
    ["transitKeyLineageId", scope.keyLineageId, "transit.key_id_scope.key_lineage_id"],
  ];
  for (const r of s.snapshots) {
    for (const [field, want, key] of expect) {
      if ((r[field] ?? "") !== want) {
        throw new RegistryError("scope_mismatch", `the state belongs to another scope: version ${r.transitVersion} has a ${field} different from ${key}`);
      }
    }
  }
}

/** The configured identity a loaded state must match: the key_id scope and the config fingerprint. */
export interface ExpectedIdentity {
  readonly scope: KeyScope;
  /** identityFingerprint(config): "cfg1." + 43 chars. */
  readonly fingerprint: string;
}

/**
 * The state must have been written for this config. The records carry the six scope fields, so
 * a difference there is named field by field (validateScope). A v1alpha2 state also carries the
 * fingerprint, which additionally covers transit.mount_path and transit.key_name: if the scope
 * matches but the fingerprint does not, one of those two changed (a hash cannot say which), and
 * both fingerprints are printed so the operator can compare them with `config show` on each side.
 * A v1alpha1 state has no fingerprint; only its scope can be checked.
 */
export function validateIdentity(s: RegistryState, expected: ExpectedIdentity): void {
  validateScope(s, expected.scope);
  if (s.identityFingerprint !== undefined && s.identityFingerprint !== expected.fingerprint) {
    throw new RegistryError(
      "scope_mismatch",
      `the state was written for another config identity: its key_id scope matches, so transit.mount_path or transit.key_name differs ` +
        `(state identityFingerprint ${s.identityFingerprint}, config identityFingerprint ${expected.fingerprint}; compare with 'bao-kms-provider config show' where the state was written)`,
    );
  }
}

/** Which kind of change a new generation is: only retire may drop, only restore may revive. */
export type Transition = "observe" | "retire" | "restore";

/** Rule 41: what a new generation may change relative to the previous one. */
export function validateProgress(prev: RegistryState, next: RegistryState, transition: Transition = "observe"): void {
  const bad = (message: string) => new RegistryError("progress", `refusing to save generation ${next.generation}: ${message}`);
  if (next.generation <= prev.generation) throw bad(`generation does not increase (was ${prev.generation})`);
  if (next.previousHash !== prev.currentHash) throw bad("previousHash does not link to the current state");
  if (next.schemaVersion !== stateSchemaVersion) throw bad(`only ${stateSchemaVersion} is written`);
  if (prev.identityFingerprint !== undefined && next.identityFingerprint !== prev.identityFingerprint) throw bad("the identity fingerprint would change");
  const version = (s: RegistryState) => s.snapshots.find((r) => r.kubernetesKeyId === s.activeKeyId)?.transitVersion ?? 0;
  if (version(next) < version(prev)) throw bad("the active version would decrease");
  if (transition !== "observe" && next.activeKeyId !== prev.activeKeyId) throw bad("retire/restore must not change the active key");
  const after = new Map(next.snapshots.map((r) => [r.kubernetesKeyId, r]));
  for (const r of prev.snapshots) {
    const n = after.get(r.kubernetesKeyId);
    if (decryptable(r.state)) {
      if (n === undefined) throw bad(`version ${r.transitVersion} would be dropped`);
      const stillDecryptable = n.state === "active" || n.state === "retired" || (r.state === "pending" && n.state === "pending");
      const retired = transition === "retire" && r.state === "retired" && n.state === "removed";
      if (!stillDecryptable && !retired) throw bad(`version ${r.transitVersion} would go from ${r.state} to ${n.state}`);
    } else if (r.state === "removed") {
      if (n === undefined) throw bad(`removed version ${r.transitVersion} would be dropped`);
      const restored = transition === "restore" && n.state === "retired" && recordCompact({ ...n, state: "removed" }) === recordCompact(r);
      if (!restored && recordCompact(n) !== recordCompact(r)) throw bad(`removed version ${r.transitVersion} would change`);
    } else if (n === undefined || n.state !== r.state) {
      throw bad(`rejected version ${r.transitVersion} would change`);
    }
  }
}
