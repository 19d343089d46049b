// End to end on the compiled binary: a rotation whose new version cannot be round-tripped (here
// encrypt is denied by OpenBao) is not promoted. The old key stays the Status key, the promotion
// is deferred on every probe that finds it due (log key.promoted outcome=deferred, gauge
// openbao_kms_key_promotion_deferred 1), the deep circuit breaker (opened by the failing round
// trips and v1's failing deep probes) stops the round trips, and rotation-plan says the promotion would be deferred and why. Once the data
// path works again (serve stopped), rotation-plan's round trip passes. (serve's own recovery
// through the breaker is covered by test/status/promotion-proof.test.ts on a fake clock.)

import { afterAll, beforeAll, expect, test } from "bun:test";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { fastProbesToml, listenerUrls, startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { PyKmsClient } from "../helpers/py-kms-client.ts";
import { runBinary } from "../helpers/run-binary.ts";

const fast = fastProbesToml();

let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider;
let client: PyKmsClient;
let metricsUrl: string;

function keyIdOf(v: number): string {
  const created = emu.keyInfo("kubernetes")?.keys[String(v)];
  if (created === undefined) return "";
  return deriveKeyId(
    { providerName: "openbao-kms", clusterId: "e2e-cluster", openbaoInstanceId: "emulator-1", openbaoNamespace: "", transitMountId: emu.mountUuid("transit"), keyLineageId: "0123456789abcdef0123456789abcdef" },
    v,
    created,
  );
}
async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}
async function metric(name: string): Promise<number | undefined> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
}
const deferrals = () =>
  provider.output.filter((l) => l.includes('"key.promoted"')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.outcome === "deferred");
const plan = async () => {
  const r = await runBinary(["rotation-plan", "--config", files.configPath, "--output", "json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: fast, logLevel: "info" });
  provider = await startProvider(files);
  client = new PyKmsClient(files.socketPath);
  metricsUrl = (await listenerUrls(provider)).metrics;
  await until("healthy", async () => (await client.status()).healthz === "ok");
}, 30_000);

afterAll(async () => {
  emu?.allow("/v1/transit/encrypt/");
  await client?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
});

test("encrypt denied: the due promotion is deferred (log, gauge), the breaker stops the round trips, rotation-plan says why; the old key stays", async () => {
  expect(await metric("openbao_kms_key_promotion_deferred")).toBe(0);
  emu.deny("/v1/transit/encrypt/");
  emu.rotateKey("kubernetes");
  await until("a deferral while the breaker is open", async () => deferrals().some((l) => l.error_class === "circuit_breaker_open"), 15_000);
  // A proof fails at OpenBao (permission_denied) until the deep breaker opens: it is shared with
  // v1's deep probes, which fail too while encrypt is denied and may open it first. From then on
  // the probes defer without calling OpenBao.
  const classes = deferrals().map((l) => l.error_class);
  expect(classes.every((c) => c === "permission_denied" || c === "circuit_breaker_open")).toBe(true);
  expect(classes.at(-1)).toBe("circuit_breaker_open");
  expect(deferrals().every((l) => l.transit_version === 2)).toBe(true);
  expect(await metric("openbao_kms_key_promotion_deferred")).toBe(1);
  // Never promoted: whatever Status says (the v1 deep probe fails too while encrypt is denied), it is not v2.
  const s = await client.status();
  expect(s.key_id === keyIdOf(2)).toBe(false);

  const denied = await plan();
  expect(denied).toMatchObject({ rotationState: "pending", pendingTransitVersion: 2, pendingRoundTrip: "permission_denied" });
  expect(denied.nextProbe).toContain("would defer the promotion of version 2");

  // serve stops first: its breaker's first window is one probe interval, so a running serve could
  // promote v2 before rotation-plan reads the state (the pending record would then be gone).
  expect(await provider.stop()).toBe(0);
  emu.allow("/v1/transit/encrypt/");
  const allowed = await plan();
  expect(allowed).toMatchObject({ pendingRoundTrip: "ok" });
  expect(allowed.nextProbe).toContain("would promote version 2");
}, 40_000);
