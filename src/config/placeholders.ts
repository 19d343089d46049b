// Identity values printed in our README, docs and example configs. They are examples: a config
// that still carries one would give two clusters that copied it the same key_id scope, so the
// loader refuses them (`config check`, `serve`, `doctor`, `init` all load through it).
// test/config/placeholders.test.ts finds every such value in the docs and fails when one is
// missing here.

import type { ConfigProblem } from "./errors.ts";

export const generateYourOwn = "is the example value from our documentation: generate your own with `init`";

/** Dotted key → the example values printed for it. */
export const placeholderValues: Readonly<Record<string, readonly string[]>> = {
  "transit.key_id_scope.transit_mount_id": ["3f1c9a52-7d0e-4b8a-9c61-2e5f8d4a7b10"],
  "transit.key_id_scope.key_lineage_id": ["0f4e8d2c6b1a9f3e7d5c4b2a1908f7e6"],
};

/** The digest of the static-pod template's image: a manifest that still has it is not deployable. */
export const placeholderImageDigest = `sha256:${"0".repeat(64)}`;

export function placeholderProblems(scope: { readonly transit_mount_id: string; readonly key_lineage_id: string }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const check = (key: string, value: string, how: string) => {
    if (placeholderValues[key]?.includes(value)) problems.push({ path: key, message: `${generateYourOwn} (${how})` });
  };
  check("transit.key_id_scope.transit_mount_id", scope.transit_mount_id, "the uuid of your Transit mount; the setup script `init` writes reads it");
  check("transit.key_id_scope.key_lineage_id", scope.key_lineage_id, "bao-kms-provider init --new-key");
  return problems;
}
