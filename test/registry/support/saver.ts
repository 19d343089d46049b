// Child process for the crash test: saves one new generation after another, as fast as it can,
// until it is killed (SIGKILL lands at a random point of a save).
import { nextState } from "../../../src/registry/build.ts";
import { createFileRegistryStore } from "../../../src/registry/file-store.ts";
import { makeRecord } from "../../../src/status/rotation.ts";

const path = process.argv[2] as string;
const scope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "l" };
const store = createFileRegistryStore(path);
const loaded = await store.load();
let state = loaded.kind === "loaded" ? loaded.state : undefined;
if (state === undefined) {
  const first = makeRecord(scope, 1, 1000, "active", { observedAtUnix: 5 });
  state = nextState(undefined, [first], first.kubernetesKeyId);
  await store.save(state);
}
process.stdout.write("saving\n");
for (let i = 0; ; i++) {
  // Each generation counts one more observation of a pending version 2 (a real, valid change).
  const records = state.snapshots.filter((r) => r.transitVersion !== 2);
  const pending = makeRecord(scope, 2, 2000, "pending", { observedAtUnix: 6, stableObservationCount: state.generation });
  state = nextState(state, [...records, pending], state.activeKeyId);
  await store.save(state);
}
