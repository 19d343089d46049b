// sys/health and standby nodes, on the compiled binary against the emulator:
// - doctor asks sys/health in the root namespace even with openbao.namespace set, so a sealed
//   (503) or uninitialized (501) node fails openbao.tls instead of passing on a 400;
// - serve pointed at a standby that forwards works: the login (a write) reaches the active node
//   through the standby, encrypt and decrypt are served by the standby itself (standby reads);
// - with forwarding off the standby answers writes with 307: serve exits 5 with the standby
//   message (its login is a write), doctor fails openbao.auth with it, and a running provider
//   keeps serving from the standby's reads until a request needs the active node (here: a token
//   the standby cannot check), which answers UNAVAILABLE with the class in logs and metrics; the
//   307 is never followed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTestPki } from "../support/tls.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startCluster, type EmulatorCluster } from "../support/emulator/cluster.ts";
import { reportLines, runBinary } from "../helpers/cli.ts";
import { ensureBinary, listenerUrls, startProvider, writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";
import { PyKmsClient } from "../helpers/py-kms-client.ts";
import { jsonLines } from "../helpers/run-binary.ts";

const standbyAdvice = "point openbao.address at the active node or at a load balancer that sends requests to it";

async function doctor(emu: Emulator, files: ProviderFiles) {
  const r = await runBinary(["doctor", "--config", files.configPath], { secrets: [emu.rootToken] });
  const line = (id: string) => r.stdout.split("\n").find((l) => l.includes(`] ${id}: `)) ?? "";
  return { ...r, lines: reportLines(r.stdout), line };
}

describe("doctor: sys/health in the root namespace", () => {
  let emu: Emulator;
  let files: ProviderFiles;
  beforeAll(async () => {
    emu = await startEmulator({ namespaces: ["team-a"] });
    files = writeProviderFiles(emu, { namespace: "team-a", logLevel: "info" });
  });
  afterAll(async () => {
    await emu?.stop();
    files?.cleanup();
  });
  const healthRequests = () => emu.requests.filter((r) => r.path === "/v1/sys/health");

  test("unsealed: openbao.tls passes on HTTP 200, and sys/health went without the namespace header", async () => {
    emu.resetCounts();
    const r = await doctor(emu, files);
    expect(r.line("openbao.tls")).toMatch(/^\[pass\] openbao\.tls: .*\(sys\/health HTTP 200\)$/);
    expect(healthRequests().length).toBe(1);
    expect(healthRequests()[0]!.namespace).toBeUndefined();
    // The login did carry it (the header is dropped for sys/health only).
    expect(emu.requests.find((q) => q.path.endsWith("/login"))?.namespace).toBe("team-a");
  });

  test("sealed, with a namespace configured: openbao.tls fails (503), exit 4", async () => {
    emu.seal();
    try {
      const r = await doctor(emu, files);
      expect(r.line("openbao.tls")).toBe(`[fail] openbao.tls: TLS to OpenBao - ${emu.url} answered but is sealed (sys/health HTTP 503): unseal it`);
      expect(r.lines.find(([, id]) => id === "openbao.auth")?.[0]).toBe("skip");
      expect(r.code).toBe(4);
    } finally {
      emu.unseal();
    }
  });

  test("a proxy page answering 200 is not an active node: openbao.tls fails, exit 4", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bao-proxy-"));
    const pki = makeTestPki(dir, { serverName: emu.serverName });
    const proxy = Bun.serve({ hostname: "127.0.0.1", port: 0, tls: { cert: pki.certPem, key: pki.keyPem }, fetch: () => new Response("<html>ok</html>", { headers: { "Content-Type": "text/html" } }) });
    const pf = writeProviderFiles({ ...emu, url: `https://127.0.0.1:${proxy.port}`, caFile: pki.caFile });
    try {
      const r = await doctor(emu, pf);
      expect(r.line("openbao.tls")).toContain("answered sys/health with HTTP 200 but not with OpenBao's health JSON for it");
      expect(r.code).toBe(4);
    } finally {
      await proxy.stop(true);
      pf.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("uninitialized: openbao.tls fails (501)", async () => {
    emu.setInitialized(false);
    try {
      const r = await doctor(emu, files);
      expect(r.line("openbao.tls")).toContain("answered but is not initialized (sys/health HTTP 501): initialize and unseal it");
      expect(r.code).toBe(4);
    } finally {
      emu.setInitialized(true);
      emu.unseal();
    }
  });
});

describe("standby nodes", () => {
  let cluster: EmulatorCluster;
  beforeAll(async () => {
    cluster = await startCluster({ standbys: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  test("serve pointed at a forwarding standby works; with forwarding off it still serves from its own reads, and a token only the active could check fails UNAVAILABLE (307, class in logs and metrics, never followed)", async () => {
    const [active, standby] = [cluster.active, cluster.standbys[0]!];
    standby.setForwarding(true);
    const files = writeProviderFiles(standby, { logLevel: "info" });
    active.resetCounts();
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    try {
      const seed = crypto.getRandomValues(new Uint8Array(32));
      const enc = await client.encrypt(seed);
      expect(enc.ok).toBe(true);
      const dec = await client.decrypt(enc);
      expect(dec.ok).toBe(true);
      expect(Buffer.from(dec.plaintext as string, "base64")).toEqual(Buffer.from(seed));
      // The login is a write: forwarded. Everything the active node saw came through the standby.
      expect(active.count({ pathPrefix: "/v1/auth/" })).toBeGreaterThan(0);
      expect(active.requests.every((r) => r.forwardedBy === standby.url)).toBe(true);
      // Standby reads: encrypt and decrypt of an existing key never needed the active node.
      expect(active.count({ pathPrefix: "/v1/transit/encrypt/" }) + active.count({ pathPrefix: "/v1/transit/decrypt/" })).toBe(0);

      standby.setForwarding(false);
      const again = await client.encrypt(seed);
      expect(again.ok).toBe(true); // served by the standby itself

      // A token the standby does not know must be checked by the active node: forwarded, so 307.
      active.revokeAllTokens();
      const refusedAt = Date.now();
      const refused = await client.encrypt(seed);
      expect(refused).toMatchObject({ ok: false, code: "UNAVAILABLE", details: "transit unavailable" });
      expect(standby.requests.some((r) => r.atMs >= refusedAt && r.path.startsWith("/v1/transit/encrypt/") && r.status === 307)).toBe(true);
      // The 307 was not followed: no encrypt reached the active node after it (background probes
      // forwarded before the switch may still land there; they never encrypt through the active).
      expect(active.requests.filter((r) => r.atMs >= refusedAt && r.path.startsWith("/v1/transit/encrypt/"))).toEqual([]);
      const { metrics } = await listenerUrls(provider);
      const text = await (await fetch(`${metrics}/metrics`)).text();
      expect(text).toMatch(/openbao_kms_openbao_requests_total\{[^}]*status="standby_redirect"[^}]*\} [1-9]\d*$/m);
      expect(text).toMatch(/openbao_kms_grpc_requests_total\{method="encrypt",status="openbao_standby_redirect"\} [1-9]\d*$/m);
      const logged = jsonLines(provider.output).filter((l) => l.message === "openbao.request" && l.error_class === "standby_redirect");
      expect(logged.length).toBeGreaterThan(0);
      expect(logged[0]!.http_status).toBe(307);
    } finally {
      standby.setForwarding(true);
      await client.close();
      expect(await provider.stop()).toBe(0);
      files.cleanup();
    }
  });

  test("serve pointed at a standby with forwarding off: exit 5 with the standby message; nothing reaches the active", async () => {
    const [active, standby] = [cluster.active, cluster.standbys[0]!];
    standby.setForwarding(false);
    const files = writeProviderFiles(standby, { extraToml: '[bootstrap]\ngrace_timeout = "0s"\n' });
    active.resetCounts();
    standby.resetCounts();
    try {
      const p = Bun.spawn([ensureBinary(), "serve", "--config", files.configPath], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
      const [, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      expect(code).toBe(5);
      expect(stderr).toContain(`OpenBao at ${standby.url} is a standby node that redirects requests (HTTP 307 to ${active.url})`);
      expect(stderr).toContain(standbyAdvice);
      expect(standby.requests.filter((r) => r.status === 307).length).toBeGreaterThan(0);
      expect(active.count()).toBe(0);
    } finally {
      standby.setForwarding(true);
      files.cleanup();
    }
  });

  test("doctor against a standby with forwarding off: openbao.tls passes (429, standby), openbao.auth fails with the advice", async () => {
    const [active, standby] = [cluster.active, cluster.standbys[0]!];
    standby.setForwarding(false);
    const files = writeProviderFiles(standby);
    active.resetCounts();
    try {
      const r = await doctor(standby, files);
      expect(r.line("openbao.tls")).toContain("(sys/health HTTP 429, a standby: writes such as logins must reach the active node and its reads may lag behind it)");
      expect(r.line("openbao.auth")).toStartWith("[fail] openbao.auth:");
      expect(r.line("openbao.auth")).toContain(standbyAdvice);
      expect(active.count()).toBe(0);
    } finally {
      standby.setForwarding(true);
      files.cleanup();
    }
  });
});
