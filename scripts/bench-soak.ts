// `bun run bench --soak [--minutes N]` (default 30; not in CI): the compiled provider under a
// steady kube-apiserver-like mix (Status 10/s, Encrypt 5/s, Decrypt 20/s, from one gRPC
// connection) plus a decrypt storm every 5 minutes (grpc-go client, 64 in flight × 40). Prints
// RSS every minute and the p99 of each phase, then the RSS slope over the last 20 minutes
// (least squares). RSS must plateau, not climb.

import { randomBytes, randomUUID } from "node:crypto";
import { build } from "./build.ts";
import { buildGoBench, goLoad, rssMb } from "./bench-compare.ts";
import { createKmsClient } from "../src/kms/grpc/client.ts";
import { startEmulator } from "../test/support/emulator/server.ts";
import { startProvider, writeProviderFiles } from "../test/helpers/provider.ts";
import { percentile } from "../test/support/kms-load.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const minutes = Number(arg("--minutes") ?? 30);
if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
  console.error("--minutes must be a whole number from 1 to 1440");
  process.exit(2);
}
const stormEveryMin = 5;

/** NaN for a phase without calls (printed as such, not as 0 ms). */
const p99 = (xs: number[]): number => (xs.length === 0 ? NaN : percentile(xs, 99));

/** Least-squares slope of y over x. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export async function soak() {
  console.log(`soak: ${minutes} min — Status 10/s, Encrypt 5/s, Decrypt 20/s, a decrypt storm (64 in flight × 40) every ${stormEveryMin} min`);
  const binary = await build("x64");
  buildGoBench();
  const emu = await startEmulator();
  const files = writeProviderFiles(emu, { logLevel: "warn" });
  const provider = await startProvider(files, { binary });
  const kms = createKmsClient(files.socketPath);
  const pid = provider.proc.pid;
  const deadline = () => new Date(Date.now() + 3_000);
  const seed = await kms.encrypt(randomBytes(32), randomUUID(), deadline());
  let lat: number[] = [];
  let errors = 0;
  const timed = (run: () => Promise<unknown>) => {
    const t0 = performance.now();
    run().then(() => lat.push(performance.now() - t0), () => errors++);
  };
  const timers = [
    setInterval(() => timed(() => kms.status(deadline())), 100),
    setInterval(() => timed(() => kms.encrypt(randomBytes(32), randomUUID(), deadline())), 200),
    setInterval(() => timed(() => kms.decrypt({ ciphertext: seed.ciphertext, keyId: seed.keyId, annotations: seed.annotations, uid: randomUUID() }, deadline())), 50),
  ];
  const rss: Array<[number, number]> = [[0, rssMb(pid)]];
  console.log(`min  RSS MB   steady p99 ms   storm p99 ms   errors`);
  console.log(`  0  ${rss[0]![1].toFixed(1).padStart(6)}`);
  try {
    for (let m = 1; m <= minutes; m++) {
      let storm = "";
      const minuteEnd = performance.now() + 60_000;
      if (m % stormEveryMin === 0) {
        const s = await goLoad(["-socket", files.socketPath, "-op", "decrypt", "-concurrency", "64", "-total", String(64 * 40), "-warmup", "0"]);
        storm = `${s.p99_ms.toFixed(1)} (${s.errors} err)`;
      }
      await Bun.sleep(Math.max(0, minuteEnd - performance.now()));
      const steady = p99(lat);
      lat = [];
      rss.push([m, rssMb(pid)]);
      console.log(`${String(m).padStart(3)}  ${rss[m]![1].toFixed(1).padStart(6)}   ${steady.toFixed(2).padStart(13)}   ${storm.padStart(12)}   ${errors}`);
    }
  } finally {
    for (const t of timers) clearInterval(t);
    kms.close();
    await provider.stop();
    files.cleanup();
    await emu.stop();
  }
  const tail = rss.filter(([m]) => m > minutes - 20 && m >= Math.min(10, minutes));
  const k = slope(tail.length >= 2 ? tail : rss);
  console.log(`\nRSS slope over the last ${Math.min(20, tail.length)} minutes: ${k.toFixed(3)} MB/min (${(k * 60).toFixed(1)} MB/h); min ${Math.min(...rss.map(([, y]) => y)).toFixed(1)} MB, max ${Math.max(...rss.map(([, y]) => y)).toFixed(1)} MB; ${errors} errors`);
  // A storm minute ends on a spike, so the slope also without them (the plateau between storms).
  const calm = tail.filter(([m]) => m % stormEveryMin !== 0);
  if (calm.length >= 2) console.log(`without the storm minutes: ${slope(calm).toFixed(3)} MB/min over ${calm.length} minutes`);
  console.log("errors: RESOURCE_EXHAUSTED refusals while a storm plus the steady load exceed max_concurrent_decrypt (64), by design");
}

if (import.meta.main) await soak();
