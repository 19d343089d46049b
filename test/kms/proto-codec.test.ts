// The generated codec agrees with an independent one (python3 google.protobuf, generated from
// proto/ by grpc_tools.protoc) in both directions, skips unknown fields, decodes proto3 defaults,
// and keeps a "__proto__" map key as an own key that the Decrypt handler rejects.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status as Code } from "@grpc/grpc-js";
import { staticKeySet } from "../../src/keys/from-metadata.ts";
import { kmsServiceDefinition as def } from "../../src/kms/grpc/codec.ts";
import { createHandlers, type RequestObservation } from "../../src/kms/grpc/handlers.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { ConcurrencyLimiter } from "../../src/kms/limiter.ts";
import { KmsService } from "../../src/kms/service.ts";
import type { KeyScope, KeySnapshot } from "../../src/kms/snapshot.ts";
import { fakeTransit } from "../helpers/fake-transit.ts";

// ---- the independent codec -------------------------------------------------------------

/** Generic by descriptor: bytes are hex, maps are [key, hex] entries sorted by key. */
const python = String.raw`
import json, os, sys
from grpc_tools import protoc
out, proto_root = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
if not os.path.exists(os.path.join(out, "kms", "v2", "api_pb2.py")):
    if protoc.main(["protoc", "-I" + proto_root, "--python_out=" + out, "kms/v2/api.proto"]) != 0:
        sys.exit("protoc failed")
sys.path.insert(0, out)
from kms.v2 import api_pb2 as pb
from google.protobuf.descriptor import FieldDescriptor as F

def is_map(f):
    return f.type == F.TYPE_MESSAGE and f.message_type.GetOptions().map_entry

def build(type_name, fields):
    m = getattr(pb, type_name)()
    for name, v in fields.items():
        f = m.DESCRIPTOR.fields_by_name[name]
        if is_map(f):
            for k, hv in v:
                getattr(m, name)[k] = bytes.fromhex(hv)
        elif f.type == F.TYPE_BYTES:
            setattr(m, name, bytes.fromhex(v))
        else:
            setattr(m, name, v)
    return m

def canon(m):
    d = {}
    for f in m.DESCRIPTOR.fields:
        v = getattr(m, f.name)
        if is_map(f):
            d[f.name] = sorted([k, bytes(x).hex()] for k, x in v.items())
        elif f.type == F.TYPE_BYTES:
            d[f.name] = v.hex()
        else:
            d[f.name] = v
    return d

job = json.load(sys.stdin)
res = {"encoded": [], "decoded": []}
for e in job.get("encode", []):
    raw = build(e["type"], e["fields"]).SerializeToString() + bytes.fromhex(e.get("append", ""))
    # Parsing and re-serialising keeps appended unknown fields, so they are python-written too.
    res["encoded"].append(getattr(pb, e["type"]).FromString(raw).SerializeToString().hex())
for d in job.get("decode", []):
    res["decoded"].append(canon(getattr(pb, d["type"]).FromString(bytes.fromhex(d["hex"]))))
json.dump(res, sys.stdout)
`;

type MessageName = "StatusRequest" | "StatusResponse" | "EncryptRequest" | "EncryptResponse" | "DecryptRequest" | "DecryptResponse";
type Kind = "string" | "bytes" | "map";
/** Proto field names (snake_case) and kinds, as in proto/kms/v2/api.proto. */
const schema: Record<MessageName, Record<string, Kind>> = {
  StatusRequest: {},
  StatusResponse: { version: "string", healthz: "string", key_id: "string" },
  EncryptRequest: { plaintext: "bytes", uid: "string" },
  EncryptResponse: { ciphertext: "bytes", key_id: "string", annotations: "map" },
  DecryptRequest: { ciphertext: "bytes", uid: "string", key_id: "string", annotations: "map" },
  DecryptResponse: { plaintext: "bytes" },
};
type Canon = Record<string, string | [string, string][]>;
type Fixture = { type: MessageName; fields: Canon; append?: string };

let dir = "";
async function py(job: { encode?: Fixture[]; decode?: { type: MessageName; hex: string }[] }): Promise<{ encoded: string[]; decoded: Canon[] }> {
  const p = Bun.spawn(["/usr/bin/python3", join(dir, "codec.py"), join(dir, "out"), join(import.meta.dir, "../../proto")], {
    stdin: new TextEncoder().encode(JSON.stringify(job)),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`python codec failed (${code}): ${err}`);
  return JSON.parse(out);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "proto-codec-"));
  writeFileSync(join(dir, "codec.py"), python);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---- our codec, by message name ----------------------------------------------------------

const codec: Record<MessageName, { encode: (m: never) => Buffer; decode: (b: Buffer) => unknown }> = {
  StatusRequest: { encode: def.Status.requestSerialize, decode: def.Status.requestDeserialize },
  StatusResponse: { encode: def.Status.responseSerialize, decode: def.Status.responseDeserialize },
  EncryptRequest: { encode: def.Encrypt.requestSerialize, decode: def.Encrypt.requestDeserialize },
  EncryptResponse: { encode: def.Encrypt.responseSerialize, decode: def.Encrypt.responseDeserialize },
  DecryptRequest: { encode: def.Decrypt.requestSerialize, decode: def.Decrypt.requestDeserialize },
  DecryptResponse: { encode: def.Decrypt.responseSerialize, decode: def.Decrypt.responseDeserialize },
};
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const hexOf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

/** Python sorts by code point, JS compares code units: the same for the BMP keys used here. */
const byKey = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Decoded message → canonical form; fails on any value that is not the promised JS type. */
function canonOf(type: MessageName, m: Record<string, unknown>): Canon {
  const out: Canon = {};
  for (const [name, kind] of Object.entries(schema[type])) {
    const v = m[camel(name)];
    if (kind === "string") {
      if (typeof v !== "string") throw new Error(`${type}.${name}: not a string`);
      out[name] = v;
    } else if (kind === "bytes") {
      if (!(v instanceof Uint8Array)) throw new Error(`${type}.${name}: not a Uint8Array`);
      out[name] = hexOf(v);
    } else {
      if (typeof v !== "object" || v === null || Object.getPrototypeOf(v) !== Object.prototype) throw new Error(`${type}.${name}: not a plain object`);
      out[name] = Object.entries(v).map(([k, x]): [string, string] => {
        if (!(x instanceof Uint8Array)) throw new Error(`${type}.${name}[${k}]: not a Uint8Array`);
        return [k, hexOf(x)];
      });
      out[name].sort(byKey);
    }
  }
  return out;
}

/** Canonical form → the object our encoder takes. */
function messageOf(type: MessageName, c: Canon): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(schema[type])) {
    const v = c[name];
    if (v === undefined) continue;
    if (kind === "map") {
      const obj: Record<string, Uint8Array> = {};
      for (const [k, x] of v as [string, string][]) Object.defineProperty(obj, k, { value: fromHex(x), enumerable: true, writable: true, configurable: true });
      m[camel(name)] = obj;
    } else m[camel(name)] = kind === "bytes" ? fromHex(v as string) : v;
  }
  return m;
}

/** Every field present, with its proto3 default where the fixture omits it. */
function complete(type: MessageName, c: Canon): Canon {
  const out: Canon = {};
  for (const [name, kind] of Object.entries(schema[type])) {
    const v = c[name] ?? (kind === "map" ? [] : "");
    out[name] = Array.isArray(v) ? [...v].sort(byKey) : v;
  }
  return out;
}

const ann = (n: number, valueBytes = 32): [string, string][] =>
  Array.from({ length: n }, (_, i): [string, string] => [`k${i}.kms.example.org`, Buffer.alloc(valueBytes, i + 1).toString("hex")]);

const fixtures: Fixture[] = [
  { type: "StatusRequest", fields: {} },
  { type: "StatusResponse", fields: { version: "v2", healthz: "ok", key_id: "obk2.AbC-_09" } },
  { type: "StatusResponse", fields: { version: "v2", healthz: "ünhealthy ✓ 😀", key_id: "" } },
  { type: "EncryptRequest", fields: { plaintext: Buffer.alloc(32, 0xa5).toString("hex"), uid: "3f2c-ü-😀" } },
  { type: "EncryptRequest", fields: { plaintext: "", uid: "" } },
  { type: "EncryptResponse", fields: { ciphertext: "00ff".repeat(64), key_id: "obk2.key", annotations: ann(8) } },
  { type: "EncryptResponse", fields: { ciphertext: "01", key_id: "k", annotations: [["empty.value.org", ""], ["ключ.пример", "c3"], ["z.z", "00"]] } },
  { type: "DecryptRequest", fields: { ciphertext: "0102", uid: "u", key_id: "obk2.key", annotations: ann(12, 3) } },
  { type: "DecryptRequest", fields: { ciphertext: "", uid: "", key_id: "", annotations: [] } },
  {
    type: "DecryptRequest",
    fields: { ciphertext: "aa", key_id: "k", annotations: [["__proto__", "78"], ["constructor", "79"], ["prototype", "7a"], ["a.b", ""]] },
  },
  { type: "DecryptResponse", fields: { plaintext: "00".repeat(5) + "ff" } },
  { type: "DecryptResponse", fields: {} },
  // Unknown fields: 15 varint, 15 length-delimited, 16 fixed32, 17 fixed64, 18 group (start + end).
  {
    type: "DecryptRequest",
    fields: { ciphertext: "01", key_id: "k", annotations: ann(2, 1) },
    append: "7801" + "7a03616263" + "8501" + "01020304" + "8901" + "0102030405060708" + "9301" + "0801" + "9401",
  },
  { type: "DecryptResponse", fields: { plaintext: "09" }, append: "7801" + "7a00" },
];

describe("against python3 google.protobuf (grpc_tools.protoc from proto/)", () => {
  test("python-encoded bytes of every message decode to the same values, unknown fields skipped", async () => {
    const { encoded } = await py({ encode: fixtures });
    for (const [i, f] of fixtures.entries()) {
      const m = codec[f.type].decode(Buffer.from(encoded[i]!, "hex")) as Record<string, unknown>;
      expect({ i, c: canonOf(f.type, m) }).toEqual({ i, c: complete(f.type, f.fields) });
    }
  });

  test("our encoding of every message parses in python to the same values", async () => {
    const ours = fixtures.map((f) => ({ type: f.type, hex: codec[f.type].encode(messageOf(f.type, f.fields) as never).toString("hex") }));
    const { decoded } = await py({ decode: ours });
    for (const [i, f] of fixtures.entries()) expect({ i, c: decoded[i] }).toEqual({ i, c: complete(f.type, f.fields) });
  });

  test("map-free messages encode to python's exact bytes (proto3: defaults omitted, field order)", async () => {
    const plain = fixtures.filter((f) => schema[f.type].annotations === undefined && f.append === undefined);
    const { encoded } = await py({ encode: plain });
    for (const [i, f] of plain.entries()) expect(codec[f.type].encode(messageOf(f.type, f.fields) as never).toString("hex")).toBe(encoded[i]!);
  });

  test("odd but legal wire forms decode as python decodes them", async () => {
    const odd: { type: MessageName; hex: string }[] = [
      { type: "DecryptRequest", hex: "22050a03612e62" }, // map entry without a value → empty bytes
      { type: "DecryptRequest", hex: "22031201ff" }, // map entry without a key → ""
      { type: "DecryptRequest", hex: "22080a03612e62120101" + "22080a03612e62120102" }, // duplicate key: last wins
      { type: "DecryptRequest", hex: "220a0a03612e621201017801" }, // unknown field inside a map entry
      { type: "DecryptRequest", hex: "1a01611a0162" + "0a00" }, // repeated scalar: last wins; explicit empty bytes
      { type: "EncryptResponse", hex: "1a050a03782e79" }, // the same absent value in a response (client side)
    ];
    const { decoded } = await py({ decode: odd });
    for (const [i, o] of odd.entries()) {
      const m = codec[o.type].decode(Buffer.from(o.hex, "hex")) as Record<string, unknown>;
      expect({ i, c: canonOf(o.type, m) }).toEqual({ i, c: decoded[i]! });
    }
  });
});

test("absent fields decode to proto3 defaults the core can test", () => {
  const m = def.Decrypt.requestDeserialize(Buffer.alloc(0));
  expect([m.ciphertext.byteLength, m.keyId, m.uid, Object.entries(m.annotations)]).toEqual([0, "", "", []]);
  expect(def.Encrypt.requestDeserialize(Buffer.alloc(0)).plaintext.byteLength).toBe(0);
  const s = def.Status.responseDeserialize(Buffer.alloc(0));
  expect([s.version, s.healthz, s.keyId]).toEqual(["", "", ""]);
});

test("responses encode to the exact proto3 wire bytes", () => {
  const status = def.Status.responseSerialize({ version: "v2", healthz: "ok", keyId: "k" } as never);
  expect(status.toString("hex")).toBe("0a027632" + "12026f6b" + "1a016b");
  const enc = def.Encrypt.responseSerialize({ ciphertext: new Uint8Array([9]), keyId: "k", annotations: { "a.b": new Uint8Array([7]) } } as never);
  expect(enc.toString("hex")).toBe("0a0109" + "12016b" + "1a08" + "0a03612e62" + "120107");
});

// ---- "__proto__" through the handler -----------------------------------------------------

describe('a "__proto__" annotation key', () => {
  const scope: KeyScope = {
    providerName: "openbao-kms",
    clusterId: "c1",
    openbaoInstanceId: "bao-1",
    openbaoNamespace: "",
    transitMountId: "mount-uuid",
    keyLineageId: "0123456789abcdef0123456789abcdef",
  };
  const snapshot: KeySnapshot = { scope, transitVersion: 1, createdAtUnix: 1700000001, keyId: deriveKeyId(scope, 1, 1700000001), state: "active" };

  function setup() {
    const transit = fakeTransit();
    const keys = staticKeySet([snapshot]);
    const service = new KmsService({ transit, keys, status: keys, pluginVersion: "1.2.3", requestTimeoutMs: 200 });
    const observed: RequestObservation[] = [];
    const limiters = { Status: new ConcurrencyLimiter(4), Encrypt: new ConcurrencyLimiter(4), Decrypt: new ConcurrencyLimiter(4) };
    const handlers = createHandlers({ service, limiters, observe: (o) => observed.push(o) });
    /** Runs the Decrypt handler on wire bytes, as the server does. */
    const decrypt = (bytes: Buffer) =>
      new Promise<{ code: number; details?: string; plaintext?: Uint8Array }>((resolve) => {
        const call = { request: def.Decrypt.requestDeserialize(bytes), cancelled: new AbortController().signal };
        handlers.Decrypt(call, (err, res) =>
          resolve(err ? { code: err.code, details: err.details } : { code: Code.OK, plaintext: (res as { plaintext: Uint8Array }).plaintext }),
        );
      });
    return { service, transit, observed, decrypt };
  }

  test("is decoded as an own key, prototype untouched, nothing polluted", async () => {
    const { encoded } = await py({ encode: [{ type: "DecryptRequest", fields: { annotations: [["__proto__", "7b7d"], ["a.b", "01"]] } }] });
    const m = def.Decrypt.requestDeserialize(Buffer.from(encoded[0]!, "hex"));
    expect(Object.getPrototypeOf(m.annotations)).toBe(Object.prototype);
    expect(Object.keys(m.annotations).sort()).toEqual(["__proto__", "a.b"]);
    expect(Object.entries(m.annotations).find(([k]) => k === "__proto__")?.[1]).toEqual(new Uint8Array([0x7b, 0x7d]));
    expect(({} as Record<string, unknown>)["a.b"]).toBeUndefined();
  });

  test("next to valid annotations → INVALID_ARGUMENT 'annotations invalid' with 0 Transit calls, not ignored", async () => {
    const { service, transit, observed, decrypt } = setup();
    const enc = await service.encrypt({ plaintext: new Uint8Array(32).fill(7) }, new AbortController().signal);
    const valid = [...enc.annotations].map(([k, v]): [string, string] => [k, Buffer.from(v).toString("hex")]);
    const fields = { ciphertext: hexOf(enc.ciphertext), key_id: enc.keyId, uid: "u" };
    const { encoded } = await py({
      encode: [
        { type: "DecryptRequest", fields: { ...fields, annotations: valid } },
        { type: "DecryptRequest", fields: { ...fields, annotations: [...valid, ["__proto__", "78"]] } },
      ],
    });
    transit.calls.decrypt = 0;

    // Control: the same request without the extra key decrypts.
    expect(await decrypt(Buffer.from(encoded[0]!, "hex"))).toEqual({ code: Code.OK, plaintext: expect.anything() });
    expect(transit.calls.decrypt).toBe(1);

    expect(await decrypt(Buffer.from(encoded[1]!, "hex"))).toEqual({ code: Code.INVALID_ARGUMENT, details: "annotations invalid" });
    expect(transit.calls.decrypt).toBe(1);
    expect(observed.at(-1)).toMatchObject({ method: "Decrypt", code: Code.INVALID_ARGUMENT, errorClass: "annotation_invalid" });
  });
});
