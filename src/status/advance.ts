// Advancing the key registry by one Transit observation: bootstrap or observe (the rotation
// state machine), prove a promotion's candidate first, then persist and publish, and log what
// changed. The status controller decides when; this decides what. Time: wall for persisted
// stamps, monotonic for the restart hold and each candidate's activation deadline.

import { hashValue as hashForLog } from "../kms/hash.ts";
import type { KeyMetadata } from "../kms/ports.ts";
import type { KeyScope } from "../kms/snapshot.ts";
import type { TransitClient } from "../openbao/transit-client.ts";
import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../platform/log.ts";
import { nextState } from "../registry/build.ts";
import type { RegistryState, RegistryStore } from "../registry/types.ts";
import type { CircuitBreaker } from "./circuit-breaker.ts";
import { deepProbe } from "./deep-probe.ts";
import { errorClassOf } from "./probe-result.ts";
import type { LiveRegistry } from "./live-registry.ts";
import { BootstrapDeniedError, bootstrapRecords, observe, type Observation, type RotationPolicy } from "./rotation.ts";

export interface AdvanceDeps {
  readonly transit: Pick<TransitClient, "encrypt" | "decrypt">;
  readonly registry: LiveRegistry;
  readonly persistence: RegistryStore;
  readonly scope: KeyScope;
  readonly identityFingerprint: string;
  readonly policy: RotationPolicy;
  readonly statePath: string;
  readonly log: Logger;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** The deep probe's breaker: a candidate's round trip obeys it. */
  readonly deepBreaker: CircuitBreaker;
  readonly onPromoted?: (from: number, to: number) => void;
}

export interface Advanced {
  readonly obs: Observation;
  /** The promoted candidate whose round trip passed just before the save (published with it). */
  readonly provenKeyId?: string;
  /** Why a due promotion was deferred (error class), if it was. */
  readonly deferredClass?: string;
  /** A new generation was saved (and published). */
  readonly saved: boolean;
}

export class RegistryAdvancer {
  /** First validated observation of this process (monotonic): promotions wait activation_delay after it. */
  private validatedSinceMs: number | undefined;
  /** When this process first saw each stable candidate (monotonic): its activation deadline starts there. */
  private readonly stableSeenMs = new Map<string, number>();
  /** Retained non-active versions Transit archives below min_decryption_version, as last observed. */
  archived: readonly number[] = [];

  constructor(private readonly d: AdvanceDeps) {}

  /** Bootstraps (no state yet) or observes, then saves and publishes any change. */
  async advance(meta: KeyMetadata, mode: "observe" | "discover"): Promise<Advanced> {
    let provenKeyId: string | undefined;
    let deferredClass: string | undefined;
    const wallNow = this.d.clock.wallMs();
    const now = this.d.clock.monotonicMs();
    let state = this.d.registry.state;
    if (state === undefined) {
      if (mode === "discover") throw new BootstrapDeniedError("no key registry state loaded");
      const first = bootstrapRecords(meta, this.d.scope, wallNow, this.d.statePath);
      state = await this.commit(undefined, first.records, first.activeKeyId);
      this.d.log.info("key.promoted", { key_id_hash: hashForLog(first.activeKeyId), transit_version: 1, generation: state.generation, outcome: "bootstrapped" });
    }
    // A restart waits the activation delay again, counted from the first observation that
    // validates (a failing one does not start the clock; discovery never does).
    // The deadline of a stable candidate is monotonic: the activation delay after this process
    // first saw it stable (never before the hold), so stepping the wall clock cannot shorten it.
    const holdFromMs = this.validatedSinceMs ?? now;
    const promotionDue = (candidate: { readonly kubernetesKeyId: string }) => {
      let seen = this.stableSeenMs.get(candidate.kubernetesKeyId);
      if (seen === undefined) {
        seen = Math.max(now, holdFromMs);
        this.stableSeenMs.set(candidate.kubernetesKeyId, seen);
      }
      return now >= seen + this.d.policy.activationDelayMs;
    };
    const input = {
      records: state.snapshots,
      activeKeyId: state.activeKeyId,
      meta,
      scope: this.d.scope,
      nowMs: wallNow,
      policy: this.d.policy,
      promotionHoldUntilMs: holdFromMs + this.d.policy.activationDelayMs,
      promotionDue,
      mode,
    };
    let obs = observe(input);
    if (obs.promoted) {
      // Prove the candidate's data path before it becomes active (the deep probe the new key
      // would otherwise need after the switch, while Status is unhealthy and Encrypt refused).
      // It is a deep probe, so it obeys the deep breaker: while that is open the data path is
      // known to fail, no call is made (the breaker's window paces retries) and the promotion
      // waits. A failure defers the promotion to a later probe; the rest of the observation stands.
      const deferredBy = await this.proveCandidate(obs.promoted.to.transitVersion);
      if (deferredBy === undefined) {
        provenKeyId = obs.promoted.to.kubernetesKeyId;
      } else {
        deferredClass = deferredBy;
        this.d.log.warn("key.promoted", {
          outcome: "deferred",
          key_id_hash: hashForLog(obs.promoted.to.kubernetesKeyId),
          transit_version: obs.promoted.to.transitVersion,
          error_class: deferredBy,
        });
        obs = observe({ ...input, promotionDue: () => false });
      }
    }
    if (mode === "observe") this.validatedSinceMs ??= now;
    this.noteArchived(obs, meta);
    if (obs.changed) {
      const wasPending = new Set(state.snapshots.filter((r) => r.state === "pending").map((r) => r.kubernetesKeyId));
      const saved = await this.commit(state, obs.records, obs.activeKeyId);
      // Operators see a rotation start here, not only when it completes (key.promoted).
      for (const r of obs.records) {
        if (r.state === "pending" && !wasPending.has(r.kubernetesKeyId)) {
          this.d.log.info("key.pending", { key_id_hash: hashForLog(r.kubernetesKeyId), transit_version: r.transitVersion, generation: saved.generation, outcome: mode === "discover" ? "discovered" : "observed" });
        }
      }
      if (obs.promoted) {
        this.d.log.info("key.promoted", {
          key_id_hash: hashForLog(obs.promoted.to.kubernetesKeyId),
          previous_key_id_hash: hashForLog(obs.promoted.from.kubernetesKeyId),
          transit_version: obs.promoted.to.transitVersion,
          previous_transit_version: obs.promoted.from.transitVersion,
          generation: saved.generation,
        });
        this.d.onPromoted?.(obs.promoted.from.transitVersion, obs.promoted.to.transitVersion);
      }
    }
    return { obs, saved: obs.changed, ...(provenKeyId === undefined ? {} : { provenKeyId }), ...(deferredClass === undefined ? {} : { deferredClass }) };
  }

  /** The candidate's round trip under the deep breaker: undefined when it passed, else why not (error class). */
  private async proveCandidate(version: number): Promise<string | undefined> {
    if (this.d.deepBreaker.isOpen()) return "circuit_breaker_open";
    try {
      await deepProbe(this.d.transit, version, this.d.timeoutMs);
      this.d.deepBreaker.recordSuccess();
      return undefined;
    } catch (cause) {
      this.d.deepBreaker.recordFailure();
      return errorClassOf(cause) ?? "unknown";
    }
  }

  /** Warns once when the set of archived retained versions changes, and says when it clears. */
  private noteArchived(obs: Observation, meta: KeyMetadata): void {
    const versions = obs.archived.map((r) => r.transitVersion);
    if (versions.join(",") === this.archived.join(",")) return;
    this.archived = versions;
    if (versions.length > 0) {
      this.d.log.warn("key.versions_archived", {
        outcome: "archived",
        archived_versions: versions.join(","),
        min_decryption_version: meta.minDecryptionVersion,
        reason: "retained versions are below Transit min_decryption_version: their ciphertext cannot be decrypted until it is lowered; Encrypt and Status are unaffected",
      });
    } else {
      this.d.log.info("key.versions_archived", { outcome: "recovered", min_decryption_version: meta.minDecryptionVersion });
    }
  }

  /** Persist, then publish. */
  private async commit(prev: RegistryState | undefined, records: Observation["records"], activeKeyId: string): Promise<RegistryState> {
    const next = nextState(prev, records, activeKeyId, this.d.identityFingerprint);
    await this.d.persistence.save(next);
    this.d.registry.publish(next);
    return next;
  }
}
