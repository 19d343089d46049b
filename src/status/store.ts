// The status cache Status, Encrypt and /ready are served from (reference core-behaviour §2.3
// rules 9–10, §2.8 rule 38). Reading it never calls OpenBao. Healthy only when a key is
// loaded, the last metadata probe passed, the deep probe passed for *this* active key, and
// the last metadata publication is younger than max_staleness.

import type { StatusSource, StatusView } from "../kms/ports.ts";
import type { KeySnapshot } from "../kms/snapshot.ts";

/** Stable, low-cardinality reasons for not being ready (the reference's codes). */
export type ReadinessReason =
  | "state_unavailable"
  | "status_stale"
  | "metadata_unverified"
  | "metadata_read_failed"
  | "upsert_check_failed"
  | "upsert_allowed"
  | "profile_invalid"
  | "key_soft_deleted"
  | "version_rollback"
  | "creation_time_drift"
  | "version_unavailable"
  | "state_save_failed"
  | "encryption_blocked"
  | "deep_probe_pending"
  | "deep_probe_failed"
  | "circuit_breaker_open"
  | "probe_failed";

export type ProbeOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: ReadinessReason; readonly errorClass?: string };

export interface HealthSnapshot extends StatusView {
  /** ms since the last metadata publication; undefined before the first one. */
  readonly cacheAgeMs: number | undefined;
  readonly stale: boolean;
  /** Empty exactly when healthy. */
  readonly reasons: readonly ReadinessReason[];
  readonly metadataErrorClass?: string;
  readonly deepErrorClass?: string;
  /**
   * Set while the last metadata probe found a pending version due for promotion but deferred it
   * because the candidate's round trip failed or the deep breaker was open (the error class).
   * Not a readiness reason: the old key keeps serving.
   */
  readonly promotionDeferred?: string;
  /**
   * Set while the last attempt to save the key registry failed (the error kind, or errno) and no
   * save has succeeded since. Not a readiness reason: the active key is already saved, so Status
   * and Encrypt go on; only the transition that needed the save (a promotion) waits.
   */
  readonly persistenceDegraded?: string;
}

export class StatusStore implements StatusSource {
  private active: KeySnapshot | undefined;
  private updatedAtMs: number | undefined;
  private metadata: ProbeOutcome | undefined;
  private deep: (ProbeOutcome & { keyId: string }) | undefined;
  private deferred: string | undefined;
  private persistence: string | undefined;

  constructor(
    private readonly nowMs: () => number,
    private readonly maxStalenessMs: number,
  ) {}

  /** Records a metadata probe (success or failure) and refreshes the cache age. A new active key invalidates the deep probe. */
  publishMetadata(outcome: ProbeOutcome, active?: KeySnapshot): void {
    if (active !== undefined) {
      if (this.active?.keyId !== active.keyId) this.deep = undefined;
      this.active = active;
    }
    this.metadata = outcome;
    this.updatedAtMs = this.nowMs();
  }

  /** Records a deep probe for `keyId`; ignored unless it is still the active key. Does not refresh the age. */
  publishDeep(keyId: string, outcome: ProbeOutcome): void {
    if (this.active?.keyId === keyId) this.deep = { ...outcome, keyId };
  }

  /** Records whether the last metadata probe deferred a due promotion (its error class) or not (undefined). */
  notePromotionDeferred(errorClass: string | undefined): void {
    this.deferred = errorClass;
  }

  /** Records a failed save (its class) or a successful one (undefined). */
  notePersistence(failure: string | undefined): void {
    this.persistence = failure;
  }

  /** True when the active key has no passing deep probe yet (the scheduler probes at once). */
  deepProbeRequired(): boolean {
    return this.active !== undefined && this.metadata?.ok === true && this.deep?.ok !== true;
  }

  get activeKey(): KeySnapshot | undefined {
    return this.active;
  }

  snapshot(): HealthSnapshot {
    const now = this.nowMs();
    const cacheAgeMs = this.updatedAtMs === undefined ? undefined : now - this.updatedAtMs;
    const stale = cacheAgeMs === undefined || cacheAgeMs > this.maxStalenessMs;
    const reasons: ReadinessReason[] = [];
    if (this.active === undefined) reasons.push("state_unavailable");
    if (this.metadata === undefined) reasons.push("metadata_unverified");
    else if (!this.metadata.ok) reasons.push(this.metadata.reason);
    if (this.deep === undefined || this.deep.keyId !== this.active?.keyId) reasons.push("deep_probe_pending");
    else if (!this.deep.ok) reasons.push(this.deep.reason);
    if (stale) reasons.push("status_stale");
    const healthy = reasons.length === 0;
    return {
      healthz: healthy ? "ok" : "unhealthy",
      keyId: healthy && this.active ? this.active.keyId : "",
      active: this.active,
      cacheAgeMs,
      stale,
      reasons,
      ...(this.metadata && !this.metadata.ok && this.metadata.errorClass ? { metadataErrorClass: this.metadata.errorClass } : {}),
      ...(this.deep && !this.deep.ok && this.deep.errorClass ? { deepErrorClass: this.deep.errorClass } : {}),
      ...(this.deferred !== undefined ? { promotionDeferred: this.deferred } : {}),
      ...(this.persistence !== undefined ? { persistenceDegraded: this.persistence } : {}),
    };
  }

  current(): StatusView {
    const s = this.snapshot();
    return { healthz: s.healthz, keyId: s.keyId, active: s.active };
  }
}
