// Child process for the kill-mid-write test: loads the state at argv[2] (creating generation 1
// if there is none), prints "ready <generation>", then saves new generations as fast as it can
// until it is killed. Each generation bumps a pending record's observation count, a change
// the progress rule allows.

import { nextState } from "../../../src/registry/build.ts";
import { createFileRegistryStore } from "../../../src/registry/store/file-store.ts";
import type { RegistryState } from "../../../src/registry/types.ts";
import { rec, testFingerprint } from "../helpers.ts";

const store = createFileRegistryStore(process.argv[2] as string);
const loaded = await store.load();
const active = rec(1, "active");
let state: RegistryState;
if (loaded.kind === "missing") {
  state = nextState(undefined, [active], active.kubernetesKeyId, testFingerprint);
  await store.save(state);
} else {
  state = loaded.state;
}
process.stdout.write(`ready ${state.generation}\n`);
for (;;) {
  state = nextState(state, [active, rec(2, "pending", { observedAtUnix: 1, stableObservationCount: state.generation + 1 })], active.kubernetesKeyId);
  await store.save(state);
}
