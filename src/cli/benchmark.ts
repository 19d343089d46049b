// `benchmark`: Transit encrypt/decrypt latency with fixed non-secret data (and, with --socket,
// KMS Status/Encrypt/Decrypt latency of a running provider); min/p50/p99/max in ms.
import { randomUUID } from "node:crypto";
import { isAbsolute } from "node:path";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { CliError, exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { loadCliConfig, openBaoClientsOrExit } from "./load-config.ts";

/** AAD of the benchmark's Transit calls; never used by the KMS data path. */
export const benchmarkAad = "openbao-kubernetes-kms/benchmark-smoke/v1";
/** Fixed, non-secret 32-byte payload. */
export const benchmarkPayload = new TextEncoder().encode("bao-kms-provider benchmark data!");
export const maxIterations = 10_000;

const flags = {
  config: { type: "string", value: "PATH", description: "config file (env BAO_KMS_PROVIDER_CONFIG, else /etc/openbao-kms/config.toml)" },
  iterations: { type: "string", value: "N", description: `calls per operation, 1..${maxIterations}`, default: "5" },
  socket: { type: "string", value: "PATH", description: "also measure KMS Status/Encrypt/Decrypt on this running provider socket" },
  output: { type: "string", value: "FORMAT", description: "text or json", default: "text" },
} as const;

export const benchmarkHelp = `Usage: bao-kms-provider benchmark [--config PATH] [--iterations N] [--socket PATH] [--output text|json]

Logs in with the configured auth method, then measures N Transit encrypt and N decrypt calls
with a fixed non-secret 32-byte payload (AAD ${benchmarkAad}). With --socket it also
measures N KMS Status, Encrypt and Decrypt calls against the running provider on that socket.
Reports min, p50, p99 and max in milliseconds (nearest-rank percentiles).
Exit codes: 0 ok, 2 usage, 3 config invalid, 4 login, Transit or KMS call failed.

Flags:
${formatFlags(flags)}
`;

export interface LatencySummary {
  readonly min: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles of `samples` (ms). */
export function summarize(samples: readonly number[]): LatencySummary {
  const s = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] as number;
  return { min: s[0] as number, p50: rank(0.5), p99: rank(0.99), max: s[s.length - 1] as number };
}

async function timed(n: number, call: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function runBenchmark(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, flags);
  if (f.help) {
    io.out(benchmarkHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const raw = f.iterations ?? "5";
  if (!/^-?[0-9]+$/.test(raw)) throw usageError("--iterations must be a whole number");
  const iterations = Number(raw);
  if (iterations <= 0) throw usageError("iterations must be positive");
  if (iterations > maxIterations) throw usageError(`--iterations must be at most ${maxIterations}`);
  if (f.socket !== undefined && !isAbsolute(f.socket)) throw usageError("--socket must be an absolute path");

  const config = await loadCliConfig(f.config, io);
  const results: Record<string, LatencySummary> = {};
  const { tokens, transit } = await openBaoClientsOrExit(config);
  const signal = () => AbortSignal.timeout(config.openbao.timeoutMs);
  const aad = new TextEncoder().encode(benchmarkAad);
  try {
    await tokens.token(signal());
    const meta = await transit.readKey(signal());
    let ciphertext = "";
    results.transit_encrypt = summarize(
      await timed(iterations, async () => {
        ciphertext = (await transit.encrypt({ plaintext: benchmarkPayload, associatedData: aad, keyVersion: meta.latestVersion }, signal())).ciphertext;
      }),
    );
    results.transit_decrypt = summarize(await timed(iterations, () => transit.decrypt({ ciphertext, associatedData: aad }, signal())));
  } catch (e) {
    const what = e instanceof Error && "kind" in e ? `${(e as { operation?: string }).operation ?? "openbao"} failed: ${(e as { kind: string }).kind}` : "OpenBao call failed";
    throw new CliError(exitCodes.checkFailed, `${what} (run 'bao-kms-provider doctor' for details)`);
  }

  if (f.socket !== undefined) {
    const { createKmsClient } = await import("../kms/grpc/client.ts");
    const client = createKmsClient(f.socket);
    const deadline = () => new Date(Date.now() + config.openbao.timeoutMs + 1000);
    try {
      results.kms_status = summarize(await timed(iterations, () => client.status(deadline())));
      let last: { ciphertext: Uint8Array; keyId: string; annotations: Record<string, Uint8Array> } | undefined;
      results.kms_encrypt = summarize(
        await timed(iterations, async () => {
          const r = await client.encrypt(benchmarkPayload, randomUUID(), deadline());
          last = { ciphertext: r.ciphertext, keyId: r.keyId, annotations: r.annotations };
        }),
      );
      const enc = last as NonNullable<typeof last>;
      results.kms_decrypt = summarize(await timed(iterations, () => client.decrypt({ ...enc, uid: randomUUID() }, deadline())));
    } catch (e) {
      const code = (e as { code?: number }).code;
      throw new CliError(exitCodes.checkFailed, `KMS call on ${f.socket} failed${code === undefined ? "" : ` (gRPC code ${code})`}`);
    } finally {
      client.close();
    }
  }

  const round = (n: number) => Math.round(n * 1000) / 1000;
  if (format === "json") {
    const json = Object.fromEntries(Object.entries(results).map(([k, s]) => [k, { min: round(s.min), p50: round(s.p50), p99: round(s.p99), max: round(s.max) }]));
    io.out(JSON.stringify({ name: "benchmark", iterations, unit: "ms", results: json }, null, 2) + "\n");
  } else {
    const lines = ["benchmark", `iterations: ${iterations}`];
    for (const [k, s] of Object.entries(results)) for (const stat of ["min", "p50", "p99", "max"] as const) lines.push(`${k}_ms_${stat}: ${s[stat].toFixed(3)}`);
    io.out(lines.join("\n") + "\n");
  }
  return exitCodes.ok;
}
