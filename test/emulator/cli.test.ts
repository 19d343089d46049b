// The standalone emulator (`bun run emulator`): --help, bad flags, the --json line, a usable
// JWT file, a cluster's fault commands on stdin, and a clean stop on SIGTERM (exit 0, temp dir removed).
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const mainTs = join(import.meta.dir, "../support/emulator/main.ts");

async function firstLine(stream: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  const deadline = Date.now() + timeoutMs;
  while (!buf.includes("\n")) {
    const chunk = await Promise.race([reader.read(), Bun.sleep(Math.max(0, deadline - Date.now())).then(() => "timeout" as const)]);
    if (chunk === "timeout" || chunk.done) break;
    buf += decoder.decode(chunk.value, { stream: true });
  }
  reader.releaseLock();
  return buf.split("\n")[0] ?? "";
}

/** Reads a stream line by line, keeping what arrived past the line it returns. */
function lines(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  return async (timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (!buf.includes("\n")) {
      const chunk = await Promise.race([reader.read(), Bun.sleep(Math.max(0, deadline - Date.now())).then(() => "timeout" as const)]);
      if (chunk === "timeout" || chunk.done) throw new Error(`no line within ${timeoutMs} ms; got ${JSON.stringify(buf)}`);
      buf += decoder.decode(chunk.value, { stream: true });
    }
    const nl = buf.indexOf("\n");
    const line = buf.slice(0, nl);
    buf = buf.slice(nl + 1);
    return line;
  };
}

describe("bun run emulator", () => {
  test("--help prints usage and exits 0; an unknown flag exits 2", async () => {
    const help = Bun.spawnSync(["bun", mainTs, "--help"], { timeout: 10_000 });
    expect(help.exitCode).toBe(0);
    expect(help.stdout.toString()).toStartWith("Usage: bun run emulator");
    const bad = Bun.spawnSync(["bun", mainTs, "--bogus"], { timeout: 10_000 });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.toString()).toContain("bogus");
  });

  test("--json prints one line; the JWT logs in; SIGTERM stops cleanly", async () => {
    const p = Bun.spawn(["bun", mainTs, "--port", "0", "--json"], { stdout: "pipe", stderr: "pipe" });
    const killer = setTimeout(() => p.kill("SIGKILL"), 15_000);
    try {
      const info = JSON.parse(await firstLine(p.stdout, 10_000));
      expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(info).toMatchObject({ serverName: "openbao.test", transitMount: "transit", keyName: "kubernetes", jwtMount: "auth/jwt", jwtRole: "openbao-kms" });
      const ca = readFileSync(info.caFile, "utf8");
      const health = await fetch(`${info.url}/v1/sys/health`, { tls: { ca } });
      expect(health.status).toBe(200);
      const mount = await fetch(`${info.url}/v1/sys/mounts/transit`, { headers: { "X-Vault-Token": info.rootToken }, tls: { ca } });
      expect(((await mount.json()) as { uuid: string }).uuid).toBe(info.transitMountUuid);
      const jwt = readFileSync(info.jwtFile, "utf8").trim();
      const login = await fetch(`${info.url}/v1/auth/jwt/login`, { method: "POST", body: JSON.stringify({ role: info.jwtRole, jwt }), tls: { ca } });
      expect(login.status).toBe(200);
      p.kill("SIGTERM");
      expect(await p.exited).toBe(0);
      expect(existsSync(info.dir)).toBe(false);
    } finally {
      clearTimeout(killer);
      p.kill("SIGKILL");
    }
  });

  test("--nodes 3 starts a cluster: one active, two standbys, faults typed on stdin; --nodes outside 1..7 is a usage error", async () => {
    const bad = Bun.spawnSync(["bun", mainTs, "--nodes", "8"], { timeout: 10_000 });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.toString()).toContain("--nodes must be between 1 and 7");
    const p = Bun.spawn(["bun", mainTs, "--port", "0", "--nodes", "3", "--json"], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    const killer = setTimeout(() => p.kill("SIGKILL"), 15_000);
    const next = lines(p.stdout);
    try {
      const info = JSON.parse(await next(10_000));
      expect(info.nodes).toHaveLength(3);
      expect(info.nodes[0]).toBe(info.url);
      const ca = readFileSync(info.caFile, "utf8");
      const codes = await Promise.all((info.nodes as string[]).map(async (u) => (await fetch(`${u}/v1/sys/health`, { tls: { ca } })).status));
      expect(codes).toEqual([200, 429, 429]);
      // Fault commands on stdin, one JSON reply line each.
      const stdin = p.stdin as import("bun").FileSink;
      stdin.write("kill 1\nbogus\n");
      await stdin.flush();
      const replies = [JSON.parse(await next(5_000)), JSON.parse(await next(5_000))];
      expect(replies).toEqual([{ command: "kill 1", reply: ["ok: kill node 1; leader now node 2"] }, { command: "bogus", reply: ['unknown command "bogus"; try help'] }]);
      expect((await fetch(`${info.nodes[1]}/v1/sys/health`, { tls: { ca } })).status).toBe(200);
      p.kill("SIGTERM");
      expect(await p.exited).toBe(0);
    } finally {
      clearTimeout(killer);
      p.kill("SIGKILL");
    }
  }, 20_000);
});
