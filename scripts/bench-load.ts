// Load generator for `bun run bench`, run as its own process so it never shares an event
// loop with the emulator or the provider. Prints one JSON line of latency stats.
// Usage: bun scripts/bench-load.ts <json spec>
//   spec: { target: "status"|"encrypt"|"decrypt"|"direct-decrypt", concurrency, total,
//           socket?, decrypt?: [{ciphertext(b64), keyId, annotations{k:b64}}],
//           direct?: { url, caPem, token, ciphertexts[], aadB64 } }

import { randomBytes } from "node:crypto";
import { createKmsClient } from "../src/kms/grpc/client.ts";

interface Spec {
  target: "status" | "encrypt" | "decrypt" | "direct-decrypt";
  concurrency: number;
  total: number;
  socket?: string;
  decrypt?: Array<{ ciphertext: string; keyId: string; annotations: Record<string, string> }>;
  direct?: { url: string; caPem: string; token: string; ciphertexts: string[]; aadB64: string };
}

const spec = JSON.parse(process.argv[2] ?? "{}") as Spec;
const deadline = () => new Date(Date.now() + 5000);
let call: () => Promise<unknown>;
let close = () => {};

if (spec.target === "direct-decrypt") {
  const d = spec.direct!;
  let i = 0;
  call = async () => {
    const r = await fetch(`${d.url}/v1/transit/decrypt/kubernetes`, {
      method: "POST",
      headers: { "X-Vault-Token": d.token },
      body: JSON.stringify({ ciphertext: d.ciphertexts[i++ % d.ciphertexts.length], associated_data: d.aadB64 }),
      tls: { ca: d.caPem },
    } as RequestInit);
    if (!r.ok) throw new Error(String(r.status));
    await r.arrayBuffer();
  };
} else {
  const client = createKmsClient(spec.socket!);
  close = () => client.close();
  const reqs = (spec.decrypt ?? []).map((r) => ({
    ciphertext: Buffer.from(r.ciphertext, "base64"),
    keyId: r.keyId,
    annotations: Object.fromEntries(Object.entries(r.annotations).map(([k, v]) => [k, Buffer.from(v, "base64")])),
    uid: "",
  }));
  let i = 0;
  call =
    spec.target === "status" ? () => client.status(deadline())
    : spec.target === "encrypt" ? () => client.encrypt(randomBytes(32), "", deadline())
    : () => client.decrypt(reqs[i++ % reqs.length]!, deadline());
  await client.status(deadline()); // connect before timing
}

const samples: number[] = [];
let errors = 0;
let issued = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: spec.concurrency }, async () => {
    while (issued < spec.total) {
      issued++;
      const a = performance.now();
      try {
        await call();
        samples.push(performance.now() - a);
      } catch {
        errors++;
      }
    }
  }),
);
const wallMs = performance.now() - t0;
close();
samples.sort((a, b) => a - b);
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
console.log(JSON.stringify({ n: samples.length, errors, p50: at(0.5), p99: at(0.99), max: samples[samples.length - 1] ?? NaN, rps: (samples.length / wallMs) * 1000 }));
