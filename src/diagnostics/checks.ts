// The doctor and verify-key check lists (reference §2.1 order), as four stages that hand their
// typed results to the next: the node's config, OpenBao, Transit, and (doctor) the state.
import type { EtcdOverrides } from "../app/etcd.ts";
import { type ConfigStageInput, configStage } from "./stage-config.ts";
import { openBaoStage } from "./stage-openbao.ts";
import { stateStage } from "./stage-state.ts";
import { transitStage } from "./stage-transit.ts";
import type { Check } from "./report.ts";
import { Gate } from "./runner.ts";

export { doctorProbeAad } from "./stage-transit.ts";
export { maxEncryptionConfigBytes } from "./stage-config.ts";

export interface DiagnosticsRun {
  readonly checks: readonly Check[];
  /** The config could not be loaded or validated (the command exits 3). */
  readonly configFailed: boolean;
}

/** doctor: every stage. verify-key: key suitability only (no socket, EncryptionConfiguration, encrypt or decrypt, or state). */
export async function runDiagnostics(input: ConfigStageInput, etcd: EtcdOverrides = {}): Promise<DiagnosticsRun> {
  const gate = new Gate();
  const { config, auth } = await configStage(gate, input);
  const session = await openBaoStage(gate, config, auth);
  const meta = await transitStage(gate, input.mode, config, session);
  if (input.mode === "doctor") await stateStage(gate, config, session, meta, input.nowMs, etcd);
  return { checks: gate.results, configFailed: config === undefined };
}
