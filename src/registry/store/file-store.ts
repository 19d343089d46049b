// The registry on disk (reference §4.5–4.6): `key-registry.json` and its `.checkpoint`, loaded
// with the file and directory checks, strict decoding, content validation and rollback
// detection; saved atomically (temp file O_EXCL, write, fsync, rename, fsync of the directory),
// state first, then checkpoint, so a crash at any point leaves a pair that loads (the state is
// then exactly one generation ahead of its checkpoint and linked to it, which is accepted as
// "behind"; any other distance is rollback). Reads v1alpha1 and v1alpha2, writes v1alpha2 only:
// a v1alpha1 state is upgraded by the next save, which logs it once.

import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync, fchmodSync, lstatSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { decodeCheckpoint, decodeState, encodeCheckpoint, encodeState } from "../codec.ts";
import type { Logger } from "../../platform/log.ts";
import { type ExpectedIdentity, type Transition, validateIdentity, validateProgress, validateState } from "../validate.ts";
import { type Checkpoint, checkpointSchemaVersion, legacyStateSchemaVersion, type LoadResult, RegistryError, type RegistryState, type RegistryStore, stateSchemaVersion } from "../types.ts";

/** A state file larger than this is refused (thousands of rotations fit in far less). */
export const maxStateFileBytes = 4 * 1024 * 1024;
/** Bits a state or checkpoint file must not have: group write, and any execute or world bit. */
export const stateFileForbiddenBits = 0o137;
const fileMode = 0o640;

export interface FileRegistryStore extends RegistryStore {
  /** Saves a generation made by retire-versions or restore-versions (only they may drop or revive identities). */
  saveTransition(next: RegistryState, transition: Transition): Promise<void>;
}

export interface FileRegistryStoreOptions {
  /**
   * The configured identity. With it, load refuses a state written for another scope or config
   * fingerprint (validateIdentity), and save writes no other fingerprint. Every command that
   * runs against a real config passes it; only tests of the file format leave it out.
   */
  readonly identity?: ExpectedIdentity;
  /** Where the one-time v1alpha1 → v1alpha2 upgrade is reported. */
  readonly log?: Pick<Logger, "info">;
}

export function createFileRegistryStore(statePath: string, options: FileRegistryStoreOptions = {}): FileRegistryStore {
  const dir = dirname(statePath);
  const checkpointPath = `${statePath}.checkpoint`;
  /** The last state loaded or saved: every save must be a valid progression from it. */
  let last: RegistryState | undefined;
  /** Whether load() has run: saving blind could overwrite a state this store never checked. */
  let loaded = false;
  /** The checkpoint on disk names the generation before `last` (a save was cut between its two renames). */
  let checkpointBehind = false;
  const writeCheckpoint = (s: RegistryState) => {
    const checkpoint: Checkpoint = { schemaVersion: checkpointSchemaVersion, generation: s.generation, currentHash: s.currentHash };
    writeAtomically(checkpointPath, encodeCheckpoint(checkpoint));
  };

  const save = async (next: RegistryState, transition: Transition) => {
    if (!loaded) throw new RegistryError("progress", "refusing to save: the state was not loaded first");
    validateState(next);
    if (next.schemaVersion !== stateSchemaVersion) throw new RegistryError("progress", `refusing to save generation ${next.generation}: only ${stateSchemaVersion} is written`);
    if (options.identity !== undefined && next.identityFingerprint !== options.identity.fingerprint) {
      throw new RegistryError("progress", `refusing to save generation ${next.generation}: its identityFingerprint is not the config's (${options.identity.fingerprint})`);
    }
    if (last !== undefined) validateProgress(last, next, transition);
    else if (next.generation !== 1 || next.previousHash !== undefined) {
      throw new RegistryError("progress", `refusing to save generation ${next.generation}: with no state on disk only generation 1 (no previousHash) may be created`);
    }
    checkDirectory(dir);
    // Catch the checkpoint up first: the state on disk may only ever be the checkpoint's
    // generation or its direct successor, so a second cut save must not widen the gap.
    if (checkpointBehind && last !== undefined) {
      writeCheckpoint(last);
      checkpointBehind = false;
    }
    writeAtomically(statePath, encodeState(next));
    writeCheckpoint(next);
    if (last?.schemaVersion === legacyStateSchemaVersion) {
      options.log?.info("registry.schema_upgraded", { outcome: "upgraded", version: stateSchemaVersion, reason: `from ${legacyStateSchemaVersion}`, generation: next.generation });
    }
    last = next;
  };

  return {
    async load(): Promise<LoadResult> {
      checkDirectory(dir);
      const stateText = readPrivateFile(statePath, "state file");
      const checkpointText = readPrivateFile(checkpointPath, "checkpoint file");
      if (stateText === undefined) {
        if (checkpointText === undefined) {
          loaded = true;
          last = undefined;
          checkpointBehind = false;
          return { kind: "missing" };
        }
        throw new RegistryError(
          "checkpoint_without_state",
          `${checkpointPath} exists but ${statePath} does not: restore the state file from a backup or another control-plane node (never delete the checkpoint to get past this)`,
        );
      }
      const state = decodeState(stateText);
      validateState(state);
      let checkpoint: "current" | "behind" | "absent" = "absent";
      if (checkpointText !== undefined) checkpoint = checkAgainstCheckpoint(state, decodeCheckpoint(checkpointText));
      if (options.identity !== undefined) validateIdentity(state, options.identity);
      last = state;
      loaded = true;
      checkpointBehind = checkpoint === "behind";
      return { kind: "loaded", state, checkpoint };
    },
    save: (next) => save(next, "observe"),
    saveTransition: (next, transition) => save(next, transition),
  };
}

/**
 * The state must be the checkpoint's generation with its hash ("current"), or its direct
 * successor linked to it ("behind": a crash between the two renames of a save). Anything else
 * was not written by a save that followed this checkpoint: an older state, a gap of more than
 * one generation, or a successor on another branch of the chain is rollback.
 */
function checkAgainstCheckpoint(state: RegistryState, cp: Checkpoint): "current" | "behind" {
  const rollback = (message: string) => new RegistryError("rollback", message);
  if (state.generation < cp.generation) {
    throw rollback(`state generation ${state.generation} is older than its checkpoint (generation ${cp.generation}): the state file was rolled back; restore the newest state`);
  }
  if (state.generation === cp.generation) {
    if (state.currentHash !== cp.currentHash) throw rollback(`state generation ${state.generation} does not match its checkpoint's hash: the state file was replaced`);
    return "current";
  }
  if (state.generation > cp.generation + 1) {
    throw rollback(`state generation ${state.generation} is more than one ahead of its checkpoint (generation ${cp.generation}): restore the state and checkpoint together, as one pair`);
  }
  if (state.previousHash !== cp.currentHash) {
    throw rollback(`state generation ${state.generation} does not follow its checkpoint (generation ${cp.generation}): its previousHash is not the checkpoint's hash; restore the state and checkpoint together, as one pair`);
  }
  return "behind";
}

function checkDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new RegistryError("io", `state directory ${dir} does not exist`);
    if (code === "ELOOP" || code === "ENOTDIR") throw new RegistryError("permission", `state directory ${dir} is a symlink or not a directory`);
    throw new RegistryError("permission", `cannot open state directory ${dir} (${code ?? "error"})`, { errno: code });
  }
  try {
    if ((fstatSync(fd).mode & 0o022) !== 0) throw new RegistryError("permission", `state directory ${dir} must not be group- or world-writable`);
  } finally {
    closeSync(fd);
  }
}

/** Reads a state/checkpoint file, or undefined when it does not exist. Refuses symlinks, FIFOs, unsafe modes, huge files. */
function readPrivateFile(path: string, what: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new RegistryError("permission", `${what} ${path} is a symlink`);
    throw new RegistryError("permission", `cannot open ${what} ${path} (${code ?? "error"})`, { errno: code });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new RegistryError("permission", `${what} ${path} is not a regular file`);
    if ((st.mode & stateFileForbiddenBits) !== 0) {
      throw new RegistryError("permission", `${what} ${path} has mode 0${(st.mode & 0o777).toString(8)}: it must not be group-writable, executable or world-accessible (0640)`);
    }
    if (st.size > maxStateFileBytes) throw new RegistryError("corrupt", `${what} ${path} is larger than ${maxStateFileBytes} bytes`);
    const buf = Buffer.alloc(maxStateFileBytes + 1);
    let filled = 0;
    for (;;) {
      const n = readSync(fd, buf, filled, buf.length - filled, null);
      if (n === 0) break;
      filled += n;
      if (filled > maxStateFileBytes) throw new RegistryError("corrupt", `${what} ${path} is larger than ${maxStateFileBytes} bytes`);
    }
    try {
      // ignoreBOM: a byte order mark is kept, so the decoder refuses it (Go's encoding/json does too).
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buf.subarray(0, filled));
    } catch {
      throw new RegistryError("corrupt", `${what} ${path} is not valid UTF-8`);
    }
  } finally {
    closeSync(fd);
  }
}

/** temp file (O_EXCL, 0640) → write → fsync → close → rename over `path` → fsync the directory. */
function writeAtomically(path: string, text: string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp`);
  // A temp file left by a crash mid-write is garbage: the rename never happened.
  try {
    if (lstatSync(tmp).isDirectory()) throw new RegistryError("io", `${tmp} is a directory`);
    unlinkSync(tmp);
  } catch (e) {
    if (e instanceof RegistryError) throw e;
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new RegistryError("io", `cannot remove stale ${tmp}`);
  }
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, fileMode);
  } catch (e) {
    throw ioFailure(`cannot create ${tmp}`, e);
  }
  try {
    fchmodSync(fd, fileMode); // the umask must not decide the mode
    const bytes = Buffer.from(text, "utf8");
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // best effort; the next save removes it
    }
    throw ioFailure(`writing ${tmp} failed`, e);
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    throw ioFailure(`renaming ${tmp} to ${path} failed`, e);
  }
  // The rename is durable only once the directory entry is.
  try {
    const dfd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch (e) {
    throw ioFailure(`fsync of directory ${dir} failed`, e);
  }
}

/** A failed file operation as RegistryError("io"): the message names it and its errno, and `errno` carries the code. */
function ioFailure(what: string, e: unknown): RegistryError {
  const code = (e as NodeJS.ErrnoException).code;
  return new RegistryError("io", `${what} (${code ?? "error"})`, { errno: code });
}

