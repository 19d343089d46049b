// `inventory`: which key versions the objects in etcd still use. One pass over every value under
// the prefix, one page at a time at one revision; only counts are kept, so memory stays flat
// however many objects there are (distinct key_ids and resources are capped, the rest pooled).

import type { EtcdClient } from "../etcd/client.ts";
import { objectPath } from "../k8s/keys.ts";
import { parseStoredValue } from "../k8s/storage.ts";
import type { RegistryState, SnapshotRecord } from "../registry/types.ts";

/** Distinct key_ids and resources tracked by name; beyond these, counts go to one pooled bucket. */
export const maxTrackedKeyIds = 4096;
export const maxTrackedResources = 1024;
export const pooledName = "(others)";

export interface KeyIdUse {
  readonly keyId: string;
  /** The provider name in the stored prefix ("k8s:enc:kms:v2:<name>:"). */
  readonly provider: string;
  count: number;
  readonly resources: Map<string, number>;
  /** This node's registry record for the key_id, when it has one. */
  readonly record?: Pick<SnapshotRecord, "transitVersion" | "state">;
}

export interface InventoryReport {
  readonly prefix: string;
  revision: number;
  scanned: number;
  /** KMS v2 objects by key_id (known to the registry or not). */
  readonly keyIds: Map<string, KeyIdUse>;
  /** Other transformers ("aescbc:v1", "kms:v1:<name>") → resource → count. */
  readonly other: Map<string, Map<string, number>>;
  /** Plaintext (identity) objects by resource. */
  readonly identity: Map<string, number>;
  /** Values that are neither a readable envelope nor plaintext, by resource. */
  readonly malformed: Map<string, number>;
}

function bump(m: Map<string, number>, key: string, cap: number, by = 1): void {
  const k = m.has(key) || m.size < cap ? key : pooledName;
  m.set(k, (m.get(k) ?? 0) + by);
}

export function emptyReport(prefix: string): InventoryReport {
  return { prefix, revision: 0, scanned: 0, keyIds: new Map(), other: new Map(), identity: new Map(), malformed: new Map() };
}

/** Adds one stored value to the report. */
export function account(report: InventoryReport, records: ReadonlyMap<string, SnapshotRecord>, key: Uint8Array, value: Uint8Array): void {
  report.scanned++;
  const resource = objectPath(key, report.prefix)?.resource ?? "(outside the layout)";
  const parsed = parseStoredValue(value);
  switch (parsed.kind) {
    case "kms-v2": {
      const id = parsed.object.keyId;
      let use = report.keyIds.get(id);
      if (use === undefined) {
        const tracked = report.keyIds.size < maxTrackedKeyIds || records.has(id);
        const keyId = tracked ? id : pooledName;
        use = report.keyIds.get(keyId);
        if (use === undefined) {
          const r = records.get(id);
          use = { keyId, provider: parsed.provider, count: 0, resources: new Map(), ...(tracked && r !== undefined ? { record: { transitVersion: r.transitVersion, state: r.state } } : {}) };
          report.keyIds.set(keyId, use);
        }
      }
      use.count++;
      bump(use.resources, resource, maxTrackedResources);
      return;
    }
    case "other": {
      const name = parsed.transformer.startsWith("kms:") ? `${parsed.transformer}:${parsed.provider}` : parsed.transformer;
      const bucket = report.other.has(name) || report.other.size < maxTrackedKeyIds ? name : pooledName;
      let byResource = report.other.get(bucket);
      if (byResource === undefined) {
        byResource = new Map();
        report.other.set(bucket, byResource);
      }
      bump(byResource, resource, maxTrackedResources);
      return;
    }
    case "identity":
      bump(report.identity, resource, maxTrackedResources);
      return;
    case "malformed":
      bump(report.malformed, resource, maxTrackedResources);
  }
}

export interface ScanOptions {
  readonly prefix: string;
  readonly pageSize: number;
  readonly signal?: AbortSignal;
  /** Called after each page with the running count (progress on stderr). */
  readonly onPage?: (scanned: number) => void;
  /** A full garbage collection, run after every `collectEveryBytes` of values (keeps the peak flat). */
  readonly collect?: () => void;
}

/** Values scanned between two collections: a few pages' worth. */
export const collectEveryBytes = 8 * 1024 * 1024;

/** Scans every value under `prefix + "/"` and counts them. */
export async function takeInventory(etcd: EtcdClient, state: RegistryState | undefined, opts: ScanOptions): Promise<InventoryReport> {
  const records = new Map((state?.snapshots ?? []).map((r) => [r.kubernetesKeyId, r] as const));
  const report = emptyReport(opts.prefix);
  const scanPrefix = new TextEncoder().encode(`${opts.prefix}/`);
  let sinceCollection = 0;
  for await (const page of etcd.scan(scanPrefix, { pageSize: opts.pageSize, ...(opts.signal === undefined ? {} : { signal: opts.signal }) })) {
    report.revision = page.revision;
    for (const kv of page.kvs) {
      account(report, records, kv.key, kv.value);
      sinceCollection += kv.key.length + kv.value.length;
    }
    if (opts.collect !== undefined && sinceCollection >= collectEveryBytes) {
      sinceCollection = 0;
      opts.collect();
    }
    opts.onPage?.(report.scanned);
  }
  return report;
}

/** Objects per Transit version among this registry's key_ids (for retirement checks). */
export function objectsByVersion(report: InventoryReport): Map<number, number> {
  const out = new Map<number, number>();
  for (const use of report.keyIds.values()) {
    if (use.record !== undefined) out.set(use.record.transitVersion, (out.get(use.record.transitVersion) ?? 0) + use.count);
  }
  return out;
}

/** KMS v2 objects whose key_id this registry does not know (could belong to a retired-and-removed version). */
export function unknownKeyIdObjects(report: InventoryReport): number {
  let n = 0;
  for (const use of report.keyIds.values()) if (use.record === undefined) n += use.count;
  return n;
}
