// Shared pieces for the observability tests: a key snapshot, a status store on a test clock,
// and a parser that reads a scrape into { 'name{labels}': value }.

import { deriveKeyId } from "../../src/kms/key-id.ts";
import type { KeySnapshot } from "../../src/kms/snapshot.ts";
import { StatusStore } from "../../src/status/store.ts";

const scope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "l" };

export const snapshot = (v: number): KeySnapshot => ({ scope, transitVersion: v, createdAtUnix: 1000 + v, keyId: deriveKeyId(scope, v, 1000 + v), state: "active" });

/** A StatusStore (max_staleness 2 s) on a clock the test moves. */
export function clockedStore(maxStalenessMs = 2_000) {
  let now = 50_000;
  const store = new StatusStore(() => now, maxStalenessMs);
  return { store, advance: (ms: number) => void (now += ms), now: () => now };
}

/** A healthy store: metadata and deep probe passed for key version `v`. */
export function healthyStore(v = 3) {
  const s = clockedStore();
  s.store.publishMetadata({ ok: true }, snapshot(v));
  s.store.publishDeep(snapshot(v).keyId, { ok: true });
  return s;
}

/** Sample lines of a scrape, keyed exactly as written before the value. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    const raw = line.slice(at + 1);
    out.set(line.slice(0, at), raw === "+Inf" ? Number.POSITIVE_INFINITY : raw === "NaN" ? Number.NaN : Number(raw));
  }
  return out;
}
