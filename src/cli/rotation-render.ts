// Rendering shared by the rotation commands: JSON as the field names, text one labelled line
// per fact.

import type { RotationView } from "../app/rotation-view.ts";

export type Format = "text" | "json";

export const configFlag = { type: "string", value: "PATH", description: "config file (env BAO_KMS_PROVIDER_CONFIG, else /etc/openbao-kms/config.toml)" } as const;
export const outputFlag = { type: "string", value: "FORMAT", description: "text or json", default: "text" } as const;
export const reportFlags = { config: configFlag, output: outputFlag } as const;

export function render(view: Record<string, unknown>, format: Format): string {
  if (format === "json") return `${JSON.stringify(view, null, 2)}\n`;
  const lines: string[] = [];
  for (const [k, v] of Object.entries(view)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      lines.push(`${k}:`);
      for (const item of v) lines.push(`  - ${typeof item === "object" && item !== null ? Object.entries(item).map(([a, b]) => `${a}=${String(b)}`).join(" ") : String(item)}`);
    } else lines.push(`${k}: ${v === null ? "-" : String(v)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The rotation view for people: one labelled line per fact (`--output json` keeps the field names). */
export function rotationText(command: string, v: RotationView): string {
  const orNone = (xs: readonly number[]) => (xs.length === 0 ? "none" : xs.join(", "));
  const checkpoint = { current: "checkpoint current", behind: "checkpoint BEHIND the state", missing: "checkpoint MISSING", absent: "no checkpoint" }[v.checkpointStatus];
  const rows: Array<[string, string]> = [
    ["Transit key", v.transitMetadataStatus === "ok" ? `readable, latest version ${v.latestTransitVersion}` : `cannot be read (${v.transitMetadataError ?? "failed"})`],
    ["Key registry", v.stateLoaded ? `generation ${v.stateGeneration}, ${checkpoint}` : v.stateError !== undefined ? `cannot be loaded: ${v.stateError}` : "no state yet"],
    ...(v.stateHash !== null ? [["State hash", `${v.stateHash}  (pass to --expected-state-hash)`] as [string, string]] : []),
    ["Rotation", { stable: "stable: the active version is Transit's latest", pending: "in progress: a newer version is pending", blocked: "BLOCKED: live metadata does not validate the registry", uninitialized: "not started: no key registry yet", unknown: "unknown" }[v.rotationState]],
    ["Active version", v.activeTransitVersion === null ? "none" : `${v.activeTransitVersion} (key_id hash ${v.activeKeyIdHash})`],
    [
      "Pending version",
      v.pendingTransitVersion === null
        ? "none"
        : `${v.pendingTransitVersion} (key_id hash ${v.pendingKeyIdHash}), ${v.pendingStableObservationCount} stable observation(s)${v.pendingPromotesAfter === null ? "" : `, promoted after ${v.pendingPromotesAfter}`}`,
    ],
    ["Decryptable versions", orNone(v.decryptableVersions)],
    ["Removed versions", orNone(v.removedVersions)],
    ["Next probe", v.nextProbe],
    ...(v.objectsByVersion !== undefined
      ? [["Objects in etcd", Object.entries(v.objectsByVersion).map(([ver, n]) => `${n} on version ${ver}`).join(", ") || "none of this registry's versions"] as [string, string]]
      : v.objectCheck !== undefined
        ? [["Objects in etcd", v.objectCheck] as [string, string]]
        : []),
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  return `${command}:\n${rows.map(([k, val]) => `  ${(k + ":").padEnd(width)} ${val}`).join("\n")}\n`;
}
