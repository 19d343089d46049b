// Child process for the lock tests: takes the state lock of argv[2], reports "held" (or
// "error <kind>") on stdout, then holds it until stdin closes or it is killed.

import { acquireStateLock } from "../../../src/registry/store/lock.ts";
import { RegistryError } from "../../../src/registry/types.ts";

const statePath = process.argv[2] as string;
try {
  const lock = await acquireStateLock(statePath);
  process.stdout.write("held\n");
  for await (const _chunk of Bun.stdin.stream()) {
    // hold until the parent closes stdin
  }
  lock.release();
  process.stdout.write("released\n");
} catch (e) {
  process.stdout.write(`error ${e instanceof RegistryError ? e.kind : "other"}\n`);
}
