// Several OpenBao endpoints, on the compiled binary, against a 3-node emulator cluster (one active,
// two standbys that forward): 16 callers mix Encrypt and Decrypt while the active node is killed
// (and, on a fresh cluster, paused); then a second node is sealed (calls go on, on the third);
// then the third (UNAVAILABLE, fast). Each phase prints failures and the p99 of the calls that
// spanned it; the closing note quotes CI's numbers.
import { afterEach, expect, test } from "bun:test";
import { status as Code } from "@grpc/grpc-js";
import { createKmsClient, type KmsClient } from "../../src/kms/grpc/client.ts";
import { type EmulatorCluster, startCluster } from "../support/emulator/cluster.ts";
import { around, type CallRecord, percentile, startMixedLoad } from "../support/kms-load.ts";
import { listenerUrls, startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";

const timeoutMs = 2_000;
const settings = `
[status]
probe_interval = "500ms"
deep_probe_interval = "5m"
max_staleness = "30s"
`;

let cluster: EmulatorCluster | undefined;
let files: ProviderFiles | undefined;
let provider: RunningProvider | undefined;
let kms: KmsClient | undefined;

afterEach(async () => {
  kms?.close();
  await provider?.stop();
  await cluster?.stop();
  files?.cleanup();
  kms = undefined;
  provider = undefined;
  cluster = undefined;
  files = undefined;
});

async function setUp(): Promise<void> {
  cluster = await startCluster({ standbys: 2 });
  const a = cluster.active;
  files = writeProviderFiles(a, {
    addresses: cluster.nodes.map((n) => n.url),
    timeout: `${timeoutMs}ms`,
    logLevel: "info",
    extraToml: `${settings}`,
  });
  // health checks every second; set after the fact so the helper's [openbao] table is kept
  await Bun.write(files.configPath, (await Bun.file(files.configPath).text()).replace(/^instance_id = /m, 'health_check_interval = "1s"\ninstance_id = '));
  provider = await startProvider(files, { timeoutMs: 20_000 });
  kms = createKmsClient(files.socketPath);
}

const failed = (calls: readonly CallRecord[]) => calls.filter((c) => c.code !== 0);
const inFlightAt = (calls: readonly CallRecord[], at: number) => calls.filter((c) => c.startMs <= at && c.endMs >= at);
const ms = (x: number) => `${x.toFixed(0)} ms`;

function phase(name: string, calls: readonly CallRecord[], at: number, windowMs: number) {
  const spanning = around(calls, at, windowMs);
  const durations = spanning.map((c) => c.endMs - c.startMs);
  const row = {
    name, calls: spanning.length, failed: failed(spanning).length, inFlight: inFlightAt(calls, at).length,
    p99: percentile(durations, 99), max: Math.max(0, ...durations),
  };
  console.log(`ha: ${name}: ${row.calls} calls in the ${windowMs} ms after, ${row.failed} failed (${row.inFlight} were in flight at the fault), p99 ${ms(row.p99)}, max ${ms(row.max)}`);
  return row;
}

test("kill the active under load, then seal a second node, then the third", async () => {
  await setUp();
  const c = cluster!;
  const [a, b, third] = c.nodes as [typeof c.active, typeof c.active, typeof c.active];
  const load = startMixedLoad(kms!, { callers: 16 });
  await Bun.sleep(1_500);
  const steady = load.calls.length;
  expect(failed(load.calls)).toEqual([]);

  const killAt = performance.now();
  await c.kill(a);
  await Bun.sleep(3_000);
  const kill = phase("kill the active", load.calls, killAt, 3_000);
  // Nothing fails but what was already in flight on the dead node.
  expect(kill.failed).toBeLessThanOrEqual(kill.inFlight);
  expect(c.leader()).toBe(b);

  const sealAt = performance.now();
  c.seal(b);
  await Bun.sleep(3_000);
  const seal = phase("seal the new active", load.calls, sealAt, 3_000);
  expect(seal.failed).toBeLessThanOrEqual(seal.inFlight);
  // Calls that started once the seal was seen all succeeded, on the third node.
  expect(failed(load.calls.filter((x) => x.startMs > sealAt + 500))).toEqual([]);
  expect(c.leader()).toBe(third);

  const allAt = performance.now();
  c.seal(third);
  await Bun.sleep(1_500);
  await load.stop();
  const after = load.calls.filter((x) => x.startMs > allAt + 200);
  const durations = after.map((x) => x.endMs - x.startMs);
  console.log(`ha: all sealed: ${after.length} calls, codes ${[...new Set(after.map((x) => Code[x.code] ?? x.code))].join(",")}, p99 ${ms(percentile(durations, 99))}, max ${ms(Math.max(...durations))} (openbao.timeout ${timeoutMs} ms); steady-state calls before the faults: ${steady}`);
  expect(after.length).toBeGreaterThan(0);
  // Decrypt: UNAVAILABLE (sealed). Encrypt: UNAVAILABLE too, until the next probe turns Status
  // unhealthy; from then on FAILED_PRECONDITION "status unhealthy" (reference error policy).
  expect(after.filter((x) => x.op === "decrypt").every((x) => x.code === Code.UNAVAILABLE)).toBe(true);
  expect(after.filter((x) => x.op === "encrypt").every((x) => x.code === Code.UNAVAILABLE || x.code === Code.FAILED_PRECONDITION)).toBe(true);
  expect(Math.max(...durations)).toBeLessThan(timeoutMs);

  const urls = await listenerUrls(provider!);
  const ready = (await (await fetch(`${urls.health}/ready`)).json()) as { openbao_endpoints_usable: number; openbao_endpoints_total: number };
  expect(ready.openbao_endpoints_total).toBe(3);
  expect(ready.openbao_endpoints_usable).toBe(0);
  const metrics = await (await fetch(`${urls.metrics}/metrics`)).text();
  expect(metrics).toContain(`openbao_kms_openbao_endpoint_up{endpoint="${third.url}"} 0`);
  expect(metrics).toContain(`openbao_kms_openbao_endpoint_role{endpoint="${a.url}",role="unreachable"} 1`);
  expect(metrics).toMatch(new RegExp(`openbao_kms_openbao_endpoint_requests_total\\{endpoint="${b.url.replace(/[.]/g, "\\.")}",status="ok"\\} [1-9]`));
  const changes = provider!.output.filter((l) => l.includes('"openbao.endpoint"'));
  expect(changes.some((l) => l.includes(a.url) && l.includes('"role":"unreachable"'))).toBe(true);
}, 60_000);

test("pause the active under load: calls move to the next node without failing", async () => {
  await setUp();
  const c = cluster!;
  const load = startMixedLoad(kms!, { callers: 16 });
  await Bun.sleep(1_500);
  const pauseAt = performance.now();
  c.pause(c.active, true);
  await Bun.sleep(4_000);
  await load.stop();
  const pause = phase("pause the active", load.calls, pauseAt, 4_000);
  expect(pause.failed).toBeLessThanOrEqual(pause.inFlight);
  // The stalled calls were sent once more to a live node: none waited for openbao.timeout.
  expect(pause.max).toBeLessThan(timeoutMs);
  expect(failed(load.calls)).toEqual([]);
  c.pause(c.active, false);
}, 60_000);
