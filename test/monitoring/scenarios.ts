// Runs the compiled provider against the OpenBao emulator in the states the monitoring mixin
// alerts on, and scrapes its real /metrics at a fixed cadence while kube-apiserver-like
// traffic (Status every step, Encrypt+Decrypt every third) flows through the socket.
// A scenario is a healthy lead-in, then the fault, then more scrapes; a failed scrape is kept
// as `undefined` (that is how Prometheus sees a dead target: up 0).

import { rmSync } from "node:fs";
import { join } from "node:path";
import { listenerUrls, startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { PyKmsClient, type EncryptReply } from "../helpers/py-kms-client.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import type { EmulatorOptions } from "../support/emulator/types.ts";
import { fillDisk, mountTmpfs } from "../support/tmpfs.ts";

export interface ScenarioContext {
  readonly emu: Emulator;
  readonly files: ProviderFiles;
  readonly provider: RunningProvider;
  /** Directory of the state file (a small tmpfs in the persistence scenario). */
  readonly stateDir: string;
}

export interface ScenarioSpec {
  readonly name: string;
  /** What the fault is, for reports. */
  readonly what: string;
  /** Extra TOML appended to the provider config (after the fast [status] table). */
  readonly toml?: string;
  /** Extra keys of the [auth] table (method jwt with the emulator's JWT file). */
  readonly auth?: string;
  readonly emulator?: EmulatorOptions;
  /** state.path on a 128 KiB tmpfs, so the test can fill the disk (needs root, like every e2e test). */
  readonly tmpfsState?: boolean;
  /** Actions by scrape index (run before that scrape). */
  readonly actions?: Readonly<Record<number, (ctx: ScenarioContext) => unknown>>;
}

export interface Scrape {
  /** ms since the first scrape. */
  readonly atMs: number;
  /** The /metrics body, or undefined when the scrape failed. */
  readonly body: string | undefined;
}

export interface ScenarioRun {
  readonly name: string;
  readonly scrapes: readonly Scrape[];
  /** Scrape index at which the fault started. */
  readonly faultAt: number;
}

/** Scrapes per scenario, the healthy lead-in, and the real time between scrapes. */
export const steps = 80;
export const leadIn = 5;
export const cadenceMs = 150;

const fastStatus = `probe_interval = "100ms"
deep_probe_interval = "300ms"
max_staleness = "1s"`;

export const scenarios: readonly ScenarioSpec[] = [
  { name: "healthy", what: "nothing goes wrong" },
  {
    name: "openbao_down",
    what: "every connection to OpenBao is dropped",
    actions: { [leadIn]: ({ emu }) => emu.dropConnections(true) },
  },
  {
    name: "openbao_hung",
    what: "OpenBao accepts requests and never answers (the probes time out after openbao.timeout, longer than max_staleness)",
    actions: { [leadIn]: ({ emu }) => emu.hang(true) },
  },
  {
    name: "token_denied",
    what: "OpenBao refuses renew-self and every login, then revokes the provider's token",
    emulator: { jwt: { tokenTtlSeconds: 6 } },
    auth: `login_before_token_expiry = "5s"\ntoken_renewal_increment = "6s"`,
    actions: {
      [leadIn]: ({ emu }) => emu.deny("/v1/auth/"),
      [leadIn + 30]: ({ emu }) => emu.revokeAllTokens(),
    },
  },
  {
    name: "rotation_pending",
    what: "the Transit key is rotated; rotation.activation_delay (2h) keeps the new version pending",
    toml: `[rotation]\nactivation_delay = "2h"\nrequire_stable_observation_count = 1\n`,
    actions: { [leadIn]: ({ emu }) => emu.rotateKey(emu.keyName) },
  },
  {
    name: "provider_down",
    what: "the provider process stops (SIGTERM)",
    actions: { [leadIn]: async ({ provider }) => void (await provider.stop()) },
  },
  {
    name: "persistence_degraded",
    what: "the state directory's file system is full when a rotation needs to save a promotion",
    tmpfsState: true,
    toml: `[rotation]\nactivation_delay = "300ms"\nrequire_stable_observation_count = 1\n`,
    actions: {
      [leadIn]: ({ emu, stateDir }) => {
        fillDisk(stateDir);
        emu.rotateKey(emu.keyName);
      },
    },
  },
  {
    name: "version_archived",
    what: "after a completed rotation, Transit's min_decryption_version is raised above the retained version 1",
    toml: `[rotation]\nactivation_delay = "300ms"\nrequire_stable_observation_count = 1\n`,
    actions: {
      [leadIn]: ({ emu }) => emu.rotateKey(emu.keyName),
      [leadIn + 20]: ({ emu }) => emu.configureKey(emu.keyName, { minDecryptionVersion: 2 }),
    },
  },
];

async function scrapeOnce(url: string): Promise<string | undefined> {
  try {
    const r = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(1000) });
    return r.status === 200 ? await r.text() : undefined;
  } catch {
    return undefined;
  }
}

/** Runs one scenario end to end and returns its scrapes. */
export async function runScenario(spec: ScenarioSpec): Promise<ScenarioRun> {
  const emu = await startEmulator(spec.emulator ?? {});
  const cleanups: Array<() => unknown> = [() => emu.stop()];
  try {
    let statePath: string | undefined;
    let stateDir = "";
    if (spec.tmpfsState) {
      stateDir = `/tmp/bkp-monitoring-state-${process.pid}-${Math.random().toString(36).slice(2)}`;
      mountTmpfs(stateDir);
      cleanups.push(() => {
        Bun.spawnSync(["umount", stateDir]);
        rmSync(stateDir, { recursive: true, force: true });
      });
      statePath = join(stateDir, "key-registry.json");
    }
    const auth = (jwtFile: string) => `[auth]
method = "jwt"
${spec.auth ?? ""}

[auth.jwt]
source = "file"
mount_path = "${emu.jwtMount}"
role = "${emu.jwtRole}"
jwt_file = "${jwtFile}"
`;
    const files = writeProviderFiles(emu, {
      logLevel: "info",
      timeout: "2s",
      statePath,
      auth,
      extraToml: `\n[status]\n${fastStatus}\n\n${spec.toml ?? ""}`,
    });
    cleanups.push(() => files.cleanup());
    if (!statePath) stateDir = join(files.dir, "state");
    const provider = await startProvider(files);
    cleanups.push(() => provider.stop().catch(() => {}));
    const { metrics } = await listenerUrls(provider);
    const client = new PyKmsClient(files.socketPath);
    cleanups.push(() => client.close());
    const ctx: ScenarioContext = { emu, files, provider, stateDir };

    // The Python client takes a while to start: have one ciphertext before the first scrape,
    // so Decrypt traffic (what kube-apiserver sends on reads) runs through every scenario.
    let last: EncryptReply | undefined = await client.encrypt(new Uint8Array(32).fill(7), 10);
    if (!last.ok) throw new Error(`warm-up encrypt failed: ${JSON.stringify(last)}`);
    let busy = false;
    const traffic = (i: number) => {
      if (busy || provider.proc.exitCode !== null) return;
      busy = true;
      void (async () => {
        await client.status(1);
        if (i % 3 === 0) {
          const e = await client.encrypt(new Uint8Array(32).fill(i % 251), 1);
          if (e.ok) last = e;
          if (last) await client.decrypt(last, 1);
        }
      })().finally(() => (busy = false));
    };

    const scrapes: Scrape[] = [];
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      await spec.actions?.[i]?.(ctx);
      traffic(i);
      const due = t0 + i * cadenceMs;
      if (performance.now() < due) await Bun.sleep(due - performance.now());
      scrapes.push({ atMs: Math.round(performance.now() - t0), body: await scrapeOnce(metrics) });
    }
    while (busy) await Bun.sleep(10);
    return { name: spec.name, scrapes, faultAt: leadIn };
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}
