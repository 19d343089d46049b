// Which key versions the objects in etcd still use, for the commands that retire versions or
// report on a rotation. etcd is optional: without [etcd] (or --etcd-endpoints) the answer is
// "not checked", and each caller decides what that means (retire-versions --apply refuses).

import type { Config } from "../config/schema.ts";
import type { EtcdConfig } from "../config/etcd-schema.ts";
import { EtcdError } from "../etcd/client.ts";
import { collectNow } from "../platform/memory.ts";
import type { RegistryState } from "../registry/types.ts";
import { effectiveEtcdConfig, etcdClientFor, EtcdSetupError, type EtcdOverrides } from "./etcd.ts";
import { objectsByVersion, takeInventory, unknownKeyIdObjects } from "./inventory.ts";

export type ObjectsInUse =
  | { readonly checked: true; readonly revision: number; readonly objects: number; readonly byVersion: ReadonlyMap<number, number>; readonly unknownKeyIdObjects: number }
  | { readonly checked: false; readonly reason: string };

/** The etcd settings for a command: [etcd] plus its --etcd-* flags; undefined when none are set. */
export function etcdSettings(config: Config, overrides: EtcdOverrides): EtcdConfig | undefined {
  const c = effectiveEtcdConfig(config.etcd, overrides);
  return c.endpoints.length === 0 ? undefined : c;
}

/** Scans etcd once; a configuration or etcd failure is "not checked" with its reason. */
export async function objectsInUse(settings: EtcdConfig | undefined, state: RegistryState): Promise<ObjectsInUse> {
  if (settings === undefined) return { checked: false, reason: "etcd is not configured ([etcd] endpoints or --etcd-endpoints)" };
  let etcd;
  try {
    etcd = await etcdClientFor(settings);
  } catch (e) {
    if (e instanceof EtcdSetupError || e instanceof EtcdError) return { checked: false, reason: e.message };
    throw e;
  }
  try {
    const report = await takeInventory(etcd, state, { prefix: settings.prefix, pageSize: settings.pageSize, collect: collectNow });
    return { checked: true, revision: report.revision, objects: report.scanned, byVersion: objectsByVersion(report), unknownKeyIdObjects: unknownKeyIdObjects(report) };
  } catch (e) {
    if (e instanceof EtcdError) return { checked: false, reason: e.message };
    throw e;
  } finally {
    etcd.close();
  }
}

/** "N objects still on version V" for each of `versions` that objects use (empty when none do). */
export function stillUsed(use: ObjectsInUse, versions: readonly number[]): string[] {
  if (!use.checked) return [];
  return versions.filter((v) => (use.byVersion.get(v) ?? 0) > 0).map((v) => `${use.byVersion.get(v)} objects still on version ${v}`);
}
