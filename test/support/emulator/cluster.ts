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
export async function startCluster(opts: EmulatorOptions & { standbys?: number; forwarding?: boolean } = {}): Promise<EmulatorCluster> {
  const { standbys: n = 2, forwarding = true, ...activeOpts } = opts;
  const active = await startEmulator(activeOpts);
  const standbys: Emulator[] = [];
  try {
    for (let i = 0; i < n; i++) standbys.push(await startEmulator({ standbyOf: active, forwarding, host: activeOpts.host }));
  } catch (e) {
    for (const s of standbys) await s.stop();
    await active.stop();
    throw e;
  }
  return {
    active, standbys, nodes: [active, ...standbys],
    async stop() {
      for (const s of standbys) await s.stop();
      await active.stop();
    },
  };
}
