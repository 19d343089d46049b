// `inventory`: what etcd holds, by key version, so an operator knows what retiring a version
// would strand. Read-only: one consistent scan, counts only, key_ids shown as hashes.

import { effectiveEtcdConfig } from "../app/etcd.ts";
import { type InventoryReport, takeInventory, unknownKeyIdObjects } from "../app/inventory.ts";
import { loadRegistry } from "../app/registry.ts";
import { EtcdError } from "../etcd/client.ts";
import { hashValue } from "../kms/hash.ts";
import { collectNow } from "../platform/memory.ts";
import { RegistryError } from "../registry/types.ts";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { connectEtcdOrExit, etcdFlags, etcdOverrides } from "./etcd-flags.ts";
import { CliError, exitCodes, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { loadCliConfig } from "./load-config.ts";

const flags = {
  config: { type: "string", value: "PATH", description: "config file (env BAO_KMS_PROVIDER_CONFIG, else /etc/openbao-kms/config.toml)" },
  output: { type: "string", value: "FORMAT", description: "text or json", default: "text" },
  ...etcdFlags,
} as const;

export const inventoryHelp = `Usage: bao-kms-provider inventory [--config PATH] [--output text|json] [--etcd-* ...]

Scans every value under the etcd prefix (one page at a time, all at one revision) and reports:
objects per key_id with the Transit version and state this node's registry maps it to; key_ids
the registry does not know; objects of other providers or encryption transformers; objects
stored in plaintext; values that cannot be read. key_ids are shown as hashes. Nothing is
decrypted and nothing is written. Progress goes to stderr.

Retiring a version (retire-versions) is refused while objects still use it; re-encrypt them
first (kubectl get secrets -A -o json | kubectl replace -f -).

Exit codes: 0 ok, 2 usage, 3 config invalid (or etcd settings), 5 etcd or state unreadable.

Flags:
${formatFlags(flags)}
`;

const sortedEntries = (m: ReadonlyMap<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const counts = (m: ReadonlyMap<string, number>) => sortedEntries(m).map(([k, n]) => `${k} ${n}`).join(", ");

export function inventoryJson(r: InventoryReport, seconds: number): Record<string, unknown> {
  const keyIds = [...r.keyIds.values()]
    .sort((a, b) => (b.record?.transitVersion ?? -1) - (a.record?.transitVersion ?? -1) || b.count - a.count)
    .map((u) => ({ keyIdHash: hashValue(u.keyId), provider: u.provider, transitVersion: u.record?.transitVersion ?? null, state: u.record?.state ?? null, objects: u.count, resources: Object.fromEntries(sortedEntries(u.resources)) }));
  return {
    command: "inventory",
    prefix: r.prefix,
    revision: r.revision,
    objects: r.scanned,
    keyIds,
    unknownKeyIdObjects: unknownKeyIdObjects(r),
    otherTransformers: Object.fromEntries([...r.other].sort().map(([t, m]) => [t, Object.fromEntries(sortedEntries(m))])),
    plaintext: Object.fromEntries(sortedEntries(r.identity)),
    malformed: Object.fromEntries(sortedEntries(r.malformed)),
    scanSeconds: Math.round(seconds * 1000) / 1000,
  };
}

export function inventoryText(r: InventoryReport, seconds: number): string {
  const j = inventoryJson(r, seconds) as { keyIds: Array<{ keyIdHash: string; provider: string; transitVersion: number | null; state: string | null; objects: number; resources: Record<string, number> }> };
  const lines = [`${r.scanned} objects under ${r.prefix}/ at etcd revision ${r.revision} (${seconds.toFixed(1)} s)`, ""];
  const known = j.keyIds.filter((k) => k.transitVersion !== null);
  const unknown = j.keyIds.filter((k) => k.transitVersion === null);
  lines.push("KMS v2 objects by key version (this registry):");
  if (known.length === 0) lines.push("  none");
  for (const k of known) lines.push(`  version ${k.transitVersion} (${k.state}, key_id hash ${k.keyIdHash.slice(0, 12)}…): ${k.objects} objects — ${counts(new Map(Object.entries(k.resources)))}`);
  lines.push("", "KMS v2 objects with key_ids this registry does not know:");
  if (unknown.length === 0) lines.push("  none");
  for (const k of unknown) lines.push(`  provider ${JSON.stringify(k.provider)}, key_id hash ${k.keyIdHash.slice(0, 12)}…: ${k.objects} objects — ${counts(new Map(Object.entries(k.resources)))}`);
  lines.push("", "Other encryption (not this provider):");
  if (r.other.size === 0) lines.push("  none");
  for (const [t, m] of [...r.other].sort()) lines.push(`  ${t}: ${counts(m)}`);
  lines.push("", `Plaintext (identity): ${r.identity.size === 0 ? "none" : counts(r.identity)}`);
  if (r.malformed.size > 0) lines.push(`Unreadable values: ${counts(r.malformed)}`);
  return `${lines.join("\n")}\n`;
}

export async function runInventory(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, flags);
  if (f.help) {
    io.out(inventoryHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const config = await loadCliConfig(f.config, io);
  const etcdConfig = effectiveEtcdConfig(config.etcd, etcdOverrides(f));
  let state;
  try {
    const loaded = await loadRegistry(config);
    state = loaded.kind === "loaded" ? loaded.state : undefined;
  } catch (e) {
    if (e instanceof RegistryError) throw new CliError(exitCodes.runtime, `key registry unreadable (${e.kind}): ${e.message}`);
    throw e;
  }
  const etcd = await connectEtcdOrExit(etcdConfig);
  const started = performance.now();
  let lastProgress = started;
  try {
    const report = await takeInventory(etcd, state, {
      prefix: etcdConfig.prefix,
      pageSize: etcdConfig.pageSize,
      collect: collectNow,
      onPage: (n) => {
        const now = performance.now();
        if (now - lastProgress >= 1000) {
          lastProgress = now;
          io.err(`inventory: ${n} objects scanned…\n`);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    if (state === undefined) io.err("inventory: no key registry on this node yet: every key_id is reported as unknown\n");
    io.out(format === "json" ? `${JSON.stringify(inventoryJson(report, seconds), null, 2)}\n` : inventoryText(report, seconds));
    return exitCodes.ok;
  } catch (e) {
    if (e instanceof EtcdError) throw new CliError(exitCodes.runtime, `inventory failed: ${e.message}`);
    throw e;
  } finally {
    etcd.close();
  }
}
