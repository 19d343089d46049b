// The example configs we ship (in the .deb/.rpm, in `install systemd`, for the static pod) are
// valid: the loader's schema and relationship rules accept them, and they state the defaults
// of the key registry and rotation. Filesystem checks are not run (the files they name exist
// only on a configured node).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfigText } from "../../src/config/load.ts";

const root = join(import.meta.dir, "..", "..");

test.each(["packaging/examples/config.toml", "packaging/static-pod/config.toml"])("%s loads with the provider's own loader", (file) => {
  const cfg = parseConfigText(readFileSync(join(root, file), "utf8"), { sourceName: file, env: {} });
  expect(cfg.state.path).toBe("/var/lib/openbao-kms/state/key-registry.json");
  expect(cfg.rotation).toEqual({ mode: "observed", activationDelayMs: 120_000, requireStableObservationCount: 3, rejectVersionRollback: true });
  expect(cfg.server.socketPath).toBe("/run/openbao-kms/kms.sock");
});
