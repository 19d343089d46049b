// The example configs we ship (in the .deb/.rpm, in `install systemd`, for the static pod) are
// refused as they are (example identity values), and valid once those are replaced: the loader's schema and relationship rules accept them, and they state the defaults
// of the key registry and rotation. Filesystem checks are not run (the files they name exist
// only on a configured node).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../src/config/errors.ts";
import { parseConfigText } from "../../src/config/load.ts";

const root = join(import.meta.dir, "..", "..");

test.each(["packaging/examples/config.toml", "packaging/static-pod/config.toml"])("%s: refused as shipped (its identity values are examples), loads once they are replaced", (file) => {
  const text = readFileSync(join(root, file), "utf8");
  let refused: unknown;
  try {
    parseConfigText(text, { sourceName: file, env: {} });
  } catch (e) {
    refused = e;
  }
  expect(refused).toBeInstanceOf(ConfigError);
  const paths = (refused as ConfigError).problems.map((p) => [p.path, p.message.includes("generate your own with `init`")]);
  expect(paths).toEqual([
    ["transit.key_id_scope.transit_mount_id", true],
    ["transit.key_id_scope.key_lineage_id", true],
  ]);
  const own = text.replace(/transit_mount_id = "[^"]+"/, 'transit_mount_id = "5b0e6f2a-93c1-4d7e-8a24-c6f1d3e9b057"').replace(/key_lineage_id = "[^"]+"/, 'key_lineage_id = "1c9e5a3f7b2d8e4061f3a9c7e5b1d2f4"');
  const cfg = parseConfigText(own, { sourceName: file, env: {} });
  expect(cfg.state.path).toBe("/var/lib/openbao-kms/state/key-registry.json");
  expect(cfg.rotation).toEqual({ mode: "observed", activationDelayMs: 120_000, requireStableObservationCount: 3, rejectVersionRollback: true });
  expect(cfg.server.socketPath).toBe("/run/openbao-kms/kms.sock");
});
