// [bootstrap]: how long serve keeps retrying its first login and probes before it gives up.
import * as v from "valibot";
import { durationMs, optionalTable } from "./fields.ts";

const hour = 3_600_000;

/** bootstrap.* duration bounds (ms). */
export const bootstrapBoundsMs = {
  graceTimeout: { min: 0, max: 24 * hour },
  retryInterval: { min: 1, max: hour },
} as const;

const duration = (bounds: { min: number; max: number }, fallback: string) => v.optional(durationMs(bounds.min, bounds.max), fallback);

export const bootstrapSchema = optionalTable({
  grace_timeout: duration(bootstrapBoundsMs.graceTimeout, "60s"),
  retry_interval: duration(bootstrapBoundsMs.retryInterval, "5s"),
});

export interface BootstrapConfig {
  /** 0 = one attempt, no retry. */
  readonly graceTimeoutMs: number;
  readonly retryIntervalMs: number;
}

export function buildBootstrap(b: v.InferOutput<typeof bootstrapSchema>): BootstrapConfig {
  return { graceTimeoutMs: b.grace_timeout, retryIntervalMs: b.retry_interval };
}
