// Fault commands for a running emulator cluster (`bun run emulator --nodes N`, one per line on
// stdin), so failover can be tried by hand against a real provider: kill, pause, seal, slow, 503.
// Nodes are numbered from 1 in the order the emulator printed them (node 1 started active).
import type { EmulatorCluster } from "./cluster.ts";

export const controlHelp = `Commands (node numbers as printed, from 1):
  kill N                      close node N's listener for good (connections refused)
  pause N | resume N          node N accepts connections but answers nothing | answers again
  seal N | unseal N           seal node N (sys/health 503; leadership moves on) | unseal it
  slow N MS                   add MS milliseconds to every answer of node N (0 = none)
  unavailable N | available N node N answers every request HTTP 503 | answers normally
  status                      each node's sys/health as a client sees it, and the leader
  help                        this text`;

/** One reply line per command (errors included: a typo never stops the emulator). */
export async function runControlCommand(cluster: EmulatorCluster, line: string, healthTimeoutMs = 500): Promise<string> {
  const [verb = "", ...args] = line.trim().split(/\s+/);
  if (verb === "") return "";
  if (verb === "help") return controlHelp;
  if (verb === "status") return status(cluster, healthTimeoutMs);
  const arity: Record<string, number> = { kill: 1, pause: 1, resume: 1, seal: 1, unseal: 1, slow: 2, unavailable: 1, available: 1 };
  const want = arity[verb];
  if (want === undefined) return `unknown command ${JSON.stringify(verb)}; try help`;
  if (args.length !== want) return `${verb} takes ${want === 1 ? "a node number" : "a node number and milliseconds"}; try help`;
  const n = Number(args[0]);
  if (!Number.isInteger(n) || n < 1 || n > cluster.nodes.length) return `no node ${JSON.stringify(args[0])}: nodes are 1 to ${cluster.nodes.length}`;
  const node = cluster.nodes[n - 1]!;
  switch (verb) {
    case "kill":
      await cluster.kill(node);
      break;
    case "pause":
    case "resume":
      cluster.pause(node, verb === "pause");
      break;
    case "seal":
      cluster.seal(node);
      break;
    case "unseal":
      cluster.unseal(node);
      break;
    case "slow": {
      const ms = Number(args[1]);
      if (!Number.isInteger(ms) || ms < 0 || ms > 600_000) return `slow takes whole milliseconds from 0 to 600000, got ${JSON.stringify(args[1])}`;
      cluster.slow(node, ms);
      break;
    }
    case "unavailable":
    case "available":
      cluster.unavailable(node, verb === "unavailable");
      break;
  }
  await cluster.settled();
  const leader = cluster.leader();
  return `ok: ${verb} node ${n}${args[1] === undefined ? "" : ` ${args[1]} ms`}; leader now ${leader === undefined ? "none" : `node ${cluster.nodes.indexOf(leader) + 1}`}`;
}

async function status(cluster: EmulatorCluster, timeoutMs: number): Promise<string> {
  const leader = cluster.leader();
  const lines = await Promise.all(
    cluster.nodes.map(async (node, i) => {
      let seen: string;
      try {
        const r = await fetch(`${node.url}/v1/sys/health`, { tls: { ca: node.caPem }, signal: AbortSignal.timeout(timeoutMs) } as RequestInit);
        await r.body?.cancel();
        seen = `sys/health HTTP ${r.status}`;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (e instanceof DOMException && e.name === "TimeoutError") seen = `no answer within ${timeoutMs} ms`;
        else seen = code === "ConnectionRefused" || code === "ECONNREFUSED" ? "connection refused" : `failed (${code ?? (e as Error).name})`;
      }
      return `node ${i + 1} ${node.url}: ${seen}${node === leader ? " (leader)" : ""}`;
    }),
  );
  return [...lines, `leader: ${leader === undefined ? "none" : `node ${cluster.nodes.indexOf(leader) + 1}`}`].join("\n");
}
