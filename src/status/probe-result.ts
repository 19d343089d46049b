// A probe's result as Status publishes it, and the classes its causes are logged and counted by.
import { TransitError } from "../kms/errors.ts";
import { RegistryError } from "../registry/types.ts";
import { BootstrapDeniedError, RotationError } from "./retained.ts";
import type { ProbeOutcome, ReadinessReason } from "./store.ts";

/** A probe's result plus the cause, for the caller's logs and start-up message (never published). */
export type ProbeResult = ProbeOutcome & { readonly cause?: unknown };

export function failFromRegistry(cause: unknown): ProbeResult {
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

export function fail(reason: ReadinessReason, cause?: unknown): ProbeResult {
  const errorClass = errorClassOf(cause);
  return { ok: false, reason, ...(errorClass ? { errorClass } : {}), ...(cause === undefined ? {} : { cause }) };
}
