// What the metadata probe does when its reads are stale: OpenBao standbys serve reads from their
// own copy of storage, which may lag behind the active node (CHANGELOG "Horizontal Read
// Scalability": "Results are eventually consistent"). The emulator's pauseReplication freezes a
// standby's key reads; the probe goes through the real HTTP client and Transit client, once to
// the active node and once to the lagging standby, as a load balancer spreading reads would.
// docs/openbao-compat.md "Stale reads on standbys".
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { createOpenBaoHttp } from "../../src/openbao/http.ts";
import type { TokenSource } from "../../src/openbao/tokens.ts";
import { createTransitClient, type TransitClient } from "../../src/openbao/transit-client.ts";
import { createLogger } from "../../src/platform/log.ts";
import type { RegistryStore } from "../../src/registry/types.ts";
import { StatusController } from "../../src/status/controller.ts";
import { LiveRegistry } from "../../src/status/live-registry.ts";
import type { RotationPolicy } from "../../src/status/rotation.ts";
import { StatusStore } from "../../src/status/store.ts";
import { startCluster, type EmulatorCluster } from "../support/emulator/cluster.ts";
import type { Emulator } from "../support/emulator/types.ts";

const scope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "l" };
let cluster: EmulatorCluster;
beforeAll(async () => {
  cluster = await startCluster({ standbys: 1 });
  cluster.active.setDisableUpsert(true);
});
afterAll(async () => {
  await cluster?.stop();
});

function transitOf(node: Emulator, key: string): TransitClient {
  const http = createOpenBaoHttp({ address: node.url, caPem: node.caPem, tlsServerName: node.serverName, namespace: "", timeoutMs: 2000 });
  const root = cluster.active.rootToken;
  const tokens: TokenSource = {
    token: async () => root, recover: async () => undefined, rejectedAgain: () => {}, retryNow: () => {}, expiresAtMs: () => undefined,
  };
  return createTransitClient({ http, tokens, mountPath: node.transitMount, keyName: key });
}

/** A controller whose reads go to `via.target` (switchable); its first probe bootstraps the registry from the unrotated key. */
function controllerFor(key: string, policy: RotationPolicy) {
  const clients = { active: transitOf(cluster.active, key), standby: transitOf(cluster.standbys[0]!, key) };
  const via = { target: "active" as keyof typeof clients };
  const transit: TransitClient = {
    readKey: (s) => clients[via.target].readKey(s),
    readDisableUpsert: (s) => clients[via.target].readDisableUpsert(s),
    encrypt: (r, s) => clients[via.target].encrypt(r, s),
    decrypt: (r, s) => clients[via.target].decrypt(r, s),
  };
  const registry = new LiveRegistry();
  const persistence: RegistryStore = { load: async () => ({ kind: "missing" }), save: async () => {} };
  const store = new StatusStore(Date.now, 120_000);
  // Built as a variable: newer trees also require the config identity fingerprint, older ones do not know it.
  const options = {
    transit, store, registry, persistence, scope, policy, statePath: "/s/key-registry.json", nowMs: Date.now,
    identityFingerprint: `cfg1.${createHash("sha256").update("stale reads test identity").digest("base64url")}`,
    log: createLogger({ level: "error", format: "json", write: () => {} }), probeIntervalMs: 30_000, deepProbeIntervalMs: 300_000, timeoutMs: 2000,
  };
  const controller = new StatusController(options as ConstructorParameters<typeof StatusController>[0]);
  return { controller, registry, via };
}

describe("stale reads on a standby (replication lag) and the metadata probe", () => {
  test.each([
    ["pending", true, "version_rollback"],
    ["pending", false, "version_rollback"],
    ["promoted", true, "version_rollback"],
    ["promoted", false, "version_unavailable"],
  ] as const)(
    "reads spread over the active and a lagging standby: version 2 seen on the active (%s), then the stale latest_version 1 → the probe fails closed (reject_version_rollback %p → %s)",
    async (stage, rejectVersionRollback, reason) => {
      const key = `stale-${stage}-${rejectVersionRollback}-${crypto.randomUUID().slice(0, 8)}`;
      cluster.active.createKey(key);
      // "promoted": one stable observation and no delay, so the first probe that sees v2 promotes it.
      const policy = stage === "promoted"
        ? { requireStableObservationCount: 1, activationDelayMs: 0, rejectVersionRollback }
        : { requireStableObservationCount: 3, activationDelayMs: 3_600_000, rejectVersionRollback };
      const { controller, registry, via } = controllerFor(key, policy);
      expect(await controller.probeOnce({ startup: true })).toMatchObject({ ok: true }); // bootstrap: version 1 active
      const standby = cluster.standbys[0]!;
      const seen = (): Array<[number, string]> => registry.state!.snapshots.map((r): [number, string] => [r.transitVersion, r.state]).sort((a, b) => a[0] - b[0]);
      await standby.pauseReplication(true);
      try {
        cluster.active.rotateKey(key);
        via.target = "active";
        expect(await controller.probeOnce()).toMatchObject({ ok: true });
        // A promotion waits for its round trip and the next probe; give it a few, all on the active.
        for (let i = 0; stage === "promoted" && i < 3 && registry.active?.transitVersion !== 2; i++) expect((await controller.probeOnce()).ok).toBe(true);
        const after: Array<[number, string]> = stage === "promoted" ? [[1, "retired"], [2, "active"]] : [[1, "active"], [2, "pending"]];
        expect(seen()).toEqual(after);
        // The next read lands on the standby that has not applied the rotation yet.
        via.target = "standby";
        expect(await controller.probeOnce()).toMatchObject({ ok: false, reason });
        // Nothing is lost: the records are unchanged, and a fresh read is healthy again.
        expect(seen()).toEqual(after);
        via.target = "active";
        expect(await controller.probeOnce()).toMatchObject({ ok: true });
      } finally {
        await standby.pauseReplication(false);
      }
      via.target = "standby";
      expect(await controller.probeOnce()).toMatchObject({ ok: true }); // caught up
    },
  );

  test("reads from one lagging standby only: the rotation is seen late, nothing fails", async () => {
    const key = `lag-only-${crypto.randomUUID().slice(0, 8)}`;
    cluster.active.createKey(key);
    const { controller, registry, via } = controllerFor(key, { requireStableObservationCount: 3, activationDelayMs: 3_600_000, rejectVersionRollback: true });
    const standby = cluster.standbys[0]!;
    via.target = "standby";
    expect(await controller.probeOnce({ startup: true })).toMatchObject({ ok: true }); // bootstrap: version 1 active
    await standby.pauseReplication(true);
    try {
      cluster.active.rotateKey(key);
      expect(await controller.probeOnce()).toMatchObject({ ok: true });
      expect(registry.state!.snapshots.map((r) => r.transitVersion)).toEqual([1]);
    } finally {
      await standby.pauseReplication(false);
    }
    expect(await controller.probeOnce()).toMatchObject({ ok: true });
    expect(registry.state!.snapshots.map((r) => [r.transitVersion, r.state])).toEqual([[1, "active"], [2, "pending"]]);
  });
});
