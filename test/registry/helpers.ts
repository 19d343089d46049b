// Shared helpers for the registry tests: private temp directories, records with real key_ids,
// states built through nextState, and raw file writes with explicit modes.

import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import type { KeyScope, SnapshotState } from "../../src/kms/snapshot.ts";
import { nextState } from "../../src/registry/build.ts";
import { computeStateHash } from "../../src/registry/state-hash.ts";
import { aadModeRequired, RegistryError, type RegistryState, type SnapshotRecord } from "../../src/registry/types.ts";

export const scope: KeyScope = {
  providerName: "kube-apiserver",
  clusterId: "cluster-t",
  openbaoInstanceId: "bao-test",
  openbaoNamespace: "",
  transitMountId: "mount-t",
  keyLineageId: "lineage-t",
};

export const created = (v: number) => 1_767_000_000 + v * 1000;

/** A well-formed config identity fingerprint for states that are not tied to a real config. */
export const testFingerprint = `cfg1.${createHash("sha256").update("registry test identity").digest("base64url")}`;

export function rec(version: number, state: SnapshotState, extra: Partial<SnapshotRecord> = {}, s: KeyScope = scope): SnapshotRecord {
  return {
    providerName: s.providerName,
    clusterId: s.clusterId,
    openbaoInstanceId: s.openbaoInstanceId,
    ...(s.openbaoNamespace !== "" ? { openbaoNamespace: s.openbaoNamespace } : {}),
    transitMountId: s.transitMountId,
    transitKeyLineageId: s.keyLineageId,
    transitVersion: version,
    transitVersionCreatedAtUnix: created(version),
    kubernetesKeyId: deriveKeyId(s, version, created(version)),
    state,
    aadMode: aadModeRequired,
    ...extra,
  };
}

/** Generation 1: version 1 active. */
export function gen1(): RegistryState {
  const r = rec(1, "active");
  return nextState(undefined, [r], r.kubernetesKeyId, testFingerprint);
}

/** A chain of generations ending with active 3, retired 2 and 1. */
export function rotated(): RegistryState[] {
  const g1 = gen1();
  const g2 = nextState(g1, [rec(2, "active"), rec(1, "retired")], rec(2, "active").kubernetesKeyId);
  const g3 = nextState(g2, [rec(3, "active"), rec(2, "retired"), rec(1, "retired")], rec(3, "active").kubernetesKeyId);
  return [g1, g2, g3];
}

/** A state with a recomputed currentHash (for fixtures that must get past the hash check). */
export function rehash(s: Omit<RegistryState, "currentHash"> & { currentHash?: string }): RegistryState {
  const { currentHash: _old, ...rest } = s;
  return { ...rest, currentHash: computeStateHash(rest) } as RegistryState;
}

export interface TempDir {
  readonly dir: string;
  readonly statePath: string;
  cleanup(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), "registry-test-"));
  chmodSync(dir, 0o700);
  return { dir, statePath: join(dir, "key-registry.json"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeMode(path: string, text: string | Uint8Array, mode = 0o640): void {
  writeFileSync(path, text);
  chmodSync(path, mode);
}

/** The RegistryError `f` throws (anything else, or no throw, fails the test). */
export function err(f: () => void): RegistryError {
  try {
    f();
  } catch (e) {
    if (e instanceof RegistryError) return e;
    throw e;
  }
  throw new Error("expected a RegistryError");
}

/** The RegistryError `p` rejects with (anything else, or success, fails the test). */
export async function failure(p: Promise<unknown>): Promise<RegistryError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RegistryError) return e;
    throw e;
  }
  throw new Error("expected a RegistryError");
}
