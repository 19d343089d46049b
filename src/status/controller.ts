// Background probes that keep the registry and the status cache honest (reference §2.8–2.9):
// a metadata probe every status.probe_interval (upsert disabled, key profile safe, rotation
// state machine advanced), a deep probe every status.deep_probe_interval and whenever the
// active key has none yet, and rate-limited discovery for unknown key_ids on Decrypt. One
// probe at a time; a circuit breaker per kind; every state change is saved before it is
// published.

import { TransitError } from "../kms/errors.ts";
import type { KeyDiscovery, KeyMetadata } from "../kms/ports.ts";
import type { KeyScope } from "../kms/snapshot.ts";
import type { TransitClient } from "../openbao/transit-client.ts";
import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../platform/log.ts";
import { raceSignal } from "../platform/race-signal.ts";
import { RegistryError, type RegistryStore } from "../registry/types.ts";
import { RegistryAdvancer } from "./advance.ts";
import { breakerJitter, CircuitBreaker } from "./circuit-breaker.ts";
import { deepProbe } from "./deep-probe.ts";
import type { LiveRegistry } from "./live-registry.ts";
import { fail, failFromRegistry, type ProbeResult } from "./probe-result.ts";
import type { RotationPolicy } from "./rotation.ts";
import type { StatusStore } from "./store.ts";

/** The longest a breaker stays open (the reference's fixed window). */
const breakerMaxOpenMs = 30_000;

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
  /**
   * Wall time only for what is persisted (observedAt, stableAt, promotedAt); monotonic time for
   * every duration: breakers, discovery's rate limit, the restart hold and the activation delay.
   */
  readonly clock?: Clock;
  /** Tests: one function for both sides of the clock (used when `clock` is not given). */
  readonly nowMs?: () => number;
  readonly log: Logger;
  readonly probeIntervalMs: number;
  readonly deepProbeIntervalMs: number;
  /** Deadline of each OpenBao call in a probe. */
  readonly timeoutMs: number;
  /** Called after a promotion is saved and published (metrics). */
  readonly onPromoted?: (from: number, to: number) => void;
}

export type { ProbeResult } from "./probe-result.ts";
export { errorClassOf } from "./probe-result.ts";

export class StatusController implements KeyDiscovery {
  private readonly metaBreaker: CircuitBreaker;
  private readonly deepBreaker: CircuitBreaker;
  private gate: Promise<unknown> = Promise.resolve();
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private readonly clock: Clock;
  private readonly advancer: RegistryAdvancer;
  private discovery: { readonly startedAtMs: number; readonly done: Promise<void> } | undefined;
  /** The last metadata probe found min_encryption_version above the active version. */
  private encryptionBlocked = false;
  /** A candidate whose round trip passed just before its promotion was saved (published with it). */
  private provenKeyId: string | undefined;
  /** Why the current metadata probe deferred a due promotion (error class), if it did. */
  private deferredClass: string | undefined;
  /** The last metadata probe validated the registry (else archivedVersions() reports none). */
  private validated = false;

  constructor(private readonly o: StatusControllerOptions) {
    const now = o.nowMs ?? Date.now;
    this.clock = o.clock ?? { wallMs: now, monotonicMs: now };
    const mono = () => this.clock.monotonicMs();
    // The first window is one probe interval (capped at 30 s), so a short outage ends at the next probe.
    const window = Math.min(o.probeIntervalMs, breakerMaxOpenMs);
    this.metaBreaker = new CircuitBreaker(mono, 3, window, breakerMaxOpenMs, breakerJitter);
    this.deepBreaker = new CircuitBreaker(mono, 3, window, breakerMaxOpenMs, breakerJitter);
    this.advancer = new RegistryAdvancer({ ...o, clock: this.clock, deepBreaker: this.deepBreaker });
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
    return this.validated ? this.advancer.archived : [];
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
    const now = this.clock.monotonicMs();
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

  /** config/keys and the key, read at once (one round trip, not two); the upsert check's failure is reported first. */
  private async readBoth(): Promise<{ upsertDisabled: boolean; meta: KeyMetadata } | ProbeResult> {
    const signal = () => AbortSignal.timeout(this.o.timeoutMs);
    const [upsert, meta] = await Promise.allSettled([this.o.transit.readDisableUpsert(signal()), this.o.transit.readKey(signal())]);
    if (upsert.status === "rejected") return fail("upsert_check_failed", upsert.reason);
    if (meta.status === "rejected") return fail("metadata_read_failed", meta.reason);
    return { upsertDisabled: upsert.value, meta: meta.value };
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
      const { obs, provenKeyId, deferredClass, saved } = await this.advancer.advance(read.meta, "observe");
      this.provenKeyId = provenKeyId;
      this.deferredClass = deferredClass;
      this.encryptionBlocked = obs.encryptionBlocked;
      if (saved) this.o.store.notePersistence(undefined);
      return obs.encryptionBlocked ? fail("encryption_blocked") : { ok: true };
    } catch (cause) {
      // A save that failed for the file system (full, read-only, permissions) blocks only the
      // transition it was for: nothing was published, the saved state (and its active key) still
      // stands, so Status and Encrypt go on. It is reported (log, /ready, gauge) and retried by
      // every probe. With no saved state yet there is no key to go on with: that fails closed.
      if (cause instanceof RegistryError && (cause.kind === "io" || cause.kind === "permission") && this.o.registry.state !== undefined) {
        const detail = saveFailure(cause, this.o.statePath);
        this.o.store.notePersistence(detail.errno ?? cause.kind);
        this.o.log.warn("status.probe", { probe_kind: "metadata", status: "degraded", reason: "state_save_failed", ...detail });
        return { ok: true };
      }
      return failFromRegistry(cause);
    }
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
    const { obs } = await this.advancer.advance(read.meta, "discover");
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
    const fields = { probe_kind: kind, status: r.ok ? "ok" : "failed", reason: r.ok ? undefined : r.reason, error_class: r.ok ? undefined : r.errorClass, ...(r.ok ? {} : saveFailure(r.cause, this.o.statePath)) };
    if (r.ok) this.o.log.debug("status.probe", fields);
    else this.o.log.warn("status.probe", fields);
  }
}

/**
 * A failed save names its cause as bootstrap does: the registry's error kind, the errno when
 * there was one (ENOSPC, EROFS, EACCES, …) and the state path. Never file contents.
 */
function saveFailure(cause: unknown, statePath: string): Record<string, string> {
  if (!(cause instanceof RegistryError)) return {};
  return { save_error: cause.kind, ...(cause.errno === undefined ? {} : { errno: cause.errno }), state_path: statePath };
}
