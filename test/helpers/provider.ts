// Runs the compiled provider binary for end-to-end tests: writes a config for an emulator,
// spawns `serve`, waits until the socket accepts connections, captures every log line (also
// into the run-wide capture that the redaction checks read; stop() fails on a secret in them).

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { captureProviderLines, describeLeaks, findLeaks, registerSecret } from "./log-capture.ts";

export const repoRoot = join(import.meta.dir, "..", "..");
export const binaryPath = join(repoRoot, "dist", "bao-kms-provider");

/** Builds the binary once if it is missing (scripts/test.ts always rebuilds before a run). */
export function ensureBinary(): string {
  if (!existsSync(binaryPath)) {
    const r = Bun.spawnSync([process.execPath, "run", "build"], { cwd: repoRoot, stdout: "inherit", stderr: "inherit" });
    if (r.exitCode !== 0) throw new Error("build failed");
  }
  return binaryPath;
}

/** The socket parent must be /run/openbao-kms or below (config rule); tests make their own dir there. */
export function makeSocketDir(): string {
  mkdirSync("/run/openbao-kms", { recursive: true, mode: 0o755 });
  return mkdtempSync("/run/openbao-kms/test-");
}

export interface EmulatorLike {
  url: string;
  caFile: string;
  serverName: string;
  mountUuid(mount: string): string;
  mintJwt(overrides?: Record<string, unknown>, opts?: { ttlSeconds?: number }): string;
  jwtRole: string;
  jwtMount: string;
  /** ACL emulators: the operator's setup is applied through these (see writeProviderFiles). */
  setPolicy?(name: string, hcl: string): void;
  setDisableUpsert?(v: boolean, mount?: string): void;
}

export interface ProviderFiles {
  readonly dir: string;
  readonly configPath: string;
  readonly socketPath: string;
  readonly jwtFile: string;
  readonly statePath: string;
  cleanup(): void;
}

/**
 * [status] and [rotation] for e2e runs that watch probes and rotations happen: 100 ms probes. The
 * default max_staleness is far above them, so a probe slowed by a busy machine does not fail a test
 * on staleness when staleness is not what it tests.
 */
export function fastProbesToml(o: { deepProbe?: string; maxStaleness?: string; activationDelay?: string; stableObservations?: number } = {}): string {
  return `
[status]
probe_interval = "100ms"
deep_probe_interval = "${o.deepProbe ?? "1s"}"
max_staleness = "${o.maxStaleness ?? "10s"}"

[rotation]
activation_delay = "${o.activationDelay ?? "1s"}"
require_stable_observation_count = ${o.stableObservations ?? 2}
`;
}

/** Writes a complete config (plus JWT file) for `emu`. `extra` is appended raw TOML. */
export function writeProviderFiles(
  emu: EmulatorLike,
  opts: {
    timeout?: string;
    namespace?: string;
    logLevel?: string;
    extraServer?: string;
    keyName?: string;
    extraToml?: string;
    /** server.metrics_address / server.health_address; default "127.0.0.1:0" (a free port, see listenerUrls). */
    metricsAddress?: string;
    healthAddress?: string;
    /** The whole auth section (raw TOML) instead of the default JWT-file one; gets the JWT file path. */
    auth?: (jwtFile: string) => string;
    /** openbao.addresses instead of openbao.address (several endpoints of one cluster). */
    addresses?: readonly string[];
    /** server.tls_server_name override (default: the emulator's). */
    tlsServerName?: string;
    /** state.path (default: <dir>/state/key-registry.json, the directory created 0750). */
    statePath?: string;
    /**
     * Apply what the operator's setup applies (default true): `disable_upsert=true` on the mount
     * and, as the role's policy `kms-plugin`, exactly what `bao-kms-provider policy openbao`
     * prints for this config, so a missing or excess capability in it fails the test.
     */
    operatorSetup?: boolean;
  } = {},
): ProviderFiles {
  const dir = mkdtempSync("/tmp/bkp-e2e-");
  const socketDir = makeSocketDir();
  const socketPath = join(socketDir, "kms.sock");
  const jwtFile = join(dir, "identity.jwt");
  const jwt = emu.mintJwt();
  registerSecret(jwt);
  writeFileSync(jwtFile, jwt + "\n", { mode: 0o600 });
  mkdirSync(join(dir, "state"), { mode: 0o750 });
  const statePath = opts.statePath ?? join(dir, "state", "key-registry.json");
  const gid = process.getegid?.() ?? 0;
  const toml = `config_version = "v1"

[server]
socket_path = "${socketPath}"
socket_mode = "0660"
socket_group = "${gid}"
metrics_address = "${opts.metricsAddress ?? "127.0.0.1:0"}"
health_address = "${opts.healthAddress ?? "127.0.0.1:0"}"
${opts.extraServer ?? ""}

[openbao]
${opts.addresses === undefined ? `address = "${emu.url}"` : `addresses = [${opts.addresses.map((a) => `"${a}"`).join(", ")}]`}
namespace = "${opts.namespace ?? ""}"
ca_cert_file = "${emu.caFile}"
tls_server_name = "${opts.tlsServerName ?? emu.serverName}"
timeout = "${opts.timeout ?? "2s"}"
instance_id = "emulator-1"

${opts.auth?.(jwtFile) ?? `[auth]
method = "jwt"

[auth.jwt]
source = "file"
mount_path = "${emu.jwtMount}"
role = "${emu.jwtRole}"
jwt_file = "${jwtFile}"
`}
[transit]
mount_path = "transit"
key_name = "${opts.keyName ?? "kubernetes"}"

[transit.key_id_scope]
provider_name = "openbao-kms"
cluster_id = "e2e-cluster"
transit_mount_id = "${emu.mountUuid("transit")}"
key_lineage_id = "0123456789abcdef0123456789abcdef"

[state]
path = "${statePath}"

[logging]
level = "${opts.logLevel ?? "debug"}"
format = "json"
${opts.extraToml ?? ""}
`;
  const configPath = join(dir, "config.toml");
  writeFileSync(configPath, toml, { mode: 0o640 });
  if (opts.operatorSetup ?? true) applyOperatorSetup(emu, configPath);
  return {
    dir,
    configPath,
    socketPath,
    jwtFile,
    statePath,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/** The policy `bao-kms-provider policy openbao --config PATH` prints (the compiled binary's own output). */
export function generatedPolicy(configPath: string): string {
  const r = Bun.spawnSync([ensureBinary(), "policy", "openbao", "--config", configPath], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`policy openbao failed (${r.exitCode}): ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** disable_upsert=true on the transit mount and the generated policy as `kms-plugin`, as init's setup script does. */
export function applyOperatorSetup(emu: EmulatorLike, configPath: string): void {
  emu.setDisableUpsert?.(true, "transit");
  emu.setPolicy?.("kms-plugin", generatedPolicy(configPath));
}

export interface RunningProvider {
  readonly proc: ReturnType<typeof Bun.spawn>;
  /** Every stderr/stdout line so far. */
  readonly output: string[];
  /** ms from spawn until the socket accepted a connection. */
  readonly readyAfterMs: number;
  signal(sig: NodeJS.Signals): void;
  /** Sends SIGTERM (unless given another signal) and resolves with the exit code. */
  stop(sig?: NodeJS.Signals): Promise<number>;
}

export function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ path });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => (s.destroy(), resolve(false)));
  });
}

/** Spawns `serve --config` and waits (up to `timeoutMs`) for the socket; rejects with the output on exit/timeout. */
export async function startProvider(files: Pick<ProviderFiles, "configPath" | "socketPath">, opts: { timeoutMs?: number; cwd?: string; binary?: string; env?: Record<string, string> } = {}): Promise<RunningProvider> {
  const output: string[] = [];
  captureProviderLines(output);
  const t0 = performance.now();
  const proc = Bun.spawn([opts.binary ?? ensureBinary(), "serve", "--config", files.configPath], {
    cwd: opts.cwd ?? "/",
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...opts.env },
  });
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    let buf = "";
    for await (const chunk of stream) {
      buf += new TextDecoder().decode(chunk);
      let nl: number;
      while ((nl = buf.indexOf("\n")) !== -1) {
        output.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    }
    if (buf) output.push(buf);
  };
  const pumps = Promise.all([collect(proc.stdout), collect(proc.stderr)]);
  const deadline = t0 + (opts.timeoutMs ?? 10_000);
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (!(await canConnect(files.socketPath))) {
    if (exited || performance.now() > deadline) {
      proc.kill("SIGKILL");
      await pumps;
      throw new Error(`provider did not become ready (exit ${proc.exitCode}):\n${output.join("\n")}`);
    }
    await Bun.sleep(2);
  }
  const readyAfterMs = performance.now() - t0;
  return {
    proc,
    output,
    readyAfterMs,
    signal: (sig) => proc.kill(sig),
    async stop(sig = "SIGTERM") {
      if (proc.exitCode === null) proc.kill(sig);
      const code = await proc.exited;
      await pumps;
      const leaks = findLeaks(output);
      if (leaks.length > 0) throw new Error(`secret-looking data in the provider's log: ${describeLeaks(leaks)}`);
      return code;
    },
  };
}

/** The health and metrics base URLs the provider logged in serve.ready (waits for that line). */
export async function listenerUrls(p: RunningProvider, timeoutMs = 5000): Promise<{ metrics: string; health: string }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    for (const line of p.output) {
      if (!line.includes('"serve.ready"')) continue;
      const r = JSON.parse(line) as { metrics_address?: string; health_address?: string };
      return { metrics: `http://${r.metrics_address}`, health: `http://${r.health_address}` };
    }
    if (performance.now() > deadline) throw new Error(`no serve.ready line:\n${p.output.join("\n")}`);
    await Bun.sleep(5);
  }
}

/**
 * A copy of `files`' config with its own state directory (0750, under files.dir), so a second
 * instance gets past the registry lock and meets whatever check the test is about (the socket).
 */
export function configWithOwnState(files: Pick<ProviderFiles, "dir" | "configPath" | "statePath">, name = "second"): string {
  const stateDir = join(files.dir, `${name}-state`);
  mkdirSync(stateDir, { mode: 0o750 });
  const text = readFileSync(files.configPath, "utf8").replace(`path = "${files.statePath}"`, `path = "${join(stateDir, "key-registry.json")}"`);
  if (!text.includes(stateDir)) throw new Error("state.path not found in the config");
  const configPath = join(files.dir, `${name}.toml`);
  writeFileSync(configPath, text, { mode: 0o640 });
  return configPath;
}
