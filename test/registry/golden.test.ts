// Format compatibility with the Go implementation: golden files written and hashed by an
// independent Python script (test/fixtures/registry) must load, hash the same, and re-encode
// byte for byte; our own output must round-trip.

import { describe, expect, test } from "bun:test";
import { copyFileSync, chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeCheckpoint, decodeState, encodeCheckpoint, encodeState } from "../../src/registry/codec.ts";
import { createFileRegistryStore } from "../../src/registry/store/file-store.ts";
import { computeStateHash, hashedJson, sortRecords } from "../../src/registry/state-hash.ts";
import { validateState } from "../../src/registry/validate.ts";
import { rotated, tempDir, testFingerprint } from "./helpers.ts";

const fixtures = join(import.meta.dir, "..", "fixtures", "registry");
const read = (name: string) => readFileSync(join(fixtures, name), "utf8");

describe("golden files from the independent Python writer", () => {
  for (const name of ["golden-gen1.json", "golden-rotated.json"]) {
    test(`${name}: decodes, validates, hashes to the stored currentHash, re-encodes byte for byte`, () => {
      const text = read(name);
      const state = decodeState(text);
      expect(() => validateState(state)).not.toThrow();
      expect(computeStateHash(state)).toBe(state.currentHash);
      expect(encodeState(state)).toBe(text);
    });
  }

  test("the rotated file covers every state, the namespace, escaped and non-ASCII characters", () => {
    const text = read("golden-rotated.json");
    const state = decodeState(text);
    expect(state.snapshots.map((r) => r.state)).toEqual(["active", "pending", "retired", "rejected", "removed"]);
    expect(state.snapshots[0]?.providerName).toBe("kms<&>prov");
    expect(state.snapshots[0]?.openbaoNamespace).toBe("team-a/prod");
    expect(text).toContain("kms\\u003c\\u0026\\u003eprov");
    expect(text).toContain("clüster-ß");
    // The hashed bytes escape the same way and leave non-ASCII raw.
    expect(hashedJson(state)).toContain('"providerName":"kms\\u003c\\u0026\\u003eprov"');
    expect(hashedJson(state)).not.toContain("currentHash");
  });

  test("sortRecords puts a shuffled golden registry back in the file's order", () => {
    const state = decodeState(read("golden-rotated.json"));
    const shuffled = [...state.snapshots].reverse();
    expect(sortRecords(shuffled)).toEqual([...state.snapshots]);
  });

  test("the golden checkpoint decodes, re-encodes byte for byte, and the pair loads from disk as current", async () => {
    const cpText = read("golden-rotated.json.checkpoint");
    expect(encodeCheckpoint(decodeCheckpoint(cpText))).toBe(cpText);
    const t = tempDir();
    try {
      copyFileSync(join(fixtures, "golden-rotated.json"), t.statePath);
      copyFileSync(join(fixtures, "golden-rotated.json.checkpoint"), `${t.statePath}.checkpoint`);
      chmodSync(t.statePath, 0o640);
      chmodSync(`${t.statePath}.checkpoint`, 0o640);
      const loaded = await createFileRegistryStore(t.statePath).load();
      expect(loaded.kind).toBe("loaded");
      if (loaded.kind === "loaded") {
        expect(loaded.checkpoint).toBe("current");
        expect(loaded.state.generation).toBe(7);
      }
    } finally {
      t.cleanup();
    }
  });

  test("a one-byte change anywhere in a record changes the hash (the golden hash is not vacuous)", () => {
    const text = read("golden-gen1.json").replace('"transitVersionCreatedAtUnix": 1767225600', '"transitVersionCreatedAtUnix": 1767225601');
    const state = decodeState(text);
    expect(computeStateHash(state)).not.toBe(state.currentHash);
    expect(() => validateState(state)).toThrow("currentHash does not match");
  });
});

describe("round trip of our own output", () => {
  test("encode → decode → same state and same hash, for every generation of a chain", () => {
    for (const s of rotated()) {
      const back = decodeState(encodeState(s));
      expect(back).toEqual(s);
      expect(computeStateHash(back)).toBe(s.currentHash);
      expect(() => validateState(back)).not.toThrow();
    }
  });

  test("the file is 2-space indented with a final newline, and field order follows the Go struct", () => {
    const text = encodeState(rotated()[2] as never);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.startsWith(`{\n  "schemaVersion": "keyregistry.openbao-kms/v1alpha2",\n  "identityFingerprint": "${testFingerprint}",\n  "generation": 3,\n  "previousHash": "krs1.`)).toBe(true);
    const keys = [...text.matchAll(/^ {6}"([A-Za-z]+)":/gm)].slice(0, 11).map((m) => m[1]);
    expect(keys).toEqual(["providerName", "clusterId", "openbaoInstanceId", "transitMountId", "transitKeyLineageId", "transitVersion", "transitVersionCreatedAtUnix", "kubernetesKeyId", "state", "aadMode", "providerName"]);
  });
});
