// The in-memory registry Decrypt reads: only decryptable identities, the active one, and the
// rotation gauge's state.
import { expect, test } from "bun:test";
import { nextState } from "../../src/registry/build.ts";
import { LiveRegistry } from "../../src/status/live-registry.ts";
import { makeRecord } from "../../src/status/rotation.ts";
import { testFingerprint } from "../registry/helpers.ts";

const scope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "l" };
const rec = (v: number, state: Parameters<typeof makeRecord>[3]) => makeRecord(scope, v, 1000 + v, state);

test("lookup knows active, pending and retired identities; removed and rejected ones are unknown", () => {
  const r = new LiveRegistry();
  expect(r.rotationState()).toBe("unknown");
  expect(r.active).toBeUndefined();
  const records = [rec(5, "pending"), rec(4, "active"), rec(3, "retired"), rec(2, "removed"), rec(1, "rejected")];
  r.publish(nextState(undefined, records, rec(4, "active").kubernetesKeyId, testFingerprint));
  expect(r.active?.transitVersion).toBe(4);
  expect([5, 4, 3, 2, 1].map((v) => r.lookup(rec(v, "active").kubernetesKeyId)?.state)).toEqual(["pending", "active", "retired", undefined, undefined]);
  expect(r.decryptableVersions()).toEqual([5, 4, 3]);
  expect(r.rotationState()).toBe("pending");
  r.publish(nextState(r.state, [rec(4, "active"), rec(3, "retired")], rec(4, "active").kubernetesKeyId));
  expect(r.rotationState()).toBe("active");
  expect(r.lookup(rec(5, "active").kubernetesKeyId)).toBeUndefined();
});
