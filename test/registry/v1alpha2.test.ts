// The Go provider's newest state format (v1alpha2) and the switch from ours (v1alpha1):
// golden files written by the independent Python script (test/fixtures/registry/make_golden.py)
// load and re-encode byte for byte; the identity fingerprint binds a state to its config; a
// v1alpha1 state is upgraded once by the next save; the checkpoint accepts only its direct
// successor.

import { describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { identityFingerprint } from "../../src/config/fingerprint.ts";
import type { Config } from "../../src/config/schema.ts";
import type { KeyScope } from "../../src/kms/snapshot.ts";
import { nextState } from "../../src/registry/build.ts";
import { decodeCheckpoint, decodeState, encodeCheckpoint, encodeState } from "../../src/registry/codec.ts";
import { createFileRegistryStore } from "../../src/registry/store/file-store.ts";
import { computeStateHash, hashedJson } from "../../src/registry/state-hash.ts";
import type { RegistryState } from "../../src/registry/types.ts";
import { validateIdentity, validateProgress, validateState } from "../../src/registry/validate.ts";
import { err, failure, rec, rehash, tempDir, testFingerprint, writeMode } from "./helpers.ts";

const fixtures = join(import.meta.dir, "..", "fixtures", "registry");
const read = (name: string) => readFileSync(join(fixtures, name), "utf8");
const identities = JSON.parse(read("golden-identity.json")) as Record<"plain" | "odd", { fingerprint: string; mountPath: string; keyName: string }>;

// The scopes make_golden.py uses (its `plain` and `odd` tuples).
const plain: KeyScope = { providerName: "kube-apiserver", clusterId: "cluster-a", openbaoInstanceId: "bao-prod-1", openbaoNamespace: "", transitMountId: "mount-7f3a", keyLineageId: "lineage-0001" };
const odd: KeyScope = { providerName: "kms<&>prov", clusterId: "clüster-ß", openbaoInstanceId: "bao-prod-2", openbaoNamespace: "team-a/prod", transitMountId: "mount-<1>", keyLineageId: "lineage&2" };

/** The identity fields of a config, for our own fingerprint code (everything else is irrelevant to it). */
function configOf(scope: KeyScope, mountPath: string, keyName: string): Config {
  const { openbaoInstanceId, openbaoNamespace, ...keyIdScope } = scope;
  return { openbao: { instanceId: openbaoInstanceId, namespace: openbaoNamespace }, transit: { mountPath, keyName, keyIdScope } } as unknown as Config;
}

const plainIdentity = { scope: plain, fingerprint: identities.plain.fingerprint };

function placed(t: { statePath: string }, state: string, checkpoint?: string): void {
  copyFileSync(join(fixtures, state), t.statePath);
  chmodSync(t.statePath, 0o640);
  if (checkpoint !== undefined) {
    copyFileSync(join(fixtures, checkpoint), `${t.statePath}.checkpoint`);
    chmodSync(`${t.statePath}.checkpoint`, 0o640);
  }
}

describe("v1alpha2 golden files from the independent Python writer", () => {
  for (const name of ["golden-v2-gen1.json", "golden-v2-rotated.json"]) {
    test(`${name}: decodes, validates, hashes to the stored currentHash, re-encodes byte for byte`, () => {
      const text = read(name);
      const state = decodeState(text);
      expect(state.schemaVersion).toBe("keyregistry.openbao-kms/v1alpha2");
      expect(state.identityFingerprint).toMatch(/^cfg1\.[A-Za-z0-9_-]{43}$/);
      expect(() => validateState(state)).not.toThrow();
      expect(computeStateHash(state)).toBe(state.currentHash);
      expect(encodeState(state)).toBe(text);
    });
  }

  test("identityFingerprint is the second field of the file and of the hashed body", () => {
    const state = decodeState(read("golden-v2-gen1.json"));
    expect(read("golden-v2-gen1.json").split("\n").slice(1, 3)).toEqual([
      '  "schemaVersion": "keyregistry.openbao-kms/v1alpha2",',
      `  "identityFingerprint": "${identities.plain.fingerprint}",`,
    ]);
    expect(hashedJson(state).startsWith(`{"schemaVersion":"keyregistry.openbao-kms/v1alpha2","identityFingerprint":"${identities.plain.fingerprint}","generation":1,`)).toBe(true);
    // The fingerprint is covered by the hash: another one with the same records does not verify.
    const other = { ...state, identityFingerprint: testFingerprint };
    expect(computeStateHash(other)).not.toBe(state.currentHash);
    expect(err(() => validateState(other)).message).toContain("currentHash does not match");
  });

  test("our fingerprint code gives the Python script's fingerprints (escaped characters, namespace, non-ASCII included)", () => {
    expect(identityFingerprint(configOf(plain, identities.plain.mountPath, identities.plain.keyName))).toBe(identities.plain.fingerprint);
    expect(identityFingerprint(configOf(odd, identities.odd.mountPath, identities.odd.keyName))).toBe(identities.odd.fingerprint);
  });

  test("our encoder's v1alpha2 output (namespace, <, >, &, non-ASCII, every state) passes the independent Python verifier", () => {
    const t = tempDir();
    try {
      const golden = decodeState(read("golden-v2-rotated.json"));
      const ours = nextState(golden, golden.snapshots.map((r) => (r.state === "pending" ? { ...r, stableObservationCount: 2 } : r)), golden.activeKeyId);
      writeMode(t.statePath, encodeState(ours));
      const p = Bun.spawnSync(["/usr/bin/python3", join(fixtures, "verify_state.py"), t.statePath, identities.odd.fingerprint], { stdout: "pipe" });
      expect(p.stdout.toString()).toBe("ok keyregistry.openbao-kms/v1alpha2 8\n");
      // and it can fail: one byte of the hashed content changed
      writeMode(t.statePath, encodeState(ours).replace('"stableObservationCount": 2', '"stableObservationCount": 4'));
      const bad = Bun.spawnSync(["/usr/bin/python3", join(fixtures, "verify_state.py"), t.statePath], { stdout: "pipe" });
      expect(bad.stdout.toString()).toBe("currentHash does not match\n");
      expect(bad.exitCode).toBe(1);
    } finally {
      t.cleanup();
    }
  });

  test("the rotated v1alpha2 pair loads from disk as current with its own identity", async () => {
    const t = tempDir();
    try {
      placed(t, "golden-v2-rotated.json", "golden-v2-rotated.json.checkpoint");
      expect(encodeCheckpoint(decodeCheckpoint(read("golden-v2-rotated.json.checkpoint")))).toBe(read("golden-v2-rotated.json.checkpoint"));
      const loaded = await createFileRegistryStore(t.statePath, { identity: { scope: odd, fingerprint: identities.odd.fingerprint } }).load();
      expect(loaded).toMatchObject({ kind: "loaded", checkpoint: "current", state: { generation: 7, identityFingerprint: identities.odd.fingerprint } });
    } finally {
      t.cleanup();
    }
  });

  test("a v1alpha2 file without identityFingerprint, or with a malformed one, is corrupt; v1alpha1 with one is an unknown field", () => {
    const o = JSON.parse(read("golden-v2-gen1.json"));
    delete o.identityFingerprint;
    expect(err(() => decodeState(JSON.stringify(o))).message).toContain("identityFingerprint must be a string");
    const bad = decodeState(read("golden-v2-gen1.json").replace(identities.plain.fingerprint, "cfg1.short"));
    expect(err(() => validateState(bad)).message).toContain("identityFingerprint is malformed");
    // Non-canonical base64url (the last character carries non-zero padding bits), refused as by Go's Strict().
    const fp = identities.plain.fingerprint;
    const last = fp.at(-1) as string;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] as string;
    const loose = decodeState(read("golden-v2-gen1.json").replace(fp, fp.slice(0, -1) + sibling));
    expect(Buffer.from(fp.slice(5, -1) + sibling, "base64url").toString("base64url")).toBe(fp.slice(5));
    expect(err(() => validateState(loose)).message).toContain("identityFingerprint is malformed");
    const v1 = JSON.parse(read("golden-gen1.json"));
    expect(err(() => decodeState(JSON.stringify({ ...v1, identityFingerprint: identities.plain.fingerprint }))).message).toContain('unknown field "identityFingerprint"');
  });
});

describe("the state must belong to the configured identity", () => {
  const state = () => decodeState(read("golden-v2-gen1.json"));

  test("same scope and fingerprint: accepted", () => {
    expect(() => validateIdentity(state(), plainIdentity)).not.toThrow();
  });

  test("a changed transit.mount_path or transit.key_name (same scope): refused, naming both keys and printing both fingerprints", () => {
    for (const config of [configOf(plain, "transit-new", "kubernetes-kms"), configOf(plain, "transit", "another-key")]) {
      const fingerprint = identityFingerprint(config);
      const e = err(() => validateIdentity(state(), { scope: plain, fingerprint }));
      expect(e.kind).toBe("scope_mismatch");
      expect(e.message).toContain("transit.mount_path or transit.key_name differs");
      expect(e.message).toContain(`state identityFingerprint ${identities.plain.fingerprint}`);
      expect(e.message).toContain(`config identityFingerprint ${fingerprint}`);
    }
  });

  test("a changed scope field is named field by field (before the fingerprint)", () => {
    const e = err(() => validateIdentity(state(), { scope: { ...plain, clusterId: "cluster-b" }, fingerprint: identityFingerprint(configOf({ ...plain, clusterId: "cluster-b" }, "transit", "kubernetes-kms")) }));
    expect(e.kind).toBe("scope_mismatch");
    expect(e.message).toContain("transit.key_id_scope.cluster_id");
    const ns = err(() => validateIdentity(state(), { scope: { ...plain, openbaoNamespace: "team-a" }, fingerprint: identities.plain.fingerprint }));
    expect(ns.message).toContain("openbao.namespace");
  });

  test("the file store refuses to load a state of another identity, and refuses to save another fingerprint", async () => {
    const t = tempDir();
    try {
      placed(t, "golden-v2-gen1.json");
      const moved = { scope: plain, fingerprint: identityFingerprint(configOf(plain, "transit-moved", "kubernetes-kms")) };
      expect((await failure(createFileRegistryStore(t.statePath, { identity: moved }).load())).message).toContain("transit.mount_path or transit.key_name differs");

      const store = createFileRegistryStore(t.statePath, { identity: plainIdentity });
      const loaded = await store.load();
      if (loaded.kind !== "loaded") throw new Error("not loaded");
      const foreign = rehash({ ...nextState(loaded.state, loaded.state.snapshots, loaded.state.activeKeyId), identityFingerprint: testFingerprint });
      expect((await failure(store.save(foreign))).message).toContain("identityFingerprint is not the config's");
    } finally {
      t.cleanup();
    }
  });

  test("a new generation may not change the fingerprint of a v1alpha2 state", () => {
    const prev = decodeState(read("golden-v2-gen1.json"));
    const next = rehash({ ...nextState(prev, prev.snapshots, prev.activeKeyId), identityFingerprint: testFingerprint });
    expect(err(() => validateProgress(prev, next)).message).toContain("the identity fingerprint would change");
  });
});

describe("v1alpha1 → v1alpha2", () => {
  test("a v1alpha1 state loads, the next save writes v1alpha2 with the config's fingerprint and logs it once", async () => {
    const t = tempDir();
    try {
      placed(t, "golden-gen1.json");
      const lines: Array<[string, Record<string, unknown> | undefined]> = [];
      const store = createFileRegistryStore(t.statePath, { identity: plainIdentity, log: { info: (m, f) => lines.push([m, f]) } });
      const loaded = await store.load();
      if (loaded.kind !== "loaded") throw new Error("not loaded");
      expect(loaded.state.schemaVersion).toBe("keyregistry.openbao-kms/v1alpha1");
      expect(loaded.state.identityFingerprint).toBeUndefined();

      // The upgrade needs the config's fingerprint: a v1alpha1 predecessor has none to carry.
      expect(err(() => nextState(loaded.state, loaded.state.snapshots, loaded.state.activeKeyId)).message).toContain("identity fingerprint");
      const g2 = nextState(loaded.state, loaded.state.snapshots.map((r) => ({ ...r, observedAtUnix: 1767225601 })), loaded.state.activeKeyId, identities.plain.fingerprint);
      await store.save(g2);
      const text = readFileSync(t.statePath, "utf8");
      expect(text.startsWith(`{\n  "schemaVersion": "keyregistry.openbao-kms/v1alpha2",\n  "identityFingerprint": "${identities.plain.fingerprint}",\n  "generation": 2,\n  "previousHash": "${loaded.state.currentHash}",`)).toBe(true);
      expect(lines).toEqual([["registry.schema_upgraded", { outcome: "upgraded", version: "keyregistry.openbao-kms/v1alpha2", reason: "from keyregistry.openbao-kms/v1alpha1", generation: 2 }]]);

      // Once: the next save (and a fresh load) no longer upgrade anything.
      await store.save(nextState(g2, g2.snapshots.map((r) => ({ ...r, observedAtUnix: 1767225602 })), g2.activeKeyId));
      expect(lines.length).toBe(1);
      const again = await createFileRegistryStore(t.statePath, { identity: plainIdentity }).load();
      expect(again).toMatchObject({ kind: "loaded", checkpoint: "current", state: { generation: 3, schemaVersion: "keyregistry.openbao-kms/v1alpha2" } });
    } finally {
      t.cleanup();
    }
  });

  test("a v1alpha1 state is never written: save refuses it", async () => {
    const t = tempDir();
    try {
      placed(t, "golden-gen1.json");
      const store = createFileRegistryStore(t.statePath);
      const loaded = await store.load();
      if (loaded.kind !== "loaded") throw new Error("not loaded");
      const { identityFingerprint: _f, ...v2 } = nextState(loaded.state, loaded.state.snapshots, loaded.state.activeKeyId, testFingerprint);
      const v1 = rehash({ ...v2, schemaVersion: "keyregistry.openbao-kms/v1alpha1" } as RegistryState);
      expect(() => validateState(v1)).not.toThrow();
      expect((await failure(store.save(v1))).message).toContain("only keyregistry.openbao-kms/v1alpha2 is written");
    } finally {
      t.cleanup();
    }
  });
});

describe("the checkpoint accepts only its direct successor", () => {
  const scope = plain;
  const chain = (): RegistryState[] => {
    const a = rec(1, "active", {}, scope);
    const g1 = nextState(undefined, [a], a.kubernetesKeyId, identities.plain.fingerprint);
    const g2 = nextState(g1, [{ ...a, observedAtUnix: 10 }], a.kubernetesKeyId);
    const g3 = nextState(g2, [{ ...a, observedAtUnix: 11 }], a.kubernetesKeyId);
    return [g1, g2, g3];
  };
  const cp = (s: RegistryState) => encodeCheckpoint({ schemaVersion: "keyregistry.openbao-kms/checkpoint/v1alpha1", generation: s.generation, currentHash: s.currentHash });

  async function loadPair(state: RegistryState, checkpointOf: RegistryState) {
    const t = tempDir();
    try {
      writeMode(t.statePath, encodeState(state));
      writeMode(`${t.statePath}.checkpoint`, cp(checkpointOf));
      return await createFileRegistryStore(t.statePath, { identity: plainIdentity }).load();
    } finally {
      t.cleanup();
    }
  }

  test("generation + 1 linked to the checkpoint's hash: accepted as behind", async () => {
    const [g1, g2] = chain() as [RegistryState, RegistryState];
    expect(await loadPair(g2, g1)).toMatchObject({ kind: "loaded", checkpoint: "behind" });
  });

  test("a gap (generation + 2): rollback", async () => {
    const [g1, , g3] = chain() as [RegistryState, RegistryState, RegistryState];
    const e = await failure(loadPair(g3, g1));
    expect(e.kind).toBe("rollback");
    expect(e.message).toContain("more than one ahead of its checkpoint");
  });

  test("a divergent successor (generation + 1 on another branch): rollback", async () => {
    const [g1, g2] = chain() as [RegistryState, RegistryState];
    const a = rec(1, "active", {}, scope);
    const otherG1 = nextState(undefined, [{ ...a, promotedAtUnix: 5 }], a.kubernetesKeyId, identities.plain.fingerprint);
    expect(otherG1.currentHash).not.toBe(g1.currentHash);
    const e = await failure(loadPair(g2, otherG1));
    expect(e.kind).toBe("rollback");
    expect(e.message).toContain("its previousHash is not the checkpoint's hash");
  });

  test("a save after loading a behind pair catches the checkpoint up before it writes the state (a cut save cannot widen the gap)", async () => {
    const t = tempDir();
    try {
      const [g1, g2, g3] = chain() as [RegistryState, RegistryState, RegistryState];
      writeMode(t.statePath, encodeState(g2));
      writeMode(`${t.statePath}.checkpoint`, cp(g1));
      const store = createFileRegistryStore(t.statePath, { identity: plainIdentity });
      expect(await store.load()).toMatchObject({ checkpoint: "behind" });
      // Make the state write fail (its temp path is a directory): the save stops after the
      // catch-up, as a crash between the catch-up and the state rename would.
      mkdirSync(join(t.dir, ".key-registry.json.tmp"));
      expect((await failure(store.save(g3))).kind).toBe("io");
      expect(decodeCheckpoint(readFileSync(`${t.statePath}.checkpoint`, "utf8"))).toMatchObject({ generation: 2, currentHash: g2.currentHash });
      expect(decodeState(readFileSync(t.statePath, "utf8")).generation).toBe(2);
      rmdirSync(join(t.dir, ".key-registry.json.tmp"));
      await store.save(g3);
      expect(await createFileRegistryStore(t.statePath, { identity: plainIdentity }).load()).toMatchObject({ kind: "loaded", checkpoint: "current", state: { generation: 3 } });
    } finally {
      t.cleanup();
    }
  });
});
