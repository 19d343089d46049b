// A small HA cluster of emulators: one active node and N standbys that share its state. Each
// node has its own listener, request accounting and node faults; see README.md "Standby".
import { startEmulator } from "./server.ts";
import type { Emulator, EmulatorOptions } from "./types.ts";

export interface EmulatorCluster {
  active: Emulator;
  standbys: Emulator[];
  /** active first, then the standbys in start order. */
  nodes: Emulator[];
  stop(): Promise<void>;
}

/** Starts the active node with `opts`, then `standbys` (default 2) standbys of it. */
export async function startCluster(opts: EmulatorOptions & { standbys?: number } = {}): Promise<EmulatorCluster> {
  const { standbys: n = 2, forwarding = true, standbyReads = true, ...activeOpts } = opts;
  const active = await startEmulator(activeOpts);
  const standbys: Emulator[] = [];
  try {
    for (let i = 0; i < n; i++) standbys.push(await startEmulator({ standbyOf: active, forwarding, standbyReads, host: activeOpts.host }));
  } catch (e) {
    await stopAll(active, standbys);
    throw e;
  }
  return { active, standbys, nodes: [active, ...standbys], stop: () => stopAll(active, standbys) };
}

/** Stops every standby, then the active node, even when a standby's stop throws (the first error is rethrown). */
async function stopAll(active: Emulator, standbys: readonly Emulator[]): Promise<void> {
  try {
    const results = await Promise.allSettled(standbys.map((s) => s.stop()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  } finally {
    await active.stop();
  }
}
