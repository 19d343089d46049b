// Mutation fuzzing of every parser that reads outside input, in CI: each target gets a valid
// seed input, mutated many times (byte flips, truncations, splices, repeats, random bytes), and
// must either accept it or refuse it with its own documented error; anything else thrown (a
// TypeError, a RangeError, an unhandled library error) is a crasher. Deterministic: a fixed
// seed per target, FUZZ_ITERATIONS (default 2000) and FUZZ_SEED to explore further.
import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/config/errors.ts";
import { importGoConfig } from "../../src/config/import-go.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { kmsServerDefinition, isMalformed } from "../../src/kms/grpc/codec.ts";
import { parseAnnotations } from "../../src/kms/annotations.ts";
import { KmsError } from "../../src/kms/errors.ts";
import { checkDecryptLimits } from "../../src/kms/limits.ts";
import { decodeObject, ObjectDecodeError } from "../../src/k8s/objects.ts";
import { encodeStoredValue, parseStoredValue } from "../../src/k8s/storage.ts";
import { decodeCheckpoint, decodeState, encodeCheckpoint, encodeState } from "../../src/registry/codec.ts";
import { RegistryError } from "../../src/registry/types.ts";
import { v2 } from "../../src/gen/kms/v2/api.js";
import { fixtureText } from "../config/fixture.ts";
import { gen1, rotated } from "../registry/helpers.ts";
import { secretBytes } from "../support/k8s-objects.ts";

const iterations = Number(process.env.FUZZ_ITERATIONS ?? 2000);
const baseSeed = Number(process.env.FUZZ_SEED ?? 20261203);

/** xorshift32: small, fast, reproducible. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return { int: (n: number) => next() % Math.max(1, n), next };
}

const interesting = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x2d, 0x30, 0x39, 0x0a, 0x3d];

/** One mutation of `input`: flip, set, insert, delete, truncate, duplicate a slice, or random bytes. */
function mutate(input: Uint8Array, r: ReturnType<typeof rng>): Uint8Array {
  const b = Array.from(input);
  const rounds = 1 + r.int(4);
  for (let k = 0; k < rounds; k++) {
    const at = r.int(b.length + 1);
    switch (r.int(8)) {
      case 0:
        if (b.length > 0) b[at % b.length] = (b[at % b.length] as number) ^ (1 << r.int(8));
        break;
      case 1:
        if (b.length > 0) b[at % b.length] = interesting[r.int(interesting.length)] as number;
        break;
      case 2:
        b.splice(at, 0, interesting[r.int(interesting.length)] as number);
        break;
      case 3:
        b.splice(at, 1 + r.int(8));
        break;
      case 4:
        b.length = at;
        break;
      case 5: {
        const from = r.int(b.length);
        b.splice(at, 0, ...b.slice(from, from + 1 + r.int(32)));
        break;
      }
      case 6:
        for (let i = 0; i < 1 + r.int(16); i++) b.splice(r.int(b.length + 1), 0, r.int(256));
        break;
      default: {
        const from = r.int(b.length);
        const len = 1 + r.int(64);
        b.splice(at, 0, ...b.slice(from, from + len), ...b.slice(from, from + len));
      }
    }
  }
  return Uint8Array.from(b);
}

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: false });

interface Target {
  readonly name: string;
  readonly seed: Uint8Array;
  /** Runs the parser; returns normally for accepted input, throws for refused input. */
  run(input: Uint8Array): unknown;
  /** The errors the target documents for refused input. */
  expected(e: unknown): boolean;
}

const targets: Target[] = [
  { name: "registry state file (decodeState)", seed: enc.encode(encodeState(rotated().at(-1) ?? gen1())), run: (b) => decodeState(dec.decode(b)), expected: (e) => e instanceof RegistryError },
  { name: "registry checkpoint (decodeCheckpoint)", seed: enc.encode(encodeCheckpoint({ schemaVersion: "keyregistry.openbao-kms/checkpoint/v1alpha1", generation: 3, currentHash: gen1().currentHash })), run: (b) => decodeCheckpoint(dec.decode(b)), expected: (e) => e instanceof RegistryError },
  { name: "config file (parseConfigText)", seed: enc.encode(await fixtureText("valid.toml")), run: (b) => parseConfigText(dec.decode(b), { env: {} }), expected: (e) => e instanceof ConfigError },
  {
    name: "Go provider YAML (config import)",
    seed: enc.encode("configVersion: v1alpha1\nserver:\n  socketPath: /run/openbao-kms/kms.sock\nopenbao:\n  address: https://bao:8200\n  timeout: 2s\ntransit:\n  mountPath: transit\n  keyName: k\n"),
    run: (b) => importGoConfig(dec.decode(b)),
    expected: () => false,
  },
  {
    name: "kube-apiserver stored value (parseStoredValue)",
    seed: encodeStoredValue("openbao-kms", { encryptedData: new Uint8Array(80).fill(3), keyId: "obk2.x", encryptedDekSource: new Uint8Array(40).fill(4), annotations: new Map([["version.encryption.openbao.org", enc.encode("1")]]), dekSourceType: "hkdf_sha256_xnonce_aes_gcm_seed" }),
    run: (b) => parseStoredValue(b),
    expected: () => false,
  },
  { name: "Kubernetes object (decodeObject)", seed: secretBytes({ name: "db", namespace: "prod", labels: { a: "b" }, type: "Opaque", data: { k: enc.encode("v") } }), run: (b) => decodeObject(b), expected: (e) => e instanceof ObjectDecodeError },
  {
    name: "gRPC Decrypt request (server decode + limits + annotations)",
    seed: v2.DecryptRequest.encode({ ciphertext: enc.encode("vault:v1:abc"), keyId: "obk2.k", uid: "u", annotations: { "version.encryption.openbao.org": enc.encode("1"), "key-id.encryption.openbao.org": enc.encode("x") } }).finish(),
    run: (b) => {
      const req = kmsServerDefinition.Decrypt.requestDeserialize(Buffer.from(b));
      if (isMalformed(req)) return req;
      const annotations = checkDecryptLimits(req.ciphertext, req.keyId, Object.entries(req.annotations));
      return parseAnnotations(annotations);
    },
    expected: (e) => e instanceof KmsError,
  },
  {
    name: "gRPC Encrypt request (server decode)",
    seed: v2.EncryptRequest.encode({ plaintext: new Uint8Array(32).fill(9), uid: "u" }).finish(),
    run: (b) => kmsServerDefinition.Encrypt.requestDeserialize(Buffer.from(b)),
    expected: () => false,
  },
];

describe("fuzzing (mutations of a valid input; no crashers)", () => {
  for (const [i, t] of targets.entries()) {
    test(t.name, () => {
      const r = rng(baseSeed + i * 7919);
      const crashers: Array<{ hex: string; error: string }> = [];
      let accepted = 0;
      for (let n = 0; n < iterations; n++) {
        const input = mutate(t.seed, r);
        try {
          t.run(input);
          accepted++;
        } catch (e) {
          if (!t.expected(e)) crashers.push({ hex: Buffer.from(input).toString("hex").slice(0, 400), error: `${(e as Error)?.name}: ${(e as Error)?.message}`.slice(0, 200) });
        }
      }
      console.log(`fuzz ${t.name}: ${iterations} iterations (seed ${baseSeed + i * 7919}), ${accepted} accepted, ${iterations - accepted - crashers.length} refused as documented, ${crashers.length} crashers`);
      expect(crashers.slice(0, 3)).toEqual([]);
    });
  }
});

test("the harness finds a planted crasher (a fuzz run that cannot fail proves nothing)", () => {
  const r = rng(baseSeed);
  const seed = enc.encode('{"a":1}');
  let crashers = 0;
  for (let n = 0; n < 500; n++) {
    const input = mutate(seed, r);
    try {
      // A parser with a bug: it trusts that a quote is always followed by a letter.
      const text = dec.decode(input);
      const i = text.indexOf('"');
      if (i !== -1 && !/[a-z]/.test(text[i + 1] ?? "")) (undefined as unknown as { x: number }).x.toFixed();
      JSON.parse(text);
    } catch (e) {
      if (!(e instanceof SyntaxError)) crashers++;
    }
  }
  expect(crashers).toBeGreaterThan(0);
});
