// `bun run bench:inventory [--objects N]`: `inventory` of the compiled binary over N objects
// (default 20,000) in a real etcd (Debian's etcd-server, TLS client auth), with wall time and the
// binary's peak RSS (VmHWM). A benchmark, not a test. The budget: peak RSS under 150 MB at any
// object count (the scan holds one page of values at a time).

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { build } from "./build.ts";
import { startEmulator } from "../test/support/emulator/server.ts";
import { startEtcd } from "../test/support/etcd.ts";
import { storedValue } from "../test/support/k8s-envelope.ts";
import { secretBytes } from "../test/support/k8s-objects.ts";
import { writeProviderFiles } from "../test/helpers/provider.ts";

const arg = process.argv.indexOf("--objects");
const objects = arg === -1 ? 20_000 : Number(process.argv[arg + 1]);
if (!Number.isInteger(objects) || objects < 1) throw new Error("--objects takes a whole number");
const enc = new TextEncoder();

const binary = await build("x64");
const [emu, etcd] = await Promise.all([startEmulator(), startEtcd()]);
try {
  const configFor = (pageSize: number) =>
    writeProviderFiles(emu, {
      extraToml: `\n[etcd]\nendpoints = ["${etcd.endpoint}"]\nca_file = "${etcd.ca.caFile}"\ncert_file = "${etcd.client.certFile}"\nkey_file = "${etcd.client.keyFile}"\npage_size = ${pageSize}\n`,
    });
  const seeds = [1, 2, 3].map((v) => ({ seed: randomBytes(32), keyId: `bench-key-id-v${v}`, ciphertext: randomBytes(80), annotations: new Map([["version.encryption.openbao.org", enc.encode(String(v))]]) }));
  const t0 = performance.now();
  const pending: Promise<number>[] = [];
  for (let i = 0; i < objects; i++) {
    const key = enc.encode(`/registry/${i % 5 === 0 ? "configmaps" : "secrets"}/ns-${i % 50}/obj-${i}`);
    const plaintext = secretBytes({ name: `obj-${i}`, namespace: `ns-${i % 50}`, data: { value: randomBytes(600) } });
    pending.push(etcd.kv.put(key, i % 10 === 9 ? plaintext : storedValue("openbao-kms", seeds[i % 3]!, plaintext, key)));
    if (pending.length === 200) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  console.log(`wrote ${objects} objects (~1 KB each) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  for (const pageSize of [500, 100, 2000]) {
    const files = configFor(pageSize);
    const started = performance.now();
    const p = Bun.spawn([binary, "inventory", "--output", "json", "--config", files.configPath], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, "utf8"))?.[1] ?? 0));
      } catch {
        // exited between polls
      }
    }, 10);
    const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    clearInterval(poll);
    files.cleanup();
    if (code !== 0) throw new Error(`inventory failed (${code}): ${err}`);
    const report = JSON.parse(out) as { objects: number };
    const seconds = (performance.now() - started) / 1000;
    console.log(`inventory, page_size ${pageSize}${pageSize === 500 ? " (default)" : ""}: ${report.objects} objects in ${seconds.toFixed(2)} s (${Math.round(report.objects / seconds)}/s), peak RSS ${(peakKb / 1024).toFixed(1)} MB (budget 150 MB)`);
  }
} finally {
  await etcd.stop();
  await emu.stop();
}
