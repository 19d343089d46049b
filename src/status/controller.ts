// Background probes that keep the status cache honest (reference §2.8): a metadata probe
// every status.probe_interval (upsert disabled, key profile safe, the active version still
// usable and unchanged), a deep probe every status.deep_probe_interval and whenever the active
// key has none yet. One probe at a time; a circuit breaker per kind.

import { KeyProfileError, checkKeyProfile } from "../keys/from-metadata.ts";
import { TransitError } from "../kms/errors.ts";
import type { KeySnapshot } from "../kms/snapshot.ts";
import type { KeyMetadata, TransitClient } from "../openbao/transit-client.ts";
import type { Logger } from "../platform/log.ts";
import { CircuitBreaker } from "./circuit-breaker.ts";
import { deepProbe } from "./deep-probe.ts";
import type { ProbeOutcome, ReadinessReason, StatusStore } from "./store.ts";

export interface StatusControllerOptions {
  readonly transit: Pick<TransitClient, "readKey" | "readDisableUpsert" | "encrypt" | "decrypt">;
  readonly store: StatusStore;
  /** The active key (fixed for the process until the key registry arrives). */
  readonly active: KeySnapshot;
  readonly nowMs: () => number;
  readonly log: Logger;
  readonly probeIntervalMs: number;
  readonly deepProbeIntervalMs: number;
  /** Deadline of each OpenBao call in a probe. */
  readonly timeoutMs: number;
}

/** A probe's result plus the cause, for the caller's logs and start-up message (never published). */
export type ProbeResult = ProbeOutcome & { readonly cause?: unknown };

export class StatusController {
  private readonly metaBreaker: CircuitBreaker;
  private readonly deepBreaker: CircuitBreaker;
  private gate: Promise<unknown> = Promise.resolve();
  private timers: Array<ReturnType<typeof setInterval>> = [];

  constructor(private readonly o: StatusControllerOptions) {
    this.metaBreaker = new CircuitBreaker(o.nowMs);
    this.deepBreaker = new CircuitBreaker(o.nowMs);
  }

  /** Runs one metadata probe (after any probe in progress) and publishes it. */
  probeOnce(): Promise<ProbeResult> {
    return this.exclusive(() => this.metadataProbe());
  }

  /** Runs one deep probe (after any probe in progress) and publishes it. */
  deepProbeOnce(): Promise<ProbeResult> {
    return this.exclusive(() => this.deep());
  }

  /** Starts the periodic probes. Call once, after the start-up probes passed. */
  start(): void {
    const tick = async () => {
      await this.probeOnce();
      if (this.o.store.deepProbeRequired()) await this.deepProbeOnce();
    };
    this.timers.push(setInterval(() => void tick(), this.o.probeIntervalMs), setInterval(() => void this.deepProbeOnce(), this.o.deepProbeIntervalMs));
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.gate.then(run, run);
    this.gate = next.catch(() => undefined);
    return next;
  }

  private async metadataProbe(): Promise<ProbeResult> {
    const result = await this.runMetadata();
    this.o.store.publishMetadata(result, this.o.active);
    this.report("metadata", result);
    return result;
  }

  private async runMetadata(): Promise<ProbeResult> {
    if (this.metaBreaker.isOpen()) return fail("circuit_breaker_open");
    const signal = () => AbortSignal.timeout(this.o.timeoutMs);
    let upsertDisabled: boolean;
    try {
      upsertDisabled = await this.o.transit.readDisableUpsert(signal());
    } catch (cause) {
      this.metaBreaker.recordFailure();
      return fail("upsert_check_failed", cause);
    }
    let meta;
    try {
      meta = await this.o.transit.readKey(signal());
    } catch (cause) {
      this.metaBreaker.recordFailure();
      return fail("metadata_read_failed", cause);
    }
    this.metaBreaker.recordSuccess();
    return evaluateMetadata(meta, upsertDisabled, this.o.active);
  }

  /**
   * Publishes a metadata probe whose two reads the caller already made (start-up reads them
   * once, to build the key set, instead of twice).
   */
  publishInitialMetadata(meta: KeyMetadata, upsertDisabled: boolean): ProbeResult {
    const result = evaluateMetadata(meta, upsertDisabled, this.o.active);
    this.o.store.publishMetadata(result, this.o.active);
    this.report("metadata", result);
    return result;
  }

  private async deep(): Promise<ProbeResult> {
    const keyId = this.o.active.keyId;
    let result: ProbeResult;
    if (this.deepBreaker.isOpen()) result = fail("circuit_breaker_open");
    else {
      try {
        await deepProbe(this.o.transit, this.o.active.transitVersion, this.o.timeoutMs);
        this.deepBreaker.recordSuccess();
        result = { ok: true };
      } catch (cause) {
        this.deepBreaker.recordFailure();
        result = fail("deep_probe_failed", cause);
      }
    }
    this.o.store.publishDeep(keyId, result);
    this.report("deep", result);
    return result;
  }

  private report(kind: "metadata" | "deep", r: ProbeResult): void {
    const fields = { probe_kind: kind, status: r.ok ? "ok" : "failed", reason: r.ok ? undefined : r.reason, error_class: r.ok ? undefined : r.errorClass };
    if (r.ok) this.o.log.debug("status.probe", fields);
    else this.o.log.warn("status.probe", fields);
  }
}

/** Judges one metadata observation against the active key (pure). */
export function evaluateMetadata(meta: KeyMetadata, upsertDisabled: boolean, active: KeySnapshot): ProbeResult {
  // An allowed upsert is a policy problem, not an outage: it does not count toward the breaker.
  if (!upsertDisabled) return fail("upsert_allowed");
  try {
    checkKeyProfile(meta);
  } catch (cause) {
    return fail("profile_invalid", cause);
  }
  const v = active.transitVersion;
  if (meta.createdAtUnix.get(v) !== active.createdAtUnix) {
    return fail("profile_invalid", new KeyProfileError(`Transit key version ${v} creation time changed`));
  }
  if (meta.minDecryptionVersion > v || meta.minAvailableVersion > v) {
    return fail("profile_invalid", new KeyProfileError(`Transit key version ${v} is no longer decryptable`));
  }
  if (meta.minEncryptionVersion > v) return fail("encryption_blocked");
  return { ok: true };
}

function fail(reason: ReadinessReason, cause?: unknown): ProbeResult {
  const errorClass = cause instanceof TransitError ? cause.kind : cause instanceof DOMException && cause.name === "TimeoutError" ? "timeout" : undefined;
  return { ok: false, reason, ...(errorClass ? { errorClass } : {}), ...(cause === undefined ? {} : { cause }) };
}
