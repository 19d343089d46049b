// The fault table, on the compiled binary: for each OpenBao fault, a steady mix of Encrypt and
// Decrypt runs through the fault and after it; the table records the gRPC codes seen, how long
// after the fault ended Encrypt and Status were healthy again, and how many ciphertexts written
// before or during the fault could not be decrypted afterwards (must be 0). It is printed as a
// Markdown table (the closing note quotes CI's run).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { status as Code } from "@grpc/grpc-js";
import { createKmsClient, type KmsClient } from "../../src/kms/grpc/client.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";

const probeIntervalMs = 500;
const faultMs = 3000;
let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider;
let kms: KmsClient;

interface Fault {
  readonly name: string;
  on(): void;
  off(): void;
}

const faults: Fault[] = [
  { name: "down (connections dropped)", on: () => emu.dropConnections(true), off: () => emu.dropConnections(false) },
  { name: "hung (requests never answered)", on: () => emu.hang(true), off: () => emu.hang(false) },
  { name: "slow (+400 ms per request)", on: () => emu.setLatency(400), off: () => emu.setLatency(0) },
  { name: "sealed", on: () => emu.seal(), off: () => emu.unseal() },
  { name: "denied (transit paths 403)", on: () => emu.deny("transit/"), off: () => emu.allow("transit/") },
  { name: "rate limited (429)", on: () => emu.rateLimit("/"), off: () => emu.rateLimit(null) },
  { name: "token revoked", on: () => emu.revokeAllTokens(), off: () => undefined },
];

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { timeout: "1s", extraToml: `[status]\nprobe_interval = "${probeIntervalMs}ms"\ndeep_probe_interval = "5m"\nmax_staleness = "3s"\n` });
  provider = await startProvider(files);
  kms = createKmsClient(files.socketPath);
}, 20_000);

afterAll(async () => {
  kms?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
});

const codeName = (c: number) => Code[c] ?? String(c);

test("fault table: codes seen, recovery time, lost ciphertexts (0) per fault", async () => {
  const rows: string[] = [];
  const written: Array<{ ciphertext: Uint8Array; keyId: string; annotations: Record<string, Uint8Array>; plaintext: Uint8Array }> = [];
  for (const fault of faults) {
    const codes = new Map<string, number>();
    const seen: Array<{ at: number; encrypt: boolean; status: boolean }> = [];
    const t0 = performance.now();
    let endAt = Infinity;
    let running = true;
    let n = 0;
    const loop = (async () => {
      while (running) {
        const at = performance.now() - t0;
        const deadline = new Date(Date.now() + 1500);
        const plaintext = new Uint8Array(32).fill(n++ % 251);
        const e = await kms.encrypt(plaintext, `f${n}`, deadline).then(
          (r) => (written.push({ ciphertext: r.ciphertext, keyId: r.keyId, annotations: r.annotations, plaintext }), codes.set("OK", (codes.get("OK") ?? 0) + 1), true),
          (err) => (codes.set(codeName(err.code), (codes.get(codeName(err.code)) ?? 0) + 1), false),
        );
        const old = written[Math.floor(written.length / 2)];
        if (old !== undefined) {
          await kms.decrypt({ ...old, uid: `d${n}` }, deadline).then(
            () => codes.set("OK", (codes.get("OK") ?? 0) + 1),
            (err) => codes.set(codeName(err.code), (codes.get(codeName(err.code)) ?? 0) + 1),
          );
        }
        const s = await kms.status(deadline).then((r) => r.healthz === "ok", () => false);
        seen.push({ at, encrypt: e, status: s });
        await Bun.sleep(40);
      }
    })();
    await Bun.sleep(500);
    fault.on();
    await Bun.sleep(faultMs);
    fault.off();
    endAt = performance.now() - t0;
    await Bun.sleep(3 * probeIntervalMs + 2000);
    running = false;
    await loop;
    const lastBad = (k: "encrypt" | "status") => Math.max(endAt, ...seen.filter((s) => !s[k]).map((s) => s.at));
    const recovered = Math.max(lastBad("encrypt"), lastBad("status")) - endAt;
    const healthyAtEnd = seen.slice(-5).every((s) => s.encrypt && s.status);
    rows.push(`| ${fault.name} | ${[...codes].sort().map(([c, k]) => `${c} ${k}`).join(", ")} | ${healthyAtEnd ? `${Math.round(recovered)} ms` : "NOT RECOVERED"} |`);
    expect(healthyAtEnd).toBe(true);
  }
  // Every ciphertext written before or during any fault decrypts to its plaintext afterwards.
  let lost = 0;
  for (const w of written) {
    const r = await kms.decrypt({ ...w, uid: "verify" }, new Date(Date.now() + 3000)).catch(() => undefined);
    if (r === undefined || Buffer.compare(Buffer.from(r.plaintext), Buffer.from(w.plaintext)) !== 0) lost++;
  }
  console.log(["", `fault table (probe interval ${probeIntervalMs} ms, openbao.timeout 1 s, each fault ${faultMs} ms; ${written.length} ciphertexts written, ${lost} lost):`, "| fault | gRPC codes seen (Encrypt+Decrypt) | Encrypt and Status healthy after the fault ended |", "|---|---|---|", ...rows].join("\n"));
  expect(lost).toBe(0);
}, 120_000);
