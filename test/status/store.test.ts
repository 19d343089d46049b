// The status cache's health rules, driven by an injected clock.

import { describe, expect, test } from "bun:test";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import type { KeySnapshot } from "../../src/kms/snapshot.ts";
import { StatusStore } from "../../src/status/store.ts";

const scope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "l" };
const snap = (v: number): KeySnapshot => ({ scope, transitVersion: v, createdAtUnix: 1000 + v, keyId: deriveKeyId(scope, v, 1000 + v), state: "active" });

function setup() {
  let now = 10_000;
  const store = new StatusStore(() => now, 2_000);
  return { store, advance: (ms: number) => (now += ms) };
}

describe("StatusStore", () => {
  test("nothing published → unhealthy, state unavailable, stale", () => {
    const { store } = setup();
    expect(store.snapshot()).toMatchObject({ healthz: "unhealthy", keyId: "", stale: true, reasons: ["state_unavailable", "metadata_unverified", "deep_probe_pending", "status_stale"] });
  });

  test("metadata ok but no deep probe yet → unhealthy (deep_probe_pending)", () => {
    const { store } = setup();
    store.publishMetadata({ ok: true }, snap(1));
    expect(store.snapshot()).toMatchObject({ healthz: "unhealthy", reasons: ["deep_probe_pending"] });
    expect(store.deepProbeRequired()).toBe(true);
  });

  test("metadata ok + deep ok for the active key → ok with its key_id", () => {
    const { store } = setup();
    store.publishMetadata({ ok: true }, snap(1));
    store.publishDeep(snap(1).keyId, { ok: true });
    expect(store.current()).toEqual({ healthz: "ok", keyId: snap(1).keyId, active: snap(1) });
    expect(store.snapshot().reasons).toEqual([]);
    expect(store.deepProbeRequired()).toBe(false);
  });

  test("older than max_staleness → unhealthy; a deep probe does not refresh the age; a metadata probe does", () => {
    const { store, advance } = setup();
    store.publishMetadata({ ok: true }, snap(1));
    store.publishDeep(snap(1).keyId, { ok: true });
    advance(2_001);
    store.publishDeep(snap(1).keyId, { ok: true });
    expect(store.snapshot()).toMatchObject({ healthz: "unhealthy", keyId: "", stale: true, reasons: ["status_stale"], cacheAgeMs: 2_001 });
    store.publishMetadata({ ok: true }, snap(1));
    expect(store.snapshot()).toMatchObject({ healthz: "ok", stale: false, cacheAgeMs: 0 });
  });

  test("a failed metadata probe makes it unhealthy and a later deep success does not clear it", () => {
    const { store } = setup();
    store.publishMetadata({ ok: true }, snap(1));
    store.publishDeep(snap(1).keyId, { ok: true });
    store.publishMetadata({ ok: false, reason: "metadata_read_failed", errorClass: "sealed" }, snap(1));
    store.publishDeep(snap(1).keyId, { ok: true });
    expect(store.snapshot()).toMatchObject({ healthz: "unhealthy", reasons: ["metadata_read_failed"], metadataErrorClass: "sealed" });
  });

  test("a new active key invalidates the previous deep probe; a deep probe for another key is ignored", () => {
    const { store } = setup();
    store.publishMetadata({ ok: true }, snap(1));
    store.publishDeep(snap(1).keyId, { ok: true });
    store.publishMetadata({ ok: true }, snap(2));
    expect(store.snapshot().reasons).toEqual(["deep_probe_pending"]);
    store.publishDeep(snap(1).keyId, { ok: true });
    expect(store.snapshot().reasons).toEqual(["deep_probe_pending"]);
    store.publishDeep(snap(2).keyId, { ok: true });
    expect(store.current().keyId).toBe(snap(2).keyId);
  });
});
