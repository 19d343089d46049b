// A real etcd (Debian's etcd-server) for tests: one member on loopback, TLS with client
// certificate auth the way kube-apiserver talks to it, in a throwaway data directory.

import { type Subprocess, spawn } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEtcdClient, type EtcdClient } from "../../src/etcd/client.ts";
import { issueCert, makeCa, type TestCa, type TestCert } from "./tls.ts";

export interface TestEtcd {
  readonly endpoint: string;
  readonly dir: string;
  readonly ca: TestCa;
  /** The client certificate etcd trusts (what kube-apiserver's --etcd-certfile holds). */
  readonly client: TestCert;
  /** A connected client for the test's own reads and writes. */
  readonly kv: EtcdClient;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `ipSan: false` issues etcd a certificate without its IP address (for the name-check test). */
export async function startEtcd(opts: { readonly ipSan?: boolean } = {}): Promise<TestEtcd> {
  const dir = mkdtempSync(join(tmpdir(), "etcd-test-"));
  const ca = makeCa(dir, "etcd-ca");
  const server = issueCert(ca, dir, { name: "etcd-server", commonName: "etcd", dnsNames: ["localhost"], ipAddresses: opts.ipSan === false ? [] : ["127.0.0.1"], usage: "server" });
  const client = issueCert(ca, dir, { name: "etcd-client", commonName: "kube-apiserver-etcd-client", usage: "client" });
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `https://127.0.0.1:${clientPort}`;
  const proc: Subprocess = spawn(
    [
      "etcd", "--name", "t", "--data-dir", join(dir, "data"),
      "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
      "--listen-peer-urls", `http://127.0.0.1:${peerPort}`, "--initial-advertise-peer-urls", `http://127.0.0.1:${peerPort}`,
      "--initial-cluster", `t=http://127.0.0.1:${peerPort}`,
      "--cert-file", server.certFile, "--key-file", server.keyFile, "--trusted-ca-file", ca.caFile, "--client-cert-auth",
      "--log-level", "error", "--logger", "zap",
    ],
    { stdout: "ignore", stderr: "pipe", env: { ...process.env, ETCD_UNSUPPORTED_ARCH: "" } },
  );
  const kv = createEtcdClient({ endpoints: [endpoint], caPem: ca.caPem, certPem: client.certPem, keyPem: client.keyPem, requestTimeoutMs: 2000 });
  const stop = async () => {
    kv.close();
    proc.kill("SIGTERM");
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  // Readiness through the test's own connection, or (without an IP SAN, which that refuses) by name.
  const probe = opts.ipSan === false
    ? createEtcdClient({ endpoints: [`https://localhost:${clientPort}`], caPem: ca.caPem, certPem: client.certPem, keyPem: client.keyPem, requestTimeoutMs: 2000 })
    : kv;
  try {
    await untilServing(probe, proc, stop, "etcd", () => new Response(proc.stderr as ReadableStream).text().catch(() => ""));
  } finally {
    if (probe !== kv) probe.close();
  }
  return { endpoint, dir, ca, client, kv, stop };
}

/**
 * An etcd snapshot restored the way an operator would after losing the control plane
 * (`etcdctl snapshot save`, then `snapshot restore` into a new data directory; etcdutl on newer
 * etcd), served on plain http://127.0.0.1 as the README's disaster-recovery steps do.
 */
export async function restoredSnapshot(from: TestEtcd): Promise<{ readonly endpoint: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "etcd-restore-"));
  const ctl = (args: string[]) => {
    const r = Bun.spawnSync(["etcdctl", ...args], { env: { ...process.env, ETCDCTL_API: "3" }, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`etcdctl ${args[0]} ${args[1]} failed: ${r.stderr.toString().slice(-500)}`);
  };
  ctl(["snapshot", "save", join(dir, "snapshot.db"), "--endpoints", from.endpoint, "--cacert", from.ca.caFile, "--cert", from.client.certFile, "--key", from.client.keyFile]);
  ctl(["snapshot", "restore", join(dir, "snapshot.db"), "--data-dir", join(dir, "data"), "--name", "r", "--initial-cluster", "r=http://127.0.0.1:1", "--initial-advertise-peer-urls", "http://127.0.0.1:1"]);
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const proc = spawn(
    ["etcd", "--name", "r", "--data-dir", join(dir, "data"), "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint, "--listen-peer-urls", `http://127.0.0.1:${peerPort}`, "--initial-advertise-peer-urls", "http://127.0.0.1:1", "--initial-cluster", "r=http://127.0.0.1:1", "--log-level", "error", "--logger", "zap"],
    { stdout: "ignore", stderr: "ignore" },
  );
  const kv = createEtcdClient({ endpoints: [endpoint], requestTimeoutMs: 2000 });
  const stop = async () => {
    kv.close();
    proc.kill("SIGTERM");
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  await untilServing(kv, proc, stop, "restored etcd");
  return { endpoint, stop };
}

/** Waits (up to 20 s) until `probe` can read; stops the member and throws naming why when it cannot. */
async function untilServing(probe: EtcdClient, proc: Subprocess, stop: () => Promise<void>, what: string, stderr: () => Promise<string> = async () => ""): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await probe.get(new TextEncoder().encode("/health-probe"));
      return;
    } catch (e) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        const err = await stderr();
        await stop();
        throw new Error(`${what} did not start: ${String(e)}${err === "" ? "" : `\n${err.slice(-2000)}`}`);
      }
      await Bun.sleep(100);
    }
  }
}

