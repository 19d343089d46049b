// Background probes that keep the registry and the status cache honest (reference §2.8–2.9):
// a metadata probe every status.probe_interval (upsert disabled, key profile safe, rotation
// state machine advanced), a deep probe every status.deep_probe_interval and whenever the
// active key has none yet, and rate-limited discovery for unknown key_ids on Decrypt. One
// probe at a time; a circuit breaker per kind; every state change is saved before it is
// published.

import { TransitError } from "../kms/errors.ts";
import { hashValue as hashForLog } from "../kms/hash.ts";
import type { KeyDiscovery } from "../kms/ports.ts";
import type { KeyScope } from "../kms/snapshot.ts";
import type { KeyMetadata } from "../kms/ports.ts";
import type { TransitClient } from "../openbao/transit-client.ts";
import type { Logger } from "../platform/log.ts";
import { nextState } from "../registry/build.ts";
import { RegistryError, type RegistryState, type RegistryStore } from "../registry/types.ts";
import { CircuitBreaker } from "./circuit-breaker.ts";
import { deepProbe } from "./deep-probe.ts";
import type { LiveRegistry } from "./live-registry.ts";
import { BootstrapDeniedError, bootstrapRecords, observe, type Observation, RotationError, type RotationPolicy } from "./rotation.ts";
import type { ProbeOutcome, ReadinessReason, StatusStore } from "./store.ts";
import { raceSignal } from "../platform/race-signal.ts";

export interface StatusControllerOptions {
  readonly transit: Pick<TransitClient, "readKey" | "readDisableUpsert" | "encrypt" | "decrypt">;
  readonly store: StatusStore;
  /** What Decrypt and Status read; published only after `persistence.save`. */
  readonly registry: LiveRegistry;
  readonly persistence: RegistryStore;
  readonly scope: KeyScope;
  /** The config identity fingerprint every saved generation carries (v1alpha2). */
  readonly identityFingerprint: string;
  readonly policy: RotationPolicy;
  /** state.path, for operator messages only. */
  readonly statePath: string;
  readonly nowMs: () => number;
  readonly log: Logger;
  readonly probeIntervalMs: number;
  readonly deepProbeIntervalMs: number;
  /** Deadline of each OpenBao call in a probe. */
  readonly timeoutMs: number;
  /** Called after a promotion is saved and published (metrics). */
  readonly onPromoted?: (from: number, to: number) => void;
}

/** A probe's result plus the cause, for the caller's logs and start-up message (never published). */
export type ProbeResult = ProbeOutcome & { readonly cause?: unknown };

export class StatusController implements KeyDiscovery {
  private readonly metaBreaker: CircuitBreaker;
  private readonly deepBreaker: CircuitBreaker;
  private gate: Promise<unknown> = Promise.resolve();
  private timers: Array<ReturnType<typeof setInterval>> = [];
  /** First validated observation of this process: promotions wait activation_delay after it. */
  private validatedSinceMs: number | undefined;
  private discovery: { readonly startedAtMs: number; readonly done: Promise<void> } | undefined;
  /** The last metadata probe found min_encryption_version above the active version. */
  private encryptionBlocked = false;
  /** Retained non-active versions Transit archives below min_decryption_version, as last observed. */
  private archived: readonly number[] = [];
  /** A candidate whose round trip passed just before its promotion was saved (published with it). */
  private provenKeyId: string | undefined;
  /** Why the current metadata probe deferred a due promotion (error class), if it did. */
  private deferredClass: string | undefined;
  /** The last metadata probe validated the registry (else archivedVersions() reports none). */
  private validated = false;

  constructor(private readonly o: StatusControllerOptions) {
    this.metaBreaker = new CircuitBreaker(o.nowMs);
    this.deepBreaker = new CircuitBreaker(o.nowMs);
  }

  /**
   * Runs one metadata probe (after any probe in progress) and publishes it. `startup` lets the
   * bootstrap retries through an open breaker: before the socket exists nothing else calls
   * OpenBao, and the retry interval already paces them.
   */
  probeOnce(opts: { readonly startup?: boolean } = {}): Promise<ProbeResult> {
    return this.exclusive(() => this.metadataProbe(opts.startup === true));
  }

  /** Runs one deep probe (after any probe in progress) and publishes it. */
  deepProbeOnce(opts: { readonly startup?: boolean } = {}): Promise<ProbeResult> {
    return this.exclusive(() => this.deep(opts.startup === true));
  }

  /**
   * Starts the periodic probes. Call once, after the start-up probes passed. A tick that comes
   * while its previous run is still going is dropped (like Go's ticker), so a slow OpenBao
   * never builds a queue of probes in front of discovery.
   */
  start(): void {
    const every = (ms: number, run: () => Promise<unknown>) => {
      let running = false;
      const t = setInterval(() => {
        if (running) return;
        running = true;
        void run().finally(() => (running = false));
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.o.probeIntervalMs, async () => {
      await this.probeOnce();
      if (this.o.store.deepProbeRequired()) await this.deepProbeOnce();
    });
    every(this.o.deepProbeIntervalMs, () => this.deepProbeOnce());
  }

  /**
   * Retained, non-active versions that the last validated observation found archived by
   * min_decryption_version (lowest first): Status stays healthy, their Decrypts fail until the
   * minimum is lowered. For openbao_kms_key_versions_archived.
   */
  archivedVersions(): readonly number[] {
    // Unknown while the last metadata probe did not validate (Status says why): report none
    // rather than a count from an older observation. `archived` itself is kept, so a probe that
    // validates again with the same versions does not repeat the warning.
    return this.validated ? this.archived : [];
  }

  /** Stops the timers; resolves once the probe or discovery in progress (and its save) is over. */
  stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    return this.gate.then(() => undefined);
  }

  /**
   * Unknown key_id on Decrypt (§2.5 rule 23, §5 item 11): at most one attempt per probe
   * interval per process, failures included; concurrent and later callers in the window share
   * its outcome. The attempt runs under its own deadline, so one caller giving up does not
   * fail the others; this caller stops waiting when its own signal fires.
   */
  refreshForDecrypt(keyId: string, signal: AbortSignal): Promise<void> {
    // Known now (a probe recorded it meanwhile), or persisted as removed/rejected (never
    // rediscovered): nothing to ask OpenBao, and the rate-limit slot stays free for a real peer key.
    if (this.o.registry.hasRecord(keyId)) return Promise.resolve();
    const now = this.o.nowMs();
    if (this.discovery === undefined || now - this.discovery.startedAtMs >= this.o.probeIntervalMs) {
      const done = this.exclusive(() => this.discover());
      done.catch(() => undefined);
      this.discovery = { startedAtMs: now, done };
    }
    return raceSignal(this.discovery.done, signal);
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.gate.then(run, run);
    this.gate = next.catch(() => undefined);
    return next;
  }

  private async metadataProbe(startup: boolean): Promise<ProbeResult> {
    this.provenKeyId = undefined;
    this.deferredClass = undefined;
    const result = await this.runMetadata(startup);
    this.validated = result.ok || result.reason === "encryption_blocked";
    this.o.store.publishMetadata(result, this.o.registry.active);
    this.o.store.notePromotionDeferred(result.ok ? this.deferredClass : undefined);
    // A promotion is published together with the deep probe its candidate passed before the
    // save (same tick), so Status and Encrypt never see the new key without one.
    const proven = this.provenKeyId;
    this.provenKeyId = undefined;
    if (result.ok && proven !== undefined && this.o.registry.active?.keyId === proven) this.o.store.publishDeep(proven, { ok: true });
    this.report("metadata", result);
    return result;
  }

  private async readBoth(): Promise<{ upsertDisabled: boolean; meta: KeyMetadata } | ProbeResult> {
    const signal = () => AbortSignal.timeout(this.o.timeoutMs);
    let upsertDisabled: boolean;
    try {
      upsertDisabled = await this.o.transit.readDisableUpsert(signal());
    } catch (cause) {
      return fail("upsert_check_failed", cause);
    }
    try {
      return { upsertDisabled, meta: await this.o.transit.readKey(signal()) };
    } catch (cause) {
      return fail("metadata_read_failed", cause);
    }
  }

  private async runMetadata(startup: boolean): Promise<ProbeResult> {
    this.encryptionBlocked = false;
    if (!startup && this.metaBreaker.isOpen()) return fail("circuit_breaker_open");
    const read = await this.readBoth();
    if ("ok" in read) {
      this.metaBreaker.recordFailure();
      return read;
    }
    this.metaBreaker.recordSuccess();
    // An allowed upsert is a policy problem, not an outage: it does not count toward the breaker.
    if (!read.upsertDisabled) return fail("upsert_allowed");
    try {
      const obs = await this.advance(read.meta, "observe");
      this.encryptionBlocked = obs.encryptionBlocked;
      return obs.encryptionBlocked ? fail("encryption_blocked") : { ok: true };
    } catch (cause) {
      return failFromRegistry(cause);
    }
  }

  /** Bootstraps (no state yet) or observes, then saves and publishes any change. */
  private async advance(meta: KeyMetadata, mode: "observe" | "discover"): Promise<Observation> {
    const now = this.o.nowMs();
    let state = this.o.registry.state;
    if (state === undefined) {
      if (mode === "discover") throw new BootstrapDeniedError("no key registry state loaded");
      const first = bootstrapRecords(meta, this.o.scope, now, this.o.statePath);
      state = await this.commit(undefined, first.records, first.activeKeyId);
      this.o.log.info("key.promoted", { key_id_hash: hashForLog(first.activeKeyId), transit_version: 1, generation: state.generation, outcome: "bootstrapped" });
    }
    // A restart waits the activation delay again, counted from the first observation that
    // validates (a failing one does not start the clock; discovery never does).
    const holdFromMs = this.validatedSinceMs ?? now;
    const input = {
      records: state.snapshots,
      activeKeyId: state.activeKeyId,
      meta,
      scope: this.o.scope,
      nowMs: now,
      policy: this.o.policy,
      promotionHoldUntilMs: holdFromMs + this.o.policy.activationDelayMs,
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
        this.provenKeyId = obs.promoted.to.kubernetesKeyId;
      } else {
        this.deferredClass = deferredBy;
        this.o.log.warn("key.promoted", {
          outcome: "deferred",
          key_id_hash: hashForLog(obs.promoted.to.kubernetesKeyId),
          transit_version: obs.promoted.to.transitVersion,
          error_class: deferredBy,
        });
        obs = observe({ ...input, promotionHoldUntilMs: Number.MAX_SAFE_INTEGER });
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
          this.o.log.info("key.pending", { key_id_hash: hashForLog(r.kubernetesKeyId), transit_version: r.transitVersion, generation: saved.generation, outcome: mode === "discover" ? "discovered" : "observed" });
        }
      }
      if (obs.promoted) {
        this.o.log.info("key.promoted", {
          key_id_hash: hashForLog(obs.promoted.to.kubernetesKeyId),
          previous_key_id_hash: hashForLog(obs.promoted.from.kubernetesKeyId),
          transit_version: obs.promoted.to.transitVersion,
          previous_transit_version: obs.promoted.from.transitVersion,
          generation: saved.generation,
        });
        this.o.onPromoted?.(obs.promoted.from.transitVersion, obs.promoted.to.transitVersion);
      }
    }
    return obs;
  }

  /** The candidate's round trip under the deep breaker: undefined when it passed, else why not (error class). */
  private async proveCandidate(version: number): Promise<string | undefined> {
    if (this.deepBreaker.isOpen()) return "circuit_breaker_open";
    try {
      await deepProbe(this.o.transit, version, this.o.timeoutMs);
      this.deepBreaker.recordSuccess();
      return undefined;
    } catch (cause) {
      this.deepBreaker.recordFailure();
      return errorClassOf(cause) ?? "unknown";
    }
  }

  /** Warns once when the set of archived retained versions changes, and says when it clears. */
  private noteArchived(obs: Observation, meta: KeyMetadata): void {
    const versions = obs.archived.map((r) => r.transitVersion);
    if (versions.join(",") === this.archived.join(",")) return;
    this.archived = versions;
    if (versions.length > 0) {
      this.o.log.warn("key.versions_archived", {
        outcome: "archived",
        archived_versions: versions.join(","),
        min_decryption_version: meta.minDecryptionVersion,
        reason: "retained versions are below Transit min_decryption_version: their ciphertext cannot be decrypted until it is lowered; Encrypt and Status are unaffected",
      });
    } else {
      this.o.log.info("key.versions_archived", { outcome: "recovered", min_decryption_version: meta.minDecryptionVersion });
    }
  }

  /** Persist, then publish. */
  private async commit(prev: RegistryState | undefined, records: Observation["records"], activeKeyId: string): Promise<RegistryState> {
    const next = nextState(prev, records, activeKeyId, this.o.identityFingerprint);
    await this.o.persistence.save(next);
    this.o.registry.publish(next);
    return next;
  }

  /** The same reads and checks as a metadata probe (breaker, upsert, profile), without counting or promoting. */
  private async discover(): Promise<void> {
    if (this.metaBreaker.isOpen()) throw new TransitError("unavailable", "discovery");
    const read = await this.readBoth();
    if ("ok" in read) {
      this.metaBreaker.recordFailure();
      throw read.cause ?? new TransitError("unavailable", "discovery");
    }
    this.metaBreaker.recordSuccess();
    if (!read.upsertDisabled) throw new TransitError("invalid_response", "discovery");
    const obs = await this.advance(read.meta, "discover");
    this.o.log.debug("status.probe", { probe_kind: "discovery", status: "ok", outcome: obs.changed ? "recorded" : "unchanged" });
  }

  private async deep(startup: boolean): Promise<ProbeResult> {
    const active = this.o.registry.active;
    let result: ProbeResult;
    if (active === undefined) result = fail("state_unavailable");
    // A known restriction (min_encryption_version above the active version) is not an outage:
    // no Transit call, and it does not count toward the breaker (rule 36).
    else if (this.encryptionBlocked) result = fail("encryption_blocked");
    else if (!startup && this.deepBreaker.isOpen()) result = fail("circuit_breaker_open");
    else {
      try {
        await deepProbe(this.o.transit, active.transitVersion, this.o.timeoutMs);
        this.deepBreaker.recordSuccess();
        result = { ok: true };
      } catch (cause) {
        this.deepBreaker.recordFailure();
        result = fail("deep_probe_failed", cause);
      }
    }
    if (active !== undefined) this.o.store.publishDeep(active.keyId, result);
    this.report("deep", result);
    return result;
  }

  private report(kind: "metadata" | "deep", r: ProbeResult): void {
    const fields = { probe_kind: kind, status: r.ok ? "ok" : "failed", reason: r.ok ? undefined : r.reason, error_class: r.ok ? undefined : r.errorClass };
    if (r.ok) this.o.log.debug("status.probe", fields);
    else this.o.log.warn("status.probe", fields);
  }
}

function failFromRegistry(cause: unknown): ProbeResult {
  if (cause instanceof RotationError) return fail(cause.reason, cause);
  if (cause instanceof BootstrapDeniedError) return fail("state_unavailable", cause);
  if (cause instanceof RegistryError) return fail("state_save_failed", cause);
  return fail("probe_failed", cause);
}

/** The log/metric class of a probe failure's cause: the Transit error kind, "timeout", or undefined. */
export function errorClassOf(cause: unknown): string | undefined {
  if (cause instanceof TransitError) return cause.kind;
  if (cause instanceof DOMException && cause.name === "TimeoutError") return "timeout";
  return undefined;
}

function fail(reason: ReadinessReason, cause?: unknown): ProbeResult {
  const errorClass = errorClassOf(cause);
  return { ok: false, reason, ...(errorClass ? { errorClass } : {}), ...(cause === undefined ? {} : { cause }) };
}
