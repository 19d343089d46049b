// PLACEHOLDER until the registry persistence branch lands (it replaces this file): plain
// JSON read/write with an atomic rename, no strict validation.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, constants } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { LoadResult, RegistryState, RegistryStore } from "./types.ts";

export function createFileRegistryStore(statePath: string): RegistryStore {
  const write = (path: string, text: string) => {
    const tmp = join(dirname(path), `.${basename(path)}.tmp`);
    const fd = openSync(tmp, constants.O_CREAT | constants.O_WRONLY | constants.O_TRUNC, 0o640);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  };
  return {
    async load(): Promise<LoadResult> {
      if (!existsSync(statePath)) return { kind: "missing" };
      return { kind: "loaded", state: JSON.parse(readFileSync(statePath, "utf8")) as RegistryState, checkpoint: "current" };
    },
    async save(next: RegistryState): Promise<void> {
      write(statePath, JSON.stringify(next, null, 2) + "\n");
      write(`${statePath}.checkpoint`, JSON.stringify({ schemaVersion: "keyregistry.openbao-kms/checkpoint/v1alpha1", generation: next.generation, currentHash: next.currentHash }, null, 2) + "\n");
    },
  };
}
