// `bun run demo --ha`: a failover, live. Three emulator nodes (one active, two standbys), the
// compiled provider with all three in openbao.addresses, and `probe` (Status → Encrypt → Decrypt,
// as kube-apiserver calls them) run again and again. Two seconds in, the active node is killed;
// the probes keep going; then the demo prints what the provider saw and did.

import { chmodSync } from "node:fs";
import { dirname } from "node:path";
import { build } from "./build.ts";
import { startCluster } from "../test/support/emulator/cluster.ts";
import { listenerUrls, startProvider, writeProviderFiles } from "../test/helpers/provider.ts";

const step = (s: string) => console.log(`\n==> ${s}`);
const killAfterMs = 2_000;
const runForMs = 6_000;

step("building the single executable");
const binary = await build("x64");

step("starting a 3-node OpenBao emulator cluster (Raft-style HA: one active, two standbys that forward)");
const cluster = await startCluster({ standbys: 2 });
cluster.nodes.forEach((n, i) => console.log(`    node ${i + 1} ${n.url}  ${i === 0 ? "active" : "standby"}`));
const files = writeProviderFiles(cluster.active, { addresses: cluster.nodes.map((n) => n.url), logLevel: "info" });
chmodSync(dirname(files.socketPath), 0o2750);
let exitCode = 1;
try {
  step(`starting: ${binary} serve --config ${files.configPath}  (openbao.addresses = all three)`);
  const provider = await startProvider(files, { binary });
  console.log(`    socket accepting after ${provider.readyAfterMs.toFixed(1)} ms`);

  step(`running ${binary} probe in a loop; killing the active node after ${killAfterMs / 1000} s`);
  const t0 = performance.now();
  const results: Array<{ atMs: number; ok: boolean; ms: number }> = [];
  let killedAt: number | undefined;
  const killer = (async () => {
    await Bun.sleep(killAfterMs);
    killedAt = performance.now() - t0;
    await cluster.kill(cluster.active);
    console.log(`    ${(killedAt / 1000).toFixed(2)} s  killed node 1 (the active): its port now refuses connections`);
  })();
  while (performance.now() - t0 < runForMs) {
    const started = performance.now();
    const p = Bun.spawn([binary, "probe", "--socket", files.socketPath, "--output", "json"], { stdout: "pipe", stderr: "pipe" });
    const [, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
    const r = { atMs: started - t0, ok: code === 0, ms: performance.now() - started };
    results.push(r);
    if (!r.ok || results.length % 5 === 1) console.log(`    ${(r.atMs / 1000).toFixed(2)} s  probe ${r.ok ? "ok" : `FAILED (exit ${code})`} in ${r.ms.toFixed(0)} ms`);
  }
  await killer;

  step("what happened");
  const after = results.filter((r) => killedAt !== undefined && r.atMs >= killedAt);
  const failed = results.filter((r) => !r.ok);
  console.log(`    probes: ${results.length} in ${(runForMs / 1000).toFixed(0)} s, ${failed.length} failed; ${after.length} after the kill, all ${after.every((r) => r.ok) ? "ok" : "NOT ok"}`);
  console.log(`    leader now: node ${cluster.nodes.indexOf(cluster.leader()!) + 1} (${cluster.leader()?.url})`);
  for (const line of provider.output.filter((l) => l.includes('"openbao.endpoint"'))) {
    const e = JSON.parse(line) as Record<string, string>;
    console.log(`    log: openbao.endpoint ${e.endpoint} ${e.previous_role} → ${e.role}${e.error_class ? ` (${e.error_class})` : ""}`);
  }
  const urls = await listenerUrls(provider);
  const ready = (await (await fetch(`${urls.health}/ready`)).json()) as Record<string, unknown>;
  console.log(`    /ready: status ${ready.status}, ${ready.openbao_endpoints_usable} of ${ready.openbao_endpoints_total} endpoints usable`);
  const metrics = (await (await fetch(`${urls.metrics}/metrics`)).text()).split("\n").filter((l) => l.startsWith("openbao_kms_openbao_endpoint_requests_total"));
  for (const m of metrics) console.log(`    metric: ${m}`);
  exitCode = failed.length === 0 && after.length > 0 ? 0 : 1;

  step("stopping the provider with SIGTERM");
  console.log(`    provider exited ${await provider.stop("SIGTERM")}`);
} finally {
  await cluster.stop();
  files.cleanup();
}
step(exitCode === 0 ? "HA demo passed: the active node died and no probe failed" : `HA demo FAILED (exit ${exitCode})`);
process.exit(exitCode);
