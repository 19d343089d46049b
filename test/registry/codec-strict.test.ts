// The state file's decoder refuses what the provider never writes: a byte order mark and a key
// that appears twice in one object (JSON.parse would silently keep the last).
import { expect, test } from "bun:test";
import { decodeCheckpoint, decodeState } from "../../src/registry/codec.ts";
import { RegistryError } from "../../src/registry/types.ts";

const checkpoint = `{"schemaVersion":"keyregistry.openbao-kms/checkpoint/v1alpha1","generation":1,"currentHash":"krs1.${"A".repeat(43)}"}`;
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof RegistryError) return `${e.kind}: ${e.message}`;
    throw e;
  }
  return "accepted";
};

test("a checkpoint as written decodes", () => {
  expect(decodeCheckpoint(checkpoint).generation).toBe(1);
});

test("a byte order mark is corrupt", () => {
  expect(refusal(() => decodeCheckpoint(`\uFEFF${checkpoint}`))).toBe("corrupt: checkpoint file: starts with a byte order mark (BOM); the provider writes none");
  expect(refusal(() => decodeState(`\uFEFF{}`))).toBe("corrupt: state file: starts with a byte order mark (BOM); the provider writes none");
});

test("a key twice in one object is corrupt, at any depth; equal keys in different objects are fine", () => {
  expect(refusal(() => decodeCheckpoint(checkpoint.replace('"generation":1', '"generation":1,"generation":2')))).toBe('corrupt: checkpoint file: field "generation" appears twice in one object');
  expect(refusal(() => decodeState('{"schemaVersion":"x","snapshots":[{"state":"active","state":"retired"}]}'))).toBe('corrupt: state file: field "state" appears twice in one object');
  expect(refusal(() => decodeState('{"a":{"k":1},"b":{"k":2},"schemaVersion":"x"}'))).not.toContain("appears twice");
  expect(refusal(() => decodeState('{"s\\"q":1,"s\\"q":2}'))).toBe('corrupt: state file: field "s\\"q" appears twice in one object');
});

test("the file store keeps a BOM on disk for the decoder to refuse (it is not stripped on read)", async () => {
  const { tempDir, gen1, writeMode } = await import("./helpers.ts");
  const { encodeState } = await import("../../src/registry/codec.ts");
  const { createFileRegistryStore } = await import("../../src/registry/store/file-store.ts");
  const t = tempDir();
  try {
    writeMode(t.statePath, `\uFEFF${encodeState(gen1())}`, 0o600);
    const e = await createFileRegistryStore(t.statePath).load().then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(RegistryError);
    expect((e as RegistryError).message).toContain("byte order mark");
  } finally {
    t.cleanup();
  }
});
