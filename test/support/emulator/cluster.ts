// A small HA cluster of emulators: one active node and N standbys sharing its state, with
// failover modelled on OpenBao's Raft HA. When the leader is killed, paused or sealed, the first
// eligible node (alive, not paused, initialized, unsealed) in `nodes` order takes over after
// `electionDelayMs`; the others then follow it (forward, or 307 when forwarding is off). A live
// leader is never displaced. Every node has the same role switch (ha.ts), so the node started
// active follows like any standby once another node leads. Per-node faults: kill, pause, seal,
// slow, unavailable (503). See README.md "Standby" and "Cluster and failover".
import { designated, haOf, type HaMember, isUp, setLeader } from "./ha.ts";
import { startEmulator } from "./server.ts";
import type { Emulator, EmulatorOptions } from "./types.ts";

export interface EmulatorCluster {
  /** The node started active (it keeps this name after a failover). */
  active: Emulator;
  standbys: Emulator[];
  /** active first, then the standbys in start order: the election order. */
  nodes: Emulator[];
  /** The node that leads now (running, unsealed), or undefined while none does. */
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
  /** How long a leaderless cluster takes to elect a new leader, ms (default 0: at once). */
  electionDelayMs?: number;
  /** The listen port of standby i (0-based); default 0 (any free port). */
  standbyPorts?: (i: number) => number;
}

/** Starts the active node with `opts`, then `standbys` (default 2) standbys of it. */
export async function startCluster(opts: ClusterOptions = {}): Promise<EmulatorCluster> {
  const { standbys: n = 2, forwarding = true, standbyReads = true, electionDelayMs = 0, standbyPorts, ...activeOpts } = opts;
  const active = await startEmulator({ ...activeOpts, forwarding, standbyReads });
  const standbys: Emulator[] = [];
  try {
    for (let i = 0; i < n; i++) standbys.push(await startEmulator({ standbyOf: active, forwarding, standbyReads, host: activeOpts.host, port: standbyPorts?.(i) ?? 0 }));
  } catch (e) {
    await stopAll(active, standbys);
    throw e;
  }
  const nodes = [active, ...standbys];
  const link = haOf(active)!.link;
  const member = (e: Emulator): HaMember => {
    const m = haOf(e);
    if (m === undefined || m.link !== link) throw new Error("emulator: not a node of this cluster");
    return m.member;
  };
  const eligible = (e: Emulator) => isUp(member(e)) && !member(e).faults.paused;
  let election: Promise<void> = Promise.resolve();

  /** Keeps a live leader; otherwise (after the election delay) hands leadership to the first eligible node. */
  const elect = () => {
    const current = nodes.find((e) => e.url === designated(link));
    if (current !== undefined && eligible(current)) return;
    setLeader(link, null);
    election = (async () => {
      if (electionDelayMs > 0) await Bun.sleep(electionDelayMs);
      const next = nodes.find(eligible);
      if (designated(link) === null && next !== undefined) setLeader(link, next.url);
    })();
  };

  return {
    active,
    standbys,
    nodes,
    leader: () => nodes.find((e) => e.url === designated(link) && isUp(member(e))),
    async kill(node) {
      await member(node).kill();
      elect();
    },
    pause(node, on) {
      member(node).faults.setPaused(on);
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
    slow: (node, ms) => member(node).faults.setLatency(ms),
    unavailable: (node, on) => void (member(node).faults.unavailable = on),
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
