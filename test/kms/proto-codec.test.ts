// The generated protobuf codec on hand-made wire bytes: unknown fields are skipped, proto3
// defaults come back as empty values, and a "__proto__" map key stays an ordinary own key
// (so the FQDN rule rejects it instead of it vanishing). Independent encoders are exercised
// end to end by the python3-grpcio client in test/e2e.

import { expect, test } from "bun:test";
import { kmsServiceDefinition as def } from "../../src/kms/grpc/codec.ts";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

test("DecryptRequest: fields, map entries, an unknown field 15 skipped, __proto__ kept as own key", () => {
  const bytes = hex(`
    0a 01 01
    1a 01 6b
    22 0e 0a 09 5f5f70726f746f5f5f 12 01 01
    22 13 0a 0e 6f6b2e6578616d706c652e6f7267 12 01 02
    78 01
    12 03 756964`);
  const m = def.Decrypt.requestDeserialize(bytes);
  expect(Buffer.from(m.ciphertext)).toEqual(Buffer.from([1]));
  expect(m.keyId).toBe("k");
  expect(m.uid).toBe("uid");
  expect(Object.keys(m.annotations).sort()).toEqual(["__proto__", "ok.example.org"]);
  expect(Object.getPrototypeOf(m.annotations)).toBe(Object.prototype);
  expect(Buffer.from(m.annotations["ok.example.org"]!)).toEqual(Buffer.from([2]));
});

test("absent fields decode to proto3 defaults the core can test", () => {
  const m = def.Decrypt.requestDeserialize(Buffer.alloc(0));
  expect(m.ciphertext.byteLength).toBe(0);
  expect(m.keyId).toBe("");
  expect(Object.entries(m.annotations)).toEqual([]);
  const e = def.Encrypt.requestDeserialize(Buffer.alloc(0));
  expect(e.plaintext.byteLength).toBe(0);
});

test("responses encode to the exact proto3 wire bytes", () => {
  const status = def.Status.responseSerialize({ version: "v2", healthz: "ok", keyId: "k" } as never);
  expect(status.toString("hex")).toBe("0a027632" + "12026f6b" + "1a016b");
  const empty = def.Status.responseSerialize({ version: "v2", healthz: "unhealthy", keyId: "" } as never);
  expect(empty.toString("hex")).toBe("0a027632" + "1209756e6865616c746879");
  const enc = def.Encrypt.responseSerialize({ ciphertext: new Uint8Array([9]), keyId: "k", annotations: { "a.b": new Uint8Array([7]) } } as never);
  expect(enc.toString("hex")).toBe("0a0109" + "12016b" + "1a08" + "0a03612e62" + "120107");
});

test("round trip of every message through its own codec", () => {
  const enc = { ciphertext: new Uint8Array([1, 2]), keyId: "obk2.x", annotations: { "x.y": new Uint8Array([3]) } };
  const back = def.Encrypt.responseDeserialize(def.Encrypt.responseSerialize(enc as never));
  expect([Buffer.from(back.ciphertext), back.keyId, Buffer.from(back.annotations["x.y"]!)]).toEqual([Buffer.from([1, 2]), "obk2.x", Buffer.from([3])]);
  const req = def.Encrypt.requestDeserialize(def.Encrypt.requestSerialize({ plaintext: new Uint8Array(32).fill(5), uid: "u" } as never));
  expect([req.plaintext.byteLength, req.uid]).toEqual([32, "u"]);
  const dec = def.Decrypt.responseDeserialize(def.Decrypt.responseSerialize({ plaintext: new Uint8Array([8]) } as never));
  expect(Buffer.from(dec.plaintext)).toEqual(Buffer.from([8]));
});
