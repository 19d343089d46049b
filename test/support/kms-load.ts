// A steady kube-apiserver-like mix for failover runs: N callers on one gRPC client, each looping
// Encrypt then Decrypt (of a ciphertext it made earlier), 3 s deadlines. Every call is recorded
// with its start, end and gRPC code, so a run can be cut into phases afterwards.
import { randomBytes } from "node:crypto";
import type { KmsClient } from "../../src/kms/grpc/client.ts";

export interface CallRecord {
  readonly op: "encrypt" | "decrypt";
  readonly startMs: number;
  readonly endMs: number;
  /** 0 = OK, else the gRPC status code. */
  readonly code: number;
}

export interface Sealed {
  readonly ciphertext: Uint8Array;
  readonly keyId: string;
  readonly annotations: Record<string, Uint8Array>;
  readonly plaintext: Uint8Array;
}

export interface MixedLoad {
  readonly calls: CallRecord[];
  /** Ciphertexts made during the run (a restarted apiserver's reads, later). */
  readonly sealed: Sealed[];
  stop(): Promise<void>;
}

export function startMixedLoad(kms: KmsClient, o: { callers: number; deadlineMs?: number; pauseMs?: number }): MixedLoad {
  const calls: CallRecord[] = [];
  const sealed: Sealed[] = [];
  let running = true;
  const deadline = () => new Date(Date.now() + (o.deadlineMs ?? 3_000));
  const timed = async (op: CallRecord["op"], run: () => Promise<unknown>) => {
    const startMs = performance.now();
    let code = 0;
    let value: unknown;
    try {
      value = await run();
    } catch (e) {
      code = typeof (e as { code?: unknown }).code === "number" ? (e as { code: number }).code : -1;
    }
    calls.push({ op, startMs, endMs: performance.now(), code });
    return code === 0 ? value : undefined;
  };
  const caller = async (i: number) => {
    let mine: Sealed | undefined;
    while (running) {
      const plaintext = new Uint8Array(randomBytes(32));
      const enc = (await timed("encrypt", () => kms.encrypt(plaintext, `load-${i}`, deadline()))) as
        | { ciphertext: Uint8Array; keyId: string; annotations: Record<string, Uint8Array> }
        | undefined;
      if (enc !== undefined) {
        mine = { ciphertext: enc.ciphertext, keyId: enc.keyId, annotations: { ...enc.annotations }, plaintext };
        if (sealed.length < 10_000) sealed.push(mine);
      }
      if (mine !== undefined) {
        const m = mine;
        await timed("decrypt", () => kms.decrypt({ ciphertext: m.ciphertext, keyId: m.keyId, annotations: m.annotations, uid: `load-${i}` }, deadline()));
      }
      if (o.pauseMs !== undefined) await Bun.sleep(o.pauseMs);
    }
  };
  const loops = Array.from({ length: o.callers }, (_, i) => caller(i));
  return {
    calls,
    sealed,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Calls that were in flight at `atMs` or started within `windowMs` after it. */
export function around(calls: readonly CallRecord[], atMs: number, windowMs: number): CallRecord[] {
  return calls.filter((c) => c.endMs >= atMs && c.startMs <= atMs + windowMs);
}
