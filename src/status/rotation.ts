// The observed-rotation state machine (reference core-behaviour §2.9, §4.6): given the persisted
// records and one Transit metadata observation, decide the next records. Pure: no I/O, time is
// passed in. A new latest version becomes pending, is promoted only after enough stable
// observations plus the activation delay, and nothing decryptable is ever dropped here.

import { deriveKeyId } from "../kms/key-id.ts";
import type { KeyScope, SnapshotState } from "../kms/snapshot.ts";
import type { KeyMetadata } from "../kms/ports.ts";
import { type RecordObservation, recordFromSnapshot } from "../registry/build.ts";
import type { SnapshotRecord } from "../registry/types.ts";
import { BootstrapDeniedError, checkRetained, decryptable, RotationError, validateMetadata } from "./retained.ts";

export { BootstrapDeniedError, RotationError, type RotationFailure, softDeletedMessage, validateMetadata, type VersionAvailability, versionAvailability } from "./retained.ts";

export interface RotationPolicy {
  readonly requireStableObservationCount: number;
  readonly activationDelayMs: number;
  readonly rejectVersionRollback: boolean;
}

export interface ObserveInput {
  readonly records: readonly SnapshotRecord[];
  readonly activeKeyId: string;
  readonly meta: KeyMetadata;
  readonly scope: KeyScope;
  readonly nowMs: number;
  readonly policy: RotationPolicy;
  /**
   * No promotion before this instant: the first validated observation of this process plus the
   * activation delay, so a restart waits the full delay again (§2.9 rule 43).
   */
  readonly promotionHoldUntilMs: number;
  /**
   * When given, decides instead whether a stable candidate is due (serve: a monotonic deadline
   * from when this process first saw it stable, so a wall-clock step cannot change the delay;
   * docs/decisions/clock.md). Without it, `nowMs` against stableAtUnix and the hold (reports).
   */
  readonly promotionDue?: (candidate: SnapshotRecord) => boolean;
  /**
   * "observe" is the metadata probe. "discover" (unknown key_id on Decrypt) records new
   * identities as pending/retired but never counts an observation and never promotes.
   */
  readonly mode: "observe" | "discover";
}

export interface Observation {
  readonly records: readonly SnapshotRecord[];
  readonly activeKeyId: string;
  /** True when records or activeKeyId differ from the input (a new generation is due). */
  readonly changed: boolean;
  /** Set when this observation promoted a pending version. */
  readonly promoted?: { readonly from: SnapshotRecord; readonly to: SnapshotRecord };
  /** min_encryption_version is above the active version: state advances, Status is unhealthy. */
  readonly encryptionBlocked: boolean;
  /** The pending candidate after this observation, if any (for reports). */
  readonly pending?: SnapshotRecord;
  /**
   * Retained, non-active versions that Transit archives (below min_decryption_version): not
   * listed, not decryptable, but brought back unchanged by lowering the minimum. Status stays
   * healthy; callers warn and count them. Lowest version first.
   */
  readonly archived: readonly SnapshotRecord[];
}


/** Builds one record for `version` of the configured key (key_id derived here). */
export function makeRecord(
  scope: KeyScope,
  version: number,
  createdAtUnix: number,
  state: SnapshotState,
  extra: RecordObservation = {},
): SnapshotRecord {
  return recordFromSnapshot({ scope, transitVersion: version, createdAtUnix, keyId: deriveKeyId(scope, version, createdAtUnix), state }, extra);
}

function positive<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return value !== undefined && value > 0 ? ({ [key]: value } as { [P in K]?: number }) : {};
}

/** Advances the records by one observation (§2.9 rules 39–43). Throws RotationError to fail closed. */
export function observe(input: ObserveInput): Observation {
  const { meta, scope, nowMs, policy } = input;
  validateMetadata(meta);
  const nowUnix = Math.floor(nowMs / 1000);
  const active = input.records.find((r) => r.kubernetesKeyId === input.activeKeyId);
  if (active === undefined || active.state !== "active") throw new RotationError("profile_invalid", "registry has no active record");
  const latest = meta.latestVersion;

  if (latest < active.transitVersion) {
    if (policy.rejectVersionRollback || input.mode === "discover") {
      throw new RotationError("version_rollback", `Transit latest_version ${latest} is below the active version ${active.transitVersion}`);
    }
    // Rollback tolerated by config: no change, but every retained identity must still have valid
    // metadata, so a decryptable version Transit no longer lists (the active one included) fails.
    for (const r of input.records) {
      if (decryptable(r.state) && r.transitVersion > latest) {
        throw new RotationError("version_unavailable", `Transit key version ${r.transitVersion} is no longer listed (latest_version ${latest})`);
      }
    }
    const { blocked, archived } = checkRetained(input.records, input.activeKeyId, meta);
    return { records: input.records, activeKeyId: input.activeKeyId, changed: false, encryptionBlocked: blocked, archived };
  }
  const { blocked: encryptionBlocked, archived } = checkRetained(input.records, input.activeKeyId, meta);
  if (latest === active.transitVersion) {
    return { records: input.records, activeKeyId: input.activeKeyId, changed: false, encryptionBlocked, archived, ...pendingOf(input.records) };
  }

  // latest > active: record skipped versions as retired, the latest as the pending candidate.
  const byVersion = new Map<number, SnapshotRecord>();
  for (const r of input.records) if (!byVersion.has(r.transitVersion) || decryptable(r.state)) byVersion.set(r.transitVersion, r);
  const out = [...input.records];
  let changed = false;
  for (let v = active.transitVersion + 1; v < latest; v++) {
    if (byVersion.has(v)) continue; // retained, or removed/rejected (never rediscovered)
    const created = meta.createdAtUnix.get(v);
    if (created === undefined) throw new RotationError("profile_invalid", `skipped Transit key version ${v} has no creation time`);
    out.push(makeRecord(scope, v, created, "retired", { observedAtUnix: nowUnix }));
    changed = true;
  }

  const createdLatest = meta.createdAtUnix.get(latest) as number;
  const candidateId = deriveKeyId(scope, latest, createdLatest);
  const idx = out.findIndex((r) => r.kubernetesKeyId === candidateId);
  let candidate: SnapshotRecord;
  if (idx === -1) {
    const count = input.mode === "discover" ? 0 : 1;
    candidate = makeRecord(scope, latest, createdLatest, "pending", {
      observedAtUnix: nowUnix,
      stableObservationCount: count,
      stableAtUnix: count > 0 && count >= policy.requireStableObservationCount ? nowUnix : 0,
    });
    out.push(candidate);
    changed = true;
  } else {
    const existing = out[idx] as SnapshotRecord;
    if (existing.state !== "pending") {
      // Removed or rejected identities are never brought back by observation.
      throw new RotationError("profile_invalid", `Transit latest version ${latest} is ${existing.state} in the registry`);
    }
    candidate = existing;
    if (input.mode === "observe") {
      const before = existing.stableObservationCount ?? 0;
      // Counting stops at the threshold: once stable, a probe that sees the same thing changes nothing.
      const count = Math.min(before + 1, policy.requireStableObservationCount);
      // Below the threshold (e.g. it was raised across a restart) a candidate is not stable.
      // Persisted stamps never precede the ones they follow (a wall clock stepped back would
      // otherwise write a record the registry's own rules refuse: stableAt < observedAt).
      const stableAt = count >= policy.requireStableObservationCount ? (existing.stableAtUnix ?? Math.max(nowUnix, existing.observedAtUnix ?? 0)) : 0;
      if (count !== before || stableAt !== (existing.stableAtUnix ?? 0)) {
        candidate = withObservation(existing, { observedAtUnix: existing.observedAtUnix ?? nowUnix, stableObservationCount: count, stableAtUnix: stableAt });
        out[idx] = candidate;
        changed = true;
      }
    }
  }

  if (input.mode === "observe" && candidate.stableAtUnix !== undefined) {
    const due = input.promotionDue?.(candidate) ?? nowMs >= Math.max(candidate.stableAtUnix * 1000 + policy.activationDelayMs, input.promotionHoldUntilMs);
    if (due) return { ...promote(out, active, candidate, nowUnix), archived };
  }
  return { records: out, activeKeyId: input.activeKeyId, changed, encryptionBlocked, pending: candidate, archived };
}

function promote(records: SnapshotRecord[], from: SnapshotRecord, candidate: SnapshotRecord, nowUnix: number): Omit<Observation, "archived"> {
  // Never before the candidate's own stamps (promotedAt ≥ observedAt is a registry rule), even
  // when the wall clock was stepped back since it was observed.
  const promotedAtUnix = Math.max(nowUnix, candidate.observedAtUnix ?? 0, candidate.stableAtUnix ?? 0);
  const to: SnapshotRecord = { ...candidate, state: "active", promotedAtUnix };
  const next = records.map((r) => {
    if (r.kubernetesKeyId === candidate.kubernetesKeyId) return to;
    if (r.kubernetesKeyId === from.kubernetesKeyId) return { ...r, state: "retired" as const };
    // Superseded candidates older than the new active one stay decryptable, as retired.
    if (r.state === "pending" && r.transitVersion < to.transitVersion) return { ...r, state: "retired" as const };
    return r;
  });
  // The new active version was validated by checkRetained as a retained (pending) identity:
  // listed, same creation time, not excluded by min_available/min_decryption_version (a pending
  // version above the active one can only be archived if the active one is too, which fails). Whether
  // min_encryption_version blocks it is judged by the next probe, where it is the active one.
  return { records: next, activeKeyId: to.kubernetesKeyId, changed: true, promoted: { from, to }, encryptionBlocked: false };
}

function withObservation(r: SnapshotRecord, o: { observedAtUnix: number; stableObservationCount: number; stableAtUnix: number }): SnapshotRecord {
  const { observedAtUnix: _a, stableObservationCount: _b, stableAtUnix: _c, ...rest } = r;
  return {
    ...rest,
    ...positive("observedAtUnix", o.observedAtUnix),
    ...positive("stableObservationCount", o.stableObservationCount),
    ...positive("stableAtUnix", o.stableAtUnix),
  } as SnapshotRecord;
}

function pendingOf(records: readonly SnapshotRecord[]): { pending?: SnapshotRecord } {
  let best: SnapshotRecord | undefined;
  for (const r of records) if (r.state === "pending" && (best === undefined || r.transitVersion > best.transitVersion)) best = r;
  return best === undefined ? {} : { pending: best };
}

/**
 * §4.6: with neither state nor checkpoint, only an unrotated key (latest_version 1, not
 * excluded by the minimum versions) may start a registry: generation 1, version 1 active.
 */
export function bootstrapRecords(meta: KeyMetadata, scope: KeyScope, nowMs: number, statePath: string): { records: SnapshotRecord[]; activeKeyId: string } {
  validateMetadata(meta);
  const restore = `restore ${statePath} and ${statePath}.checkpoint from this node's backup, or copy both from another control-plane node of this cluster, then start again`;
  if (meta.latestVersion !== 1) {
    throw new BootstrapDeniedError(
      `no key registry state at ${statePath}, and Transit key has been rotated (latest_version ${meta.latestVersion}): the provider cannot tell which versions this cluster has used; ${restore}`,
    );
  }
  if (meta.minAvailableVersion > 1 || meta.minDecryptionVersion > 1) {
    throw new BootstrapDeniedError(`no key registry state at ${statePath}, and Transit min versions exclude version 1; ${restore}`);
  }
  const nowUnix = Math.floor(nowMs / 1000);
  const record = makeRecord(scope, 1, meta.createdAtUnix.get(1) as number, "active", { observedAtUnix: nowUnix, promotedAtUnix: nowUnix });
  return { records: [record], activeKeyId: record.kubernetesKeyId };
}
