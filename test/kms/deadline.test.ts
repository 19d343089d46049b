// One deadline (openbao.timeout) per request covers unknown-key discovery and the Transit call
// together, and a backend that ignores the abort signal still cannot hold the caller past it.

import { expect, test } from "bun:test";
import { KmsError, TransitError } from "../../src/kms/errors.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { KmsService } from "../../src/kms/service.ts";
import type { KeyScope, KeySnapshot } from "../../src/kms/snapshot.ts";
import { staticKeySet } from "../../src/keys/from-metadata.ts";
import { fakeTransit } from "../helpers/fake-transit.ts";

const scope: KeyScope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "0123456789abcdef0123456789abcdef" };
const snap = (v: number): KeySnapshot => ({ scope, transitVersion: v, createdAtUnix: 1700000000 + v, keyId: deriveKeyId(scope, v, 1700000000 + v), state: v === 2 ? "active" : "retired" });
const never = new AbortController().signal;

async function timed(p: Promise<unknown>): Promise<{ kind: string; ms: number }> {
  const t0 = performance.now();
  try {
    await p;
    return { kind: "ok", ms: performance.now() - t0 };
  } catch (e) {
    if (e instanceof KmsError) return { kind: e.kind, ms: performance.now() - t0 };
    throw e;
  }
}

async function encryptedFor(service: KmsService) {
  const r = await service.encrypt({ plaintext: new Uint8Array([1, 2, 3]) }, never);
  return { ciphertext: r.ciphertext, annotations: [...r.annotations].map(([k, v]) => [k, new TextEncoder().encode(v)] as const) };
}

test("a discovery that never returns (and ignores the signal) → timeout at the deadline", async () => {
  const transit = fakeTransit();
  const keys = staticKeySet([snap(2)]);
  const service = new KmsService({ transit, keys, status: keys, pluginVersion: "t", requestTimeoutMs: 250, discovery: { refreshForDecrypt: () => new Promise(() => {}) } });
  const { ciphertext, annotations } = await encryptedFor(service);
  const r = await timed(service.decrypt({ ciphertext, keyId: snap(1).keyId, annotations }, never));
  expect(r.kind).toBe("timeout");
  expect(r.ms).toBeGreaterThanOrEqual(240);
  expect(r.ms).toBeLessThan(1000);
  expect(transit.calls.decrypt).toBe(0);
});

test("discovery and Transit share one deadline: slow discovery + slow Transit → timeout at the first deadline, not two", async () => {
  const transit = fakeTransit();
  const known = [snap(2)];
  const keys = {
    lookup: (id: string) => known.find((k) => k.keyId === id),
    current: () => ({ healthz: "ok", keyId: snap(2).keyId, active: snap(2) }),
  };
  const service = new KmsService({
    transit,
    keys,
    status: keys,
    pluginVersion: "t",
    requestTimeoutMs: 300,
    discovery: {
      refreshForDecrypt: async () => {
        await Bun.sleep(200);
        known.push(snap(1));
      },
    },
  });
  // A ciphertext made while version 1 was active (the service under test does not know it yet).
  const v1Active = staticKeySet([{ ...snap(1), state: "active" }]);
  const { ciphertext, annotations } = await encryptedFor(new KmsService({ transit, keys: v1Active, status: v1Active, pluginVersion: "t", requestTimeoutMs: 0 }));
  transit.failWith = "hang";
  const r = await timed(service.decrypt({ ciphertext, keyId: snap(1).keyId, annotations }, never));
  expect(r.kind).toBe("timeout");
  expect(r.ms).toBeGreaterThanOrEqual(290);
  expect(r.ms).toBeLessThan(450);
});

test("a Transit that ignores the abort signal still cannot hold the caller past the deadline", async () => {
  const keys = staticKeySet([snap(2)]);
  const transit = { ...fakeTransit(), decrypt: () => new Promise<Uint8Array>(() => {}) };
  const service = new KmsService({ transit, keys, status: keys, pluginVersion: "t", requestTimeoutMs: 200 });
  const enc = await service.encrypt({ plaintext: new Uint8Array([9]) }, never);
  const r = await timed(service.decrypt({ ciphertext: enc.ciphertext, keyId: enc.keyId, annotations: [...enc.annotations].map(([k, v]) => [k, new TextEncoder().encode(v)] as const) }, never));
  expect(r.kind).toBe("timeout");
  expect(r.ms).toBeLessThan(800);
});

test("context errors win: a backend failing *because* of the deadline or a cancel reports timeout / canceled", async () => {
  const keys = staticKeySet([snap(2)]);
  const failing = (signal: AbortSignal) =>
    new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new TransitError("connection_failed", "transit.decrypt"))));
  const transit = { ...fakeTransit(), decrypt: (_r: unknown, signal: AbortSignal) => failing(signal) };
  const service = new KmsService({ transit, keys, status: keys, pluginVersion: "t", requestTimeoutMs: 150 });
  const enc = await service.encrypt({ plaintext: new Uint8Array([9]) }, never);
  const req = { ciphertext: enc.ciphertext, keyId: enc.keyId, annotations: [...enc.annotations].map(([k, v]) => [k, new TextEncoder().encode(v)] as const) };
  expect((await timed(service.decrypt(req, never))).kind).toBe("timeout");
  const cancel = new AbortController();
  setTimeout(() => cancel.abort(new DOMException("client went away", "AbortError")), 30);
  expect((await timed(service.decrypt(req, cancel.signal))).kind).toBe("canceled");
});
