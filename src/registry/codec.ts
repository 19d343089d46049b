// Strict decoding and Go-compatible encoding of the state file and its checkpoint (reference
// §4.5). Decoding rejects unknown fields, wrong types, non-integers and trailing content, and
// names the offending field (never its content). Encoding is Go's json.Encoder with a 2-space
// indent: field order as in types.ts, omitempty fields left out, <, > and & escaped. v1alpha2
// (written) has identityFingerprint right after schemaVersion; v1alpha1 (read) has none.

import { goJsonString } from "../kms/go-json.ts";
import { isHashValue } from "../kms/hash.ts";
import {
  type Checkpoint,
  checkpointSchemaVersion,
  identityFingerprintPrefix,
  legacyStateSchemaVersion,
  RegistryError,
  type RegistryState,
  type SnapshotRecord,
  stateHashPrefix,
  stateSchemaVersion,
} from "./types.ts";

const recordStrings = ["providerName", "clusterId", "openbaoInstanceId", "transitMountId", "transitKeyLineageId", "kubernetesKeyId", "state", "aadMode"] as const;
const recordInts = ["transitVersion", "transitVersionCreatedAtUnix"] as const;
const recordOptionalInts = ["observedAtUnix", "stableObservationCount", "stableAtUnix", "promotedAtUnix"] as const;
const recordFields = new Set<string>([...recordStrings, "openbaoNamespace", ...recordInts, ...recordOptionalInts]);
const stateFieldsV1 = new Set(["schemaVersion", "generation", "previousHash", "currentHash", "activeKeyId", "snapshots"]);
const stateFieldsV2 = new Set([...stateFieldsV1, "identityFingerprint"]);
const checkpointFields = new Set(["schemaVersion", "generation", "currentHash"]);

/** "krs1." + 43 base64url chars decoding to 32 bytes. */
export function isStateHashText(h: string): boolean {
  return h.startsWith(stateHashPrefix) && isHashValue(h.slice(stateHashPrefix.length));
}

/**
 * "cfg1." + 43 base64url chars decoding to 32 bytes, in canonical form (Go decodes it with
 * base64.RawURLEncoding.Strict(), which refuses non-zero trailing bits).
 */
export function isIdentityFingerprint(f: string): boolean {
  const body = f.slice(identityFingerprintPrefix.length);
  return f.startsWith(identityFingerprintPrefix) && isHashValue(body) && Buffer.from(body, "base64url").toString("base64url") === body;
}

const corrupt = (what: string, message: string) => new RegistryError("corrupt", `${what}: ${message}`);

function parseObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    // JSON.parse also refuses trailing content after the object (whitespace is allowed, as in Go).
    value = JSON.parse(text);
  } catch {
    throw corrupt(what, "not valid JSON (truncated or trailing content?)");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw corrupt(what, "not a JSON object");
  if (!onlyPlainIntegers(text)) throw corrupt(what, "a number has a sign, fraction or exponent (every number field is a whole number >= 0)");
  return value as Record<string, unknown>;
}

/**
 * JSON.parse turns 1.0 and 1e0 into 1, which Go refuses for an integer field; every number in
 * these files is an unsigned integer, so any number literal other than 0|[1-9][0-9]* is refused.
 * Walks the (already valid) JSON text, skipping string literals.
 */
function onlyPlainIntegers(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to the closing quote, honouring backslash escapes
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const m = /^-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 64));
      const lit = m?.[0] ?? "";
      if (!/^(?:0|[1-9][0-9]*)$/.test(lit)) return false;
      i += lit.length;
    } else {
      i++;
    }
  }
  return true;
}

function onlyKnown(obj: Record<string, unknown>, known: ReadonlySet<string>, what: string): void {
  for (const k of Object.keys(obj)) if (!known.has(k)) throw corrupt(what, `unknown field ${JSON.stringify(k).slice(0, 80)}`);
}

function str(obj: Record<string, unknown>, key: string, what: string, optional = false): string | undefined {
  const v = obj[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== "string") throw corrupt(what, `${key} must be a string`);
  return v;
}

/** A JSON integer in 0..2^53-1 (Go's int64/uint64 fields; larger values cannot be checked exactly). */
function int(obj: Record<string, unknown>, key: string, what: string, optional = false): number | undefined {
  const v = obj[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw corrupt(what, `${key} must be a whole number`);
  if (v < 0) throw corrupt(what, `${key} must not be negative`);
  return v;
}

function decodeRecord(raw: unknown, index: number): SnapshotRecord {
  const what = `snapshots[${index}]`;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw corrupt(what, "not a JSON object");
  const o = raw as Record<string, unknown>;
  onlyKnown(o, recordFields, what);
  const s = Object.fromEntries(recordStrings.map((k) => [k, str(o, k, what) as string])) as Record<(typeof recordStrings)[number], string>;
  const namespace = str(o, "openbaoNamespace", what, true);
  const version = int(o, "transitVersion", what) as number;
  const created = int(o, "transitVersionCreatedAtUnix", what) as number;
  const optional: Record<string, number> = {};
  // Go's omitempty: 0 and absent are the same value, and 0 is never written or hashed.
  for (const k of recordOptionalInts) {
    const v = int(o, k, what, true);
    if (v !== undefined && v !== 0) optional[k] = v;
  }
  return {
    providerName: s.providerName,
    clusterId: s.clusterId,
    openbaoInstanceId: s.openbaoInstanceId,
    ...(namespace ? { openbaoNamespace: namespace } : {}),
    transitMountId: s.transitMountId,
    transitKeyLineageId: s.transitKeyLineageId,
    transitVersion: version,
    transitVersionCreatedAtUnix: created,
    kubernetesKeyId: s.kubernetesKeyId,
    state: s.state as SnapshotRecord["state"], // checked by validateState
    aadMode: s.aadMode as SnapshotRecord["aadMode"], // checked by validateState
    ...optional,
  };
}

/**
 * Decodes key-registry.json strictly, v1alpha2 (ours and the Go provider's newest) or the older
 * v1alpha1 (identityFingerprint is then an unknown field). Content rules are validateState's.
 */
export function decodeState(text: string): RegistryState {
  const what = "state file";
  const o = parseObject(text, what);
  const schemaVersion = str(o, "schemaVersion", what) as string;
  if (schemaVersion !== stateSchemaVersion && schemaVersion !== legacyStateSchemaVersion) {
    throw corrupt(what, `schemaVersion must be ${stateSchemaVersion} (or the older ${legacyStateSchemaVersion})`);
  }
  const v2 = schemaVersion === stateSchemaVersion;
  onlyKnown(o, v2 ? stateFieldsV2 : stateFieldsV1, what);
  const identityFingerprint = v2 ? (str(o, "identityFingerprint", what) as string) : undefined;
  const generation = int(o, "generation", what) as number;
  const previousHash = str(o, "previousHash", what, true);
  const currentHash = str(o, "currentHash", what) as string;
  const activeKeyId = str(o, "activeKeyId", what) as string;
  if (!Array.isArray(o.snapshots)) throw corrupt(what, "snapshots must be an array");
  if (o.snapshots.length > maxRecords) throw corrupt(what, `more than ${maxRecords} snapshots`);
  const snapshots = o.snapshots.map(decodeRecord);
  return {
    schemaVersion: v2 ? stateSchemaVersion : legacyStateSchemaVersion,
    ...(identityFingerprint !== undefined ? { identityFingerprint } : {}),
    generation,
    ...(previousHash ? { previousHash } : {}),
    currentHash,
    activeKeyId,
    snapshots,
  };
}

/** Decodes key-registry.json.checkpoint strictly. */
export function decodeCheckpoint(text: string): Checkpoint {
  const what = "checkpoint file";
  const o = parseObject(text, what);
  onlyKnown(o, checkpointFields, what);
  if (str(o, "schemaVersion", what) !== checkpointSchemaVersion) throw corrupt(what, `schemaVersion must be ${checkpointSchemaVersion}`);
  const generation = int(o, "generation", what) as number;
  if (generation < 1) throw corrupt(what, "generation must be at least 1");
  const currentHash = str(o, "currentHash", what) as string;
  if (!isStateHashText(currentHash)) throw corrupt(what, "currentHash is malformed");
  return { schemaVersion: checkpointSchemaVersion, generation, currentHash };
}

/** One Transit key rotation per record; a registry this large means something is wrong. */
export const maxRecords = 10_000;

type Field = readonly [string, string | number];

function recordFieldsOf(r: SnapshotRecord): Field[] {
  const f: Field[] = [
    ["providerName", r.providerName],
    ["clusterId", r.clusterId],
    ["openbaoInstanceId", r.openbaoInstanceId],
  ];
  if (r.openbaoNamespace) f.push(["openbaoNamespace", r.openbaoNamespace]);
  f.push(
    ["transitMountId", r.transitMountId],
    ["transitKeyLineageId", r.transitKeyLineageId],
    ["transitVersion", r.transitVersion],
    ["transitVersionCreatedAtUnix", r.transitVersionCreatedAtUnix],
    ["kubernetesKeyId", r.kubernetesKeyId],
    ["state", r.state],
    ["aadMode", r.aadMode],
  );
  for (const k of recordOptionalInts) {
    const v = r[k];
    if (v) f.push([k, v]);
  }
  return f;
}

const value = (v: string | number) => (typeof v === "number" ? String(v) : goJsonString(v));

/** Compact Go JSON of one record (used by the hash). */
export function recordCompact(r: SnapshotRecord): string {
  return `{${recordFieldsOf(r).map(([k, v]) => `${goJsonString(k)}:${value(v)}`).join(",")}}`;
}

/** The state file as Go's json.Encoder with SetIndent("", "  ") writes it, newline included. */
export function encodeState(s: RegistryState): string {
  const top: string[] = [`  "schemaVersion": ${goJsonString(s.schemaVersion)}`];
  if (s.identityFingerprint !== undefined) top.push(`  "identityFingerprint": ${goJsonString(s.identityFingerprint)}`);
  top.push(`  "generation": ${s.generation}`);
  if (s.previousHash) top.push(`  "previousHash": ${goJsonString(s.previousHash)}`);
  top.push(`  "currentHash": ${goJsonString(s.currentHash)}`, `  "activeKeyId": ${goJsonString(s.activeKeyId)}`);
  const records = s.snapshots.map((r) => `    {\n${recordFieldsOf(r).map(([k, v]) => `      ${goJsonString(k)}: ${value(v)}`).join(",\n")}\n    }`);
  top.push(records.length === 0 ? `  "snapshots": []` : `  "snapshots": [\n${records.join(",\n")}\n  ]`);
  return `{\n${top.join(",\n")}\n}\n`;
}

/** The checkpoint file, same encoder. */
export function encodeCheckpoint(c: Checkpoint): string {
  return `{\n  "schemaVersion": ${goJsonString(c.schemaVersion)},\n  "generation": ${c.generation},\n  "currentHash": ${goJsonString(c.currentHash)}\n}\n`;
}
