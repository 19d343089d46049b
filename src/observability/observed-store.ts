// The status cache with one hook: every metadata probe published to it is also reported (for
// openbao_kms_transit_metadata_observation_total). Behaviour is otherwise StatusStore's own.

import { StatusStore, type ProbeOutcome } from "../status/store.ts";
import type { KeySnapshot } from "../kms/snapshot.ts";

export class ObservedStatusStore extends StatusStore {
  constructor(
    nowMs: () => number,
    maxStalenessMs: number,
    private readonly onMetadata: (outcome: ProbeOutcome) => void,
  ) {
    super(nowMs, maxStalenessMs);
  }

  override publishMetadata(outcome: ProbeOutcome, active?: KeySnapshot): void {
    super.publishMetadata(outcome, active);
    try {
      this.onMetadata(outcome);
    } catch {
      // Metrics never change what the cache holds.
    }
  }
}
