// A small HA cluster of emulators: one active node and N standbys sharing its state, with
// failover modelled on OpenBao's Raft HA. When the leader is killed, paused or sealed, the first
// eligible node (alive, not paused, initialized, unsealed) in `nodes` order takes over after
// `electionDelayMs`; the others then follow it (forward, or 307 when forwarding is off). A live
// leader is never displaced. Per-node faults: kill, pause, seal, slow, unavailable (503).
// See README.md "Standby" and "Cluster".
import { startEmulator } from "./server.ts";
import { linkOf, promoteStandby } from "./standby.ts";
import type { Emulator, EmulatorOptions } from "./types.ts";

export interface EmulatorCluster {
  /** The node started active (it keeps this name after a failover). */
  active: Emulator;
  standbys: Emulator[];
  /** active first, then the standbys in start order. */
  nodes: Emulator[];
  /** The node that leads now, or undefined while none does. */
  leader(): Emulator | undefined;
  /** Closes the node's listener (connections refused from then on) and drops its connections; it never comes back. */
  kill(node: Emulator): Promise<void>;
  /** Accepts connections but answers nothing (sys/health included), like a stopped process; unpausing answers them. */
  pause(node: Emulator, on: boolean): void;
  seal(node: Emulator): void;
  unseal(node: Emulator): void;
  /** Latency on every request of the node (0 = none). */
  slow(node: Emulator, ms: number): void;
  /** The node answers every request HTTP 503 (sys/health too), like a proxy in front of a broken node. */
  unavailable(node: Emulator, on: boolean): void;
  /** Resolves once the election that the last fault started is over. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions extends EmulatorOptions {
  standbys?: number;
  /** How long a leaderless cluster takes to elect a new leader, ms (default 0). */
  electionDelayMs?: number;
  /** The listen port of standby i (0-based); default 0 (any free port). */
  standbyPorts?: (i: number) => number;
}

/** Starts the active node with `opts`, then `standbys` (default 2) standbys of it. */
export async function startCluster(opts: ClusterOptions = {}): Promise<EmulatorCluster> {
  const { standbys: n = 2, forwarding = true, standbyReads = true, electionDelayMs = 0, standbyPorts, ...activeOpts } = opts;
  const active = await startEmulator(activeOpts);
  const standbys: Emulator[] = [];
  try {
    for (let i = 0; i < n; i++) standbys.push(await startEmulator({ standbyOf: active, forwarding, standbyReads, host: activeOpts.host, port: standbyPorts?.(i) ?? 0 }));
  } catch (e) {
    await stopAll(active, standbys);
    throw e;
  }
  const nodes = [active, ...standbys];
  const link = linkOf(active)!;
  const killed = new Set<Emulator>();
  const paused = new Set<Emulator>();
  let leader: Emulator | undefined = active;
  let election: Promise<void> = Promise.resolve();

  const eligible = (e: Emulator) => !killed.has(e) && !paused.has(e) && e.initialized && !e.sealed;

  const hand = (to: Emulator | undefined) => {
    const from = leader;
    if (from === to) return;
    if (from !== undefined && from !== active) promoteStandby(from, false);
    leader = to;
    if (to === active) {
      link.leader = undefined;
      link.follow(null);
      return;
    }
    link.leader = to === undefined ? null : to.url;
    if (to !== undefined) promoteStandby(to, true);
    if (!killed.has(active)) link.follow(to === undefined ? "" : to.url);
  };

  /** Keeps a live leader; otherwise (after the election delay) picks the first eligible node. */
  const elect = () => {
    if (leader !== undefined && eligible(leader)) return;
    hand(undefined);
    election = (async () => {
      if (electionDelayMs > 0) await Bun.sleep(electionDelayMs);
      if (leader === undefined) hand(nodes.find(eligible));
    })();
  };

  return {
    active,
    standbys,
    nodes,
    leader: () => leader,
    async kill(node) {
      killed.add(node);
      if (node === active) await link.kill();
      else await node.stop();
      elect();
    },
    pause(node, on) {
      node.hang(on);
      if (on) paused.add(node);
      else paused.delete(node);
      elect();
    },
    seal(node) {
      node.seal();
      elect();
    },
    unseal(node) {
      node.unseal();
      elect();
    },
    slow: (node, ms) => node.setLatency(ms),
    unavailable: (node, on) => node.setUnavailable(on),
    settled: () => election,
    stop: () => stopAll(active, standbys),
  };
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
