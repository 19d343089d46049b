// HA standby nodes: an emulator started with `standbyOf: <node>` joins that node's cluster (ha.ts).
// It shares the cluster's state and certificate, has its own listener, accounting and node faults,
// and follows the leader (follower.ts) until a failover makes it lead (cluster.ts).
import type { Server } from "bun";
import { errorResponse } from "./envelope.ts";
import { Faults } from "./faults.ts";
import { followerRole, forwardedByHeader, type Frozen } from "./follower.ts";
import { haOf, haStatus, joinCluster } from "./ha.ts";
import { mergeHandles, nodeControls, recordingHandler } from "./node.ts";
import type { RouterDeps } from "./router.ts";
import type { Emulator, EmulatorOptions, RequestRecord } from "./types.ts";

/** Most transit keys one replication pause snapshots (bounds the pause's internal reads). */
const maxSnapshotKeys = 10_000;

/** Starts a standby of `opts.standbyOf`'s cluster. Call `stop()` when done (the other nodes keep running). */
export async function startStandby(opts: EmulatorOptions): Promise<Emulator> {
  const link = haOf(opts.standbyOf!)?.link;
  if (link === undefined) throw new Error("emulator: standbyOf must be an emulator started by startEmulator");
  const faults = new Faults(link.deps.faults); // deny/allow model ACL policy: shared
  const requests: RequestRecord[] = [];
  let forwarding = opts.forwarding ?? true;
  let stopping = false;
  const inflight = new Set<AbortController>();
  let self = "";
  let server: Server<unknown> | undefined;
  let frozen: Frozen | undefined;

  const deps: RouterDeps = {
    ...link.deps,
    faults,
    cluster: () => ({
      sealed: faults.sealed, initialized: faults.initialized, clusterName: link.clusterName, clusterId: link.clusterId,
      nowMs: link.nowMs(), ...haStatus(link, self),
    }),
    isStopping: () => stopping,
  };
  const role = followerRole({
    link, self: () => self, faults, deps: () => deps, server: () => server!, inflight,
    forwarding: () => forwarding, standbyReads: opts.standbyReads ?? true, frozen: () => frozen,
  });
  deps.standby = role.standby;

  /** Reads every transit key's GET answer through the local pipeline (root token), as of now. */
  const snapshot = async (): Promise<Frozen> => {
    const get = async (p: string) => {
      const res = await role.local(new Request(self + p, { headers: { "X-Vault-Token": link.shared.rootToken } }));
      if (res === "drop" || res.status !== 200) return undefined;
      return { body: await res.text(), headers: Object.fromEntries(res.headers) };
    };
    const mountsRes = await get("/v1/sys/mounts");
    const table = mountsRes === undefined ? {} : (JSON.parse(mountsRes.body) as { data?: Record<string, { type?: string }> }).data ?? {};
    const mounts = Object.entries(table).filter(([, m]) => m.type === "transit").map(([p]) => p.replace(/\/+$/, ""));
    const keys: Frozen["keys"] = new Map();
    for (const m of mounts) {
      const list = await get(`/v1/${m}/keys?list=true`);
      const names = list === undefined ? [] : ((JSON.parse(list.body) as { data?: { keys?: string[] } }).data?.keys ?? []);
      for (const n of names.slice(0, maxSnapshotKeys - keys.size)) {
        const p = `/v1/${m}/keys/${encodeURIComponent(n)}`;
        const r = await get(p);
        if (r !== undefined) keys.set(p, r);
      }
    }
    return { keys, mounts };
  };

  server = Bun.serve({
    hostname: opts.host ?? "127.0.0.1",
    port: opts.port ?? 0,
    development: false,
    tls: { cert: link.certPem, key: link.keyPem },
    maxRequestBodySize: link.deps.maxRequestBytes + 16 * 1024 * 1024,
    fetch: recordingHandler(requests, deps, forwardedByHeader),
    error: (err) => errorResponse(500, [`emulator internal error: ${err.message}`]),
  });
  const host = server.hostname ?? "127.0.0.1";
  self = `https://${host.includes(":") ? `[${host}]` : host}:${server.port}`;

  const srv = server;
  const kill = async () => {
    if (stopping) return;
    stopping = true;
    faults.releaseAll();
    for (const ac of inflight) ac.abort();
    await srv.stop(true);
  };
  const handle = mergeHandles(
    {
      ...link.shared, // keys, tokens, policies, deny/allow, JWT minting: the cluster's shared state
      url: self,
      port: srv.port ?? 0,
      role: "standby" as const,
      setForwarding: (on: boolean) => void (forwarding = on),
      async pauseReplication(on: boolean) {
        frozen = on ? (frozen ?? (await snapshot())) : undefined;
      },
      stop: kill,
    },
    nodeControls(requests, faults),
  );
  joinCluster(handle, link, { url: self, faults, running: () => !stopping, kill });
  return handle;
}
