// README's exit-code table, row by row: the test reads the table from README.md and runs one
// scenario per row against the compiled binary, so a row that drifts from reality (or a row
// without a scenario) fails here.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { captureProviderLines } from "../helpers/log-capture.ts";
import { ensureBinary, repoRoot, startProvider, writeProviderFiles } from "../helpers/provider.ts";
import { PyKmsClient } from "../helpers/py-kms-client.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  emu?.clearFaults();
  await emu?.stop();
});

/** The first column of README's "| exit | meaning |" table. */
function readmeRows(): string[] {
  const text = readFileSync(join(repoRoot, "README.md"), "utf8");
  const start = text.indexOf("| exit | meaning |");
  expect(start).toBeGreaterThan(0);
  const rows: string[] = [];
  for (const line of text.slice(start).split("\n").slice(2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.split("|")[1]!.trim());
  }
  return rows;
}

interface Outcome {
  code: number | null;
  signal: string | null;
  stderr: string;
}

async function run(args: string[], o: { killAtMs?: number; signal?: "SIGTERM" | "SIGINT" } = {}): Promise<Outcome> {
  const p = Bun.spawn([ensureBinary(), ...args], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
  const stderr = new Response(p.stderr).text();
  if (o.killAtMs !== undefined) {
    await Bun.sleep(o.killAtMs);
    p.kill(o.signal ?? "SIGTERM");
  }
  const guard = setTimeout(() => p.kill("SIGKILL"), 20_000);
  await p.exited;
  clearTimeout(guard);
  const err = await stderr;
  captureProviderLines(err.split("\n").filter(Boolean));
  return { code: p.exitCode, signal: p.signalCode === null ? null : String(p.signalCode), stderr: err };
}

const noGrace = '[bootstrap]\ngrace_timeout = "0s"\n';
const slowGrace = '[bootstrap]\ngrace_timeout = "60s"\nretry_interval = "200ms"\n';
const wrongRole = (jwtFile: string) => `[auth]\nmethod = "jwt"\n\n[auth.jwt]\nsource = "file"\nmount_path = "${"auth/jwt"}"\nrole = "no-such-role"\njwt_file = "${jwtFile}"\n`;

/** A second signal while a call is parked at a hung OpenBao during the drain: ends by that signal. */
async function secondSignalWhileDraining(): Promise<void> {
  const files = writeProviderFiles(emu, { timeout: "30s" });
  const p = await startProvider(files);
  const client = new PyKmsClient(files.socketPath);
  try {
    const enc = await client.encrypt(new Uint8Array(32).fill(7));
    emu.hang(true, "/v1/transit/decrypt");
    emu.resetCounts();
    const parked = client.decrypt(enc, 60);
    for (const t0 = performance.now(); emu.count({ pathPrefix: "/v1/transit/decrypt" }) < 1; ) {
      if (performance.now() - t0 > 5000) throw new Error("the call never reached OpenBao");
      await Bun.sleep(5);
    }
    p.signal("SIGTERM");
    for (const t0 = performance.now(); !p.output.some((l) => l.includes('"draining"')); ) {
      if (performance.now() - t0 > 5000) throw new Error("no drain");
      await Bun.sleep(5);
    }
    p.signal("SIGINT");
    await p.proc.exited;
    expect({ code: p.proc.exitCode, signal: p.proc.signalCode }).toEqual({ code: null, signal: "SIGINT" });
    await parked;
  } finally {
    emu.hang(false, "/v1/transit/decrypt");
    await client.close();
    await p.stop();
    files.cleanup();
  }
}

/** One scenario per row; each returns what it observed for the row's exit. */
const scenarios: Record<string, () => Promise<void>> = {
  "0": async () => {
    const files = writeProviderFiles(emu);
    try {
      const p = await startProvider(files);
      expect(await p.stop("SIGTERM")).toBe(0);
    } finally {
      files.cleanup();
    }
  },
  "1": async () => {
    // init never writes into a non-empty directory: exit 1, nothing written. (Valid values: a
    // provider config is one.)
    const files = writeProviderFiles(emu);
    const out = mkdtempSync("/tmp/exit1-");
    writeFileSync(`${out}/keep`, "x");
    try {
      const r = await run(["init", "--values", files.configPath, "--out", out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("is not empty; init never overwrites generated files");
      expect(readdirSync(out)).toEqual(["keep"]);
    } finally {
      rmSync(out, { recursive: true, force: true });
      files.cleanup();
    }
  },
  "2": async () => {
    const r = await run(["serve", "--no-such-flag"]);
    expect(r.code).toBe(2);
  },
  "3": async () => {
    const files = writeProviderFiles(emu);
    try {
      // A config problem, then the row's example: a state file with an unsafe mode.
      writeFileSync(files.statePath, "{}", { mode: 0o644 });
      chmodSync(files.statePath, 0o644);
      const r = await run(["serve", "--config", files.configPath]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("state.path: file permissions unsafe");
      const c = await run(["config", "check", "--config", files.configPath]);
      expect(c.code).toBe(3);
    } finally {
      files.cleanup();
    }
  },
  "4": async () => {
    const r = await run(["probe", "--socket", "/run/openbao-kms/no-such-dir-h7/kms.sock", "--timeout", "1s"]);
    expect(r.code).toBe(4);
  },
  "5": async () => {
    const files = writeProviderFiles(emu, { extraToml: noGrace, auth: wrongRole });
    try {
      const r = await run(["serve", "--config", files.configPath]);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain("login_rejected");
    } finally {
      files.cleanup();
    }
  },
  "killed by SIGTERM (143) / SIGINT (130)": async () => {
    await secondSignalWhileDraining();
    for (const [signal, at] of [["SIGTERM", 10], ["SIGTERM", 300], ["SIGINT", 300]] as const) {
      const files = writeProviderFiles(emu, { extraToml: slowGrace, auth: wrongRole });
      try {
        const r = await run(["serve", "--config", files.configPath], { killAtMs: at, signal });
        expect({ at, code: r.code, signal: r.signal }).toEqual({ at, code: null, signal });
      } finally {
        files.cleanup();
      }
    }
  },
};

test("README's exit-code table has a scenario for every row, and no scenario without a row", () => {
  expect(readmeRows().sort()).toEqual(Object.keys(scenarios).sort());
});

for (const row of readmeRows()) {
  test(`exit-code row "${row}" is what the binary does`, async () => {
    const scenario = scenarios[row];
    if (scenario === undefined) throw new Error(`no scenario for README row ${row}`);
    await scenario();
  }, 30_000);
}
