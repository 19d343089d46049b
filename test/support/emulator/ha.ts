// HA roles, the same for every node of a cluster (server.ts's node started active and standby.ts's
// standbys): who leads is one value on the cluster's shared link. A node that leads runs the whole
// request pipeline itself; every other node follows the leader (follower.ts: standby reads served
// locally, the rest forwarded or 307). So any node can be active or standby, and a failover
// (cluster.ts) is nothing but a change of that value.
import type { Faults } from "./faults.ts";
import type { RouterDeps } from "./router.ts";
import type { ClusterStatus } from "./sys-status.ts";
import type { Emulator } from "./types.ts";

/** One node of a cluster, as the other nodes and cluster.ts see it. */
export interface HaMember {
  url: string;
  faults: Faults;
  /** Listening: not killed or stopped. */
  running(): boolean;
  /** Closes the listener and drops its connections, keeping its files (a crashed process). */
  kill(): Promise<void>;
}

/** What the nodes of one cluster share (created by server.ts for the node started active). */
export interface HaLink {
  /** The node started active: its URL and handle (keys, tokens, policies: the shared state). */
  url: string;
  shared: Emulator;
  caPem: string;
  certPem: string;
  keyPem: string;
  serverName: string;
  /** The router dependencies of the node started active: tokens, namespaces, ACL deny faults. */
  deps: RouterDeps;
  clusterName: string;
  clusterId: string;
  nowMs(): number;
  /** Who leads: undefined = the node started active; a node's URL; null = no node. */
  leader?: string | null;
  /** When the leader took over (ISO 8601); set once the cluster has two nodes. */
  activeTime?: string;
  members: Map<string, HaMember>;
}

const nodes = new WeakMap<Emulator, { link: HaLink; member: HaMember }>();

/** Adds a node to its cluster; the cluster is HA (sys/leader) from its second node on. */
export function joinCluster(e: Emulator, link: HaLink, member: HaMember): void {
  nodes.set(e, { link, member });
  link.members.set(member.url, member);
  if (link.members.size > 1) link.activeTime ??= new Date(link.nowMs()).toISOString();
}

export function haOf(e: Emulator): { link: HaLink; member: HaMember } | undefined {
  return nodes.get(e);
}

/** The URL of the node designated to lead (it may be sealed or gone), or null. */
export function designated(link: HaLink): string | null {
  return link.leader === undefined ? link.url : link.leader;
}

/** Whether the node at `url` takes requests as the active node (it may still be sealed). */
export function leads(link: HaLink, url: string): boolean {
  return designated(link) === url;
}

/** Running, initialized and unsealed. */
export function isUp(m: HaMember): boolean {
  return m.running() && m.faults.initialized && !m.faults.sealed;
}

/** The URL of the node that leads now, or undefined when none does (none designated, or it is sealed or gone). */
export function leaderOf(link: HaLink): string | undefined {
  const url = designated(link);
  const m = url === null ? undefined : link.members.get(url);
  return m !== undefined && isUp(m) ? m.url : undefined;
}

/** Hands leadership to the node at `url` (null: to none). */
export function setLeader(link: HaLink, url: string | null): void {
  if (designated(link) === url) return;
  link.leader = url;
  link.activeTime = new Date(link.nowMs()).toISOString();
}

/** The request-forwarding cluster address a node reports: its API port + 1 (OpenBao's default layout). */
export function clusterAddressOf(url: string): string {
  const u = new URL(url);
  return `https://${u.hostname}:${Number(u.port) + 1}`;
}

/** sys/leader as a follower reports it. */
export function leaderStatus(leader: string | undefined): NonNullable<ClusterStatus["leader"]> {
  return { isSelf: false, address: leader ?? "", clusterAddress: leader === undefined ? "" : clusterAddressOf(leader) };
}

/** The HA part of a node's sys/health and sys/leader: none for a lone node, else active (is_self) or standby. */
export function haStatus(link: HaLink, self: string): Pick<ClusterStatus, "standby" | "leader"> {
  if (link.members.size < 2) return {};
  if (!leads(link, self)) return { standby: true, leader: leaderStatus(leaderOf(link)) };
  return { standby: false, leader: { isSelf: true, address: self, clusterAddress: clusterAddressOf(self), activeTime: link.activeTime } };
}
