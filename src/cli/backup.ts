// `backup --out DIR` / `backup --verify DIR`: a consistent copy of this node's key registry (the
// state file and its checkpoint) with SHA-256 sums, and its check. It never takes the state
// lock, so it works while `serve` runs (docs/decisions/backup.md): the registry is always
// written state first, then checkpoint, each by an atomic rename, so reading the checkpoint
// first and the state second always gives a pair the strict loader accepts ("current", or
// "behind" when a save landed in between; a "behind" pair is re-read a few times). The copy is
// then loaded from DIR with the provider's own strict loader and checked against this config's
// key_id scope before the command reports success.

import { createHash } from "node:crypto";
import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { identityFingerprint } from "../config/fingerprint.ts";
import type { Config } from "../config/schema.ts";
import { keyScopeOf } from "../keys/scope.ts";
import { createFileRegistryStore, maxStateFileBytes } from "../registry/store/file-store.ts";
import { RegistryError } from "../registry/types.ts";
import { validateScope } from "../registry/validate.ts";
import { formatFlags, parseFlags } from "./args.ts";
import { CliError, exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import { writeExclusive } from "./init-write.ts";
import type { Io } from "./io.ts";
import { loadCliConfig } from "./load-config.ts";

const flags = {
  config: { type: "string", value: "PATH", description: "config file (env BAO_KMS_PROVIDER_CONFIG); state.path names the registry", default: undefined },
  out: { type: "string", value: "DIR", description: "write a backup into DIR (absent, or empty; created 0700)", default: undefined },
  verify: { type: "string", value: "DIR", description: "check a backup: sums, strict load, this config's key_id scope", default: undefined },
} as const;

export const backupHelp = `Usage: bao-kms-provider backup --out DIR [--config PATH]
       bao-kms-provider backup --verify DIR [--config PATH]

--out: copies this node's key registry (state.path and state.path.checkpoint) into DIR as a
consistent pair, also while serve runs (no lock needed: the checkpoint is read before the
state, and the copy is loaded with the provider's strict loader before success is reported),
and writes DIR/SHA256SUMS (check with: cd DIR && sha256sum -c SHA256SUMS) and DIR/backup.json
(generation, state hash, identityFingerprint; no secrets). Prints the generation, the state
hash and the SHA-256 of SHA256SUMS to record next to the backup.
--verify: checks SHA256SUMS, loads the pair strictly and checks it belongs to this config's
key_id scope. Restore steps: docs/backup-and-restore.md.
Exit codes: 0 ok, 1 write failure, 2 usage, 3 config invalid, 4 the registry or backup is not
usable (no state yet, damaged, wrong cluster, sums do not match).

Flags:
${formatFlags(flags)}
`;

const stateName = "key-registry.json";
const checkpointName = `${stateName}.checkpoint`;
const sumsName = "SHA256SUMS";
const manifestName = "backup.json";
/** Re-reads of a pair whose checkpoint was behind (a save landed between the two reads). */
const maxReads = 5;

export async function runBackup(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, flags);
  if (f.help) {
    io.out(backupHelp);
    return exitCodes.ok;
  }
  if ((f.out === undefined) === (f.verify === undefined)) throw usageError("give exactly one of --out DIR and --verify DIR");
  const config = await loadCliConfig(f.config, io);
  return f.out !== undefined ? await backup(config, resolve(f.out), io) : await verify(config, resolve(f.verify as string), io);
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Reads a registry file (regular, not a symlink, bounded), or undefined when absent. */
function readRegistryFile(path: string): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw new CliError(exitCodes.checkFailed, `cannot open ${path} (${code ?? "error"})`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new CliError(exitCodes.checkFailed, `${path} is not a regular file`);
    const buf = Buffer.alloc(maxStateFileBytes + 1);
    let filled = 0;
    for (;;) {
      const n = readSync(fd, buf, filled, buf.length - filled, null);
      if (n === 0) break;
      filled += n;
      if (filled > maxStateFileBytes) throw new CliError(exitCodes.checkFailed, `${path} is larger than ${maxStateFileBytes} bytes`);
    }
    return buf.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/** Loads DIR's pair with the provider's loader and checks its scope; throws CliError(4) when unusable. */
async function loadCopy(dir: string, config: Config) {
  let loaded;
  try {
    loaded = await createFileRegistryStore(join(dir, stateName)).load();
  } catch (e) {
    if (e instanceof RegistryError) throw new CliError(exitCodes.checkFailed, `backup in ${dir} is not usable (${e.kind}): ${e.message}`);
    throw e;
  }
  if (loaded.kind !== "loaded") throw new CliError(exitCodes.checkFailed, `backup in ${dir} holds no state`);
  try {
    validateScope(loaded.state, keyScopeOf(config));
  } catch (e) {
    if (e instanceof RegistryError) throw new CliError(exitCodes.checkFailed, `backup in ${dir} belongs to another key_id scope than this config: ${e.message}`);
    throw e;
  }
  return loaded;
}

async function backup(config: Config, out: string, io: Io): Promise<ExitCode> {
  const statePath = config.state.path;
  // Read the pair before touching DIR: nothing is written for a node without state.
  let pair: { checkpoint: Uint8Array; state: Uint8Array } | undefined;
  let reads = 0;
  let behind = false;
  for (; reads < maxReads; reads++) {
    const checkpoint = readRegistryFile(`${statePath}.checkpoint`);
    const state = readRegistryFile(statePath);
    if (state === undefined) {
      throw new CliError(exitCodes.checkFailed, checkpoint === undefined ? `no key registry at ${statePath} (serve creates it at its first start)` : `${statePath}.checkpoint exists but ${statePath} does not: this node's registry is damaged; back up another control-plane node`);
    }
    if (checkpoint === undefined) throw new CliError(exitCodes.checkFailed, `${statePath} has no checkpoint beside it; refusing to back up an unchecked state`);
    pair = { checkpoint, state };
    behind = !checkpointMatches(checkpoint, state);
    if (!behind) break;
    await Bun.sleep(20);
  }
  if (pair === undefined) throw new CliError(exitCodes.checkFailed, "could not read the key registry");

  // The registry files are UTF-8 JSON (checked again by the loader below).
  const decode = (b: Uint8Array, what: string) => {
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(b);
    } catch {
      throw new CliError(exitCodes.checkFailed, `${what} is not valid UTF-8`);
    }
  };
  const stateText = decode(pair.state, statePath);
  const checkpointText = decode(pair.checkpoint, `${statePath}.checkpoint`);
  prepareOutDir(out);
  writeExclusive(join(out, stateName), stateText, 0o600);
  writeExclusive(join(out, checkpointName), checkpointText, 0o600);

  const loaded = await loadCopy(out, config);
  const manifest = {
    format: "bao-kms-provider-backup/v1",
    createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    statePath,
    generation: loaded.state.generation,
    stateHash: loaded.state.currentHash,
    checkpoint: loaded.checkpoint,
    identityFingerprint: identityFingerprint(config),
  };
  writeExclusive(join(out, manifestName), JSON.stringify(manifest, null, 2) + "\n", 0o600);
  const sums = [stateName, checkpointName, manifestName].map((n) => `${sha256(readRegistryFile(join(out, n)) as Uint8Array)}  ${n}\n`).join("");
  writeExclusive(join(out, sumsName), sums, 0o600);
  io.out(
    [
      `Backed up ${statePath} and its checkpoint to ${out}${reads > 0 ? ` (re-read ${reads}x: serve saved meanwhile)` : ""}:`,
      `  generation:          ${loaded.state.generation} (checkpoint ${loaded.checkpoint})`,
      `  state hash:          ${loaded.state.currentHash}`,
      `  identityFingerprint: ${manifest.identityFingerprint}`,
      `  SHA256SUMS sha256:   ${sha256(new TextEncoder().encode(sums))}`,
      `Record these with the backup; check it later with: cd ${out} && sha256sum -c ${sumsName}  (or bao-kms-provider backup --verify ${out})`,
      "",
    ].join("\n"),
  );
  return exitCodes.ok;
}

/** True when the checkpoint names the state's own generation and hash (a "current" pair). */
function checkpointMatches(checkpoint: Uint8Array, state: Uint8Array): boolean {
  try {
    const cp = JSON.parse(new TextDecoder().decode(checkpoint)) as { generation?: unknown; currentHash?: unknown };
    const st = JSON.parse(new TextDecoder().decode(state)) as { generation?: unknown; currentHash?: unknown };
    return cp.generation === st.generation && cp.currentHash === st.currentHash;
  } catch {
    return true; // not JSON: the strict loader says what is wrong
  }
}

async function verify(config: Config, dir: string, io: Io): Promise<ExitCode> {
  const sums = readRegistryFile(join(dir, sumsName));
  if (sums === undefined) throw new CliError(exitCodes.checkFailed, `${join(dir, sumsName)} is missing`);
  const listed = new TextDecoder().decode(sums).split("\n").filter((l) => l !== "");
  const names = new Set<string>();
  for (const line of listed) {
    const m = /^([0-9a-f]{64}) {2}([A-Za-z0-9._-]+)$/.exec(line);
    if (m === null) throw new CliError(exitCodes.checkFailed, `${sumsName}: malformed line`);
    const bytes = readRegistryFile(join(dir, m[2]!));
    if (bytes === undefined) throw new CliError(exitCodes.checkFailed, `${m[2]} is listed in ${sumsName} but missing`);
    if (sha256(bytes) !== m[1]) throw new CliError(exitCodes.checkFailed, `${m[2]}: SHA-256 does not match ${sumsName}; the backup was changed or damaged`);
    names.add(m[2]!);
  }
  for (const n of [stateName, checkpointName]) if (!names.has(n)) throw new CliError(exitCodes.checkFailed, `${sumsName} does not cover ${n}`);
  const loaded = await loadCopy(dir, config);
  io.out(
    [
      `Backup in ${dir} is usable for this config:`,
      `  generation:          ${loaded.state.generation} (checkpoint ${loaded.checkpoint})`,
      `  state hash:          ${loaded.state.currentHash}`,
      `  SHA256SUMS sha256:   ${sha256(sums)}`,
      "",
    ].join("\n"),
  );
  return exitCodes.ok;
}

function prepareOutDir(dir: string): void {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (st === undefined) {
    try {
      mkdirSync(dir, { mode: 0o700 });
      chmodSync(dir, 0o700);
    } catch (e) {
      throw new CliError(exitCodes.error, `cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
    }
    return;
  }
  if (st.isSymbolicLink() || !st.isDirectory()) throw new CliError(exitCodes.error, `${dir} is not a directory`);
  if ((st.mode & 0o022) !== 0) throw new CliError(exitCodes.error, `${dir} must not be group- or world-writable (the loader refuses such a directory)`);
  if (readdirSync(dir).length > 0) throw new CliError(exitCodes.error, `${dir} is not empty; backup never overwrites (${basename(dir)})`);
}
