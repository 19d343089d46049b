// Strict decoding and Go-compatible encoding of the state file and its checkpoint (reference
// §4.5). Decoding rejects unknown fields, wrong types, non-integers and trailing content, and
// names the offending field (never its content). Encoding is Go's json.Encoder with a 2-space
// indent: field order as in types.ts, omitempty fields left out, <, > and & escaped. v1alpha2
// (written) has identityFingerprint right after schemaVersion; v1alpha1 (read) has none.

import * as v from "valibot";
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

/** One Transit key rotation per record; a registry this large means something is wrong. */
export const maxRecords = 10_000;

const recordOptionalInts = ["observedAtUnix", "stableObservationCount", "stableAtUnix", "promotedAtUnix"] as const;

// The shapes, as valibot strict objects. Entry order is check order: the first problem found is
// the one reported, after any unknown field (see problem()).
const text = v.string();
/** A JSON integer in 0..2^53-1 (Go's int64/uint64 fields; larger values cannot be checked exactly). */
const whole = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const recordSchema = v.strictObject({
  providerName: text,
  clusterId: text,
  openbaoInstanceId: text,
  transitMountId: text,
  transitKeyLineageId: text,
  kubernetesKeyId: text,
  state: text,
  aadMode: text,
  openbaoNamespace: v.optional(text),
  transitVersion: whole,
  transitVersionCreatedAtUnix: whole,
  observedAtUnix: v.optional(whole),
  stableObservationCount: v.optional(whole),
  stableAtUnix: v.optional(whole),
  promotedAtUnix: v.optional(whole),
});
const stateTail = {
  generation: whole,
  previousHash: v.optional(text),
  currentHash: text,
  activeKeyId: text,
  snapshots: v.pipe(v.array(v.unknown()), v.maxLength(maxRecords)),
};
const stateSchemaV1 = v.strictObject({ schemaVersion: text, ...stateTail });
const stateSchemaV2 = v.strictObject({ schemaVersion: text, identityFingerprint: text, ...stateTail });
const checkpointSchema = v.strictObject({ schemaVersion: text, generation: whole, currentHash: text });

/** The first problem of a failed parse as the decoder's fixed message (field names, never content). */
function problem(issues: readonly v.BaseIssue<unknown>[], what: string, entries: v.ObjectEntries): RegistryError {
  // An unknown field first, as Go's DisallowUnknownFields reports it before any value.
  const unknownField = issues.find((i) => i.type === "strict_object" && i.expected === "never");
  if (unknownField !== undefined) return corrupt(what, `unknown field ${JSON.stringify(String(unknownField.path?.at(-1)?.key)).slice(0, 80)}`);
  const first = issues[0];
  const key = String(first?.path?.[0]?.key ?? "");
  // A missing key is reported by the object itself: name what its value must be.
  const type = first?.type === "strict_object" ? entries[key]?.type : first?.type;
  switch (type) {
    case "string":
      return corrupt(what, `${key} must be a string`);
    case "min_value":
      return corrupt(what, `${key} must not be negative`);
    case "array":
      return corrupt(what, `${key} must be an array`);
    case "max_length":
      return corrupt(what, `more than ${maxRecords} snapshots`);
    default:
      return corrupt(what, `${key} must be a whole number`);
  }
}

function parseWith<S extends v.StrictObjectSchema<v.ObjectEntries, undefined>>(schema: S, input: unknown, what: string): v.InferOutput<S> {
  const r = v.safeParse(schema, input);
  if (!r.success) throw problem(r.issues, what, schema.entries);
  return r.output;
}

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
  if (text.charCodeAt(0) === 0xfeff) throw corrupt(what, "starts with a byte order mark (BOM); the provider writes none");
  let value: unknown;
  try {
    // JSON.parse also refuses trailing content after the object (whitespace is allowed, as in Go).
    value = JSON.parse(text);
  } catch {
    throw corrupt(what, "not valid JSON (truncated or trailing content?)");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw corrupt(what, "not a JSON object");
  if (!onlyPlainIntegers(text)) throw corrupt(what, "a number has a sign, fraction or exponent (every number field is a whole number >= 0)");
  const duplicate = firstDuplicateKey(text);
  // JSON.parse keeps the last of two equal keys, Go's decoder the last too: a file with both is
  // not one the provider wrote, and which value counts would be a guess.
  if (duplicate !== undefined) throw corrupt(what, `field ${JSON.stringify(duplicate).slice(0, 80)} appears twice in one object`);
  return value as Record<string, unknown>;
}

/** The first key that appears twice in one object of (already valid) JSON text, if any. */
function firstDuplicateKey(text: string): string | undefined {
  const stack: Array<Set<string> | undefined> = []; // one entry per open object or array
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{") {
      stack.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      stack.push(undefined);
      expectKey = false;
    } else if (c === "}" || c === "]") {
      stack.pop();
      expectKey = false;
    } else if (c === ",") {
      expectKey = stack.at(-1) !== undefined;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const keys = stack.at(-1);
        if (keys?.has(key)) return key;
        keys?.add(key);
        expectKey = false;
      }
      i = j;
    }
  }
  return undefined;
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

function decodeRecord(raw: unknown, index: number): SnapshotRecord {
  const what = `snapshots[${index}]`;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw corrupt(what, "not a JSON object");
  const o = parseWith(recordSchema, raw, what);
  const optional: Record<string, number> = {};
  // Go's omitempty: 0 and absent are the same value, and 0 is never written or hashed.
  for (const k of recordOptionalInts) {
    const value = o[k];
    if (value !== undefined && value !== 0) optional[k] = value;
  }
  return {
    providerName: o.providerName,
    clusterId: o.clusterId,
    openbaoInstanceId: o.openbaoInstanceId,
    ...(o.openbaoNamespace ? { openbaoNamespace: o.openbaoNamespace } : {}),
    transitMountId: o.transitMountId,
    transitKeyLineageId: o.transitKeyLineageId,
    transitVersion: o.transitVersion,
    transitVersionCreatedAtUnix: o.transitVersionCreatedAtUnix,
    kubernetesKeyId: o.kubernetesKeyId,
    state: o.state as SnapshotRecord["state"], // checked by validateState
    aadMode: o.aadMode as SnapshotRecord["aadMode"], // checked by validateState
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
  if (typeof o.schemaVersion !== "string") throw corrupt(what, "schemaVersion must be a string");
  const schemaVersion = o.schemaVersion;
  if (schemaVersion !== stateSchemaVersion && schemaVersion !== legacyStateSchemaVersion) {
    throw corrupt(what, `schemaVersion must be ${stateSchemaVersion} (or the older ${legacyStateSchemaVersion})`);
  }
  const v2 = schemaVersion === stateSchemaVersion;
  const top = v2 ? parseWith(stateSchemaV2, o, what) : parseWith(stateSchemaV1, o, what);
  const identityFingerprint = v2 ? parseWith(stateSchemaV2, o, what).identityFingerprint : undefined;
  const snapshots = top.snapshots.map(decodeRecord);
  return {
    schemaVersion: v2 ? stateSchemaVersion : legacyStateSchemaVersion,
    ...(identityFingerprint !== undefined ? { identityFingerprint } : {}),
    generation: top.generation,
    ...(top.previousHash ? { previousHash: top.previousHash } : {}),
    currentHash: top.currentHash,
    activeKeyId: top.activeKeyId,
    snapshots,
  };
}

/** Decodes key-registry.json.checkpoint strictly. */
export function decodeCheckpoint(text: string): Checkpoint {
  const what = "checkpoint file";
  const o = parseWith(checkpointSchema, parseObject(text, what), what);
  if (o.schemaVersion !== checkpointSchemaVersion) throw corrupt(what, `schemaVersion must be ${checkpointSchemaVersion}`);
  if (o.generation < 1) throw corrupt(what, "generation must be at least 1");
  if (!isStateHashText(o.currentHash)) throw corrupt(what, "currentHash is malformed");
  return { schemaVersion: checkpointSchemaVersion, generation: o.generation, currentHash: o.currentHash };
}


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
