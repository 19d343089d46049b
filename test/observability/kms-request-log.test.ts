// The kms.request event: successful calls at debug (and not even built when debug is off),
// failures at warn, hashes only, the cause's kind but never its text.

import { expect, test } from "bun:test";
import { KmsError } from "../../src/kms/errors.ts";
import { hashValue } from "../../src/kms/hash.ts";
import { kmsRequestLogger } from "../../src/observability/kms-request-log.ts";
import { createLogger, type LogLevel } from "../../src/platform/log.ts";

const keyId = "obk2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const uid = "6b1f7f0e-5d59-4c1e-9b7e-0c1a2b3c4d5e";

function setup(level: LogLevel) {
  const lines: string[] = [];
  const log = kmsRequestLogger(createLogger({ level, format: "json", write: (l) => lines.push(l) }));
  return { lines, log, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function entry(code: number, cause?: unknown) {
  let hashed = 0;
  return {
    get hashed() {
      return hashed;
    },
    value: {
      method: "Decrypt",
      code,
      errorClass: code === 0 ? "none" : "key_id_unknown",
      durationMs: 1.23456789,
      get keyIdHash() {
        hashed++;
        return hashValue(keyId);
      },
      get uidHash() {
        hashed++;
        return hashValue(uid);
      },
      ...(cause === undefined ? {} : { cause }),
    },
  };
}

test("a successful call logs at debug with hashes only", () => {
  const { log, parsed, lines } = setup("debug");
  log(entry(0).value);
  expect(parsed()).toEqual([
    {
      ts: expect.any(String),
      level: "debug",
      message: "kms.request",
      method: "Decrypt",
      grpc_code: 0,
      error_class: "none",
      duration_ms: 1.235,
      key_id_hash: hashValue(keyId),
      uid_hash: hashValue(uid),
    },
  ]);
  expect(lines.join("")).not.toContain(keyId);
  expect(lines.join("")).not.toContain(uid);
});

test("with debug off a successful call writes nothing and computes no hash", () => {
  const { log, lines } = setup("info");
  const e = entry(0);
  log(e.value);
  expect(lines).toEqual([]);
  expect(e.hashed).toBe(0);
});

test("a failure logs at warn (also at level warn) with the cause's kind, never its text", () => {
  const { log, parsed, lines } = setup("warn");
  log(entry(5, new KmsError("key_id_unknown", `no key ${keyId} for plaintext c2VjcmV0`)).value);
  log(entry(13, new TypeError("secret-bearing bug text")).value);
  const [known, bug] = parsed();
  expect(known).toMatchObject({ level: "warn", message: "kms.request", grpc_code: 5, error_class: "key_id_unknown", error_kind: "key_id_unknown", key_id_hash: hashValue(keyId) });
  expect(bug).toMatchObject({ level: "warn", grpc_code: 13 });
  expect(bug).not.toHaveProperty("error_kind");
  const all = lines.join("\n");
  for (const secret of [keyId, "c2VjcmV0", "secret-bearing", uid]) expect(all).not.toContain(secret);
});

test("at level error nothing is written for a failed call", () => {
  const { log, lines } = setup("error");
  log(entry(14).value);
  expect(lines).toEqual([]);
});
