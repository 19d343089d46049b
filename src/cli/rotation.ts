// Key and rotation operations on one node's registry: `rotation-plan` and `verify-rotation`
// (read-only reports: local state against live Transit metadata), `retire-versions` and
// `restore-versions` (a plan by default; `--apply --expected-state-hash H` takes the state
// lock, re-checks everything, and saves a new generation). key_ids appear only as hashes.

import { archivedAdvice } from "../keys/archive-advice.ts";
import { expectedIdentityOf } from "../keys/identity.ts";
import { keyScopeOf } from "../keys/scope.ts";
import { ConfigError } from "../config/errors.ts";
import { loadConfigFile, resolveConfigPath } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { TransitError } from "../kms/errors.ts";
import { hashValue } from "../kms/hash.ts";
import { AuthError } from "../openbao/auth/errors.ts";
import { createAuthFromConfig } from "../openbao/auth/from-config.ts";
import { openBaoHttpFromConfig, readCaBundle } from "../openbao/from-config.ts";
import type { KeyMetadata } from "../kms/ports.ts";
import { createTransitClient, type TransitClient } from "../openbao/transit-client.ts";
import { createFileRegistryStore } from "../registry/store/file-store.ts";
import { acquireStateLock } from "../registry/store/lock.ts";
import { restoreVersions, retireVersions } from "../registry/transitions.ts";
import { RegistryError, type LoadResult, type RegistryState, type RegistryStore, type SnapshotRecord } from "../registry/types.ts";
import { validateScope } from "../registry/validate.ts";
import { deepProbe } from "../status/deep-probe.ts";
import { observe, RotationError, validateMetadata, versionAvailability } from "../status/rotation.ts";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { CliError, exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";

const configFlag = { type: "string", value: "PATH", description: "config file (env BAO_KMS_PROVIDER_CONFIG, else /etc/openbao-kms/config.toml)" } as const;
const outputFlag = { type: "string", value: "FORMAT", description: "text or json", default: "text" } as const;
const reportFlags = { config: configFlag, output: outputFlag } as const;
const applyFlags = {
  apply: { type: "boolean", description: "save the change (default: print the plan only)" },
  "expected-state-hash": { type: "string", value: "HASH", description: "stateHash of the reviewed plan (krs1.…); required with --apply" },
} as const;
const retireFlags = {
  config: configFlag,
  "before-version": { type: "string", value: "N", description: "remove retired versions below N from decrypt lookup (2 ≤ N ≤ active version)" },
  ...applyFlags,
  output: outputFlag,
} as const;
const restoreFlags = {
  config: configFlag,
  versions: { type: "string", value: "LIST", description: "comma-separated removed versions to make decryptable again, e.g. 1,2" },
  ...applyFlags,
  output: outputFlag,
} as const;

/** What local state cannot prove; printed by verify-rotation, retire-versions and restore-versions. */
export const rotationLimitations = [
  "local state cannot prove that every Secret in etcd was rewritten under the active key (run a storage migration: kubectl get secrets -A -o json | kubectl replace -f -)",
  "local state cannot see etcd backups or other clusters' data encrypted under older versions",
  "each control-plane node has its own registry: run the same command on every node",
] as const;

export const rotationPlanHelp = `Usage: bao-kms-provider rotation-plan [--config PATH] [--output text|json]

Read-only report of this node's key registry (state.path) against live Transit metadata:
state generation and hash, checkpoint status (current|behind|missing|absent), the active and
latest Transit versions, any pending version with its stable observation count and the time
it can be promoted (promotesAfter; a restart waits rotation.activation_delay again), what
the next metadata probe would conclude, and retained versions that Transit archives below
min_decryption_version (archivedVersions, with archivedAdvice: lowering the minimum brings
them back). When the next probe would promote, it runs the candidate's encrypt/decrypt round
trip once (pendingRoundTrip: ok or a failure class; serve defers the promotion while it fails).
key_ids are shown as hashes. Nothing is written.
Exit codes: 0 report printed, 2 usage, 3 config invalid, 4 state unreadable, OpenBao metadata
unreadable (auth, TLS, permission), or no state and the key is already rotated.

Flags:
${formatFlags(reportFlags)}
`;

export const verifyRotationHelp = `Usage: bao-kms-provider verify-rotation [--config PATH] [--output text|json]

The rotation-plan view plus a verdict: the rotation is complete on this node when the state
loads, live metadata validates it, nothing is pending, and the active version is Transit's
latest. Confidence is limited: local state cannot prove every object or backup was rewritten
(the limitations are listed). Nothing is written.
Exit codes: 0 complete, 2 usage, 3 config invalid, 4 not complete or not verifiable.

Flags:
${formatFlags(reportFlags)}
`;

export const retireVersionsHelp = `Usage: bao-kms-provider retire-versions --before-version N [--apply --expected-state-hash H] [--config PATH] [--output text|json]

Plans (default) or applies the removal of retired Transit versions below N from this node's
decrypt lookup: ciphertext under those versions then fails with NOT_FOUND. OpenBao is not
changed. Refused while a rotation is pending, when N is outside 2..active version, when the
active version is not Transit's latest, or when live metadata does not validate the result:
retired versions Transit trimmed (below min_available_version) may be removed, the rest must
validate. --apply needs the stateHash printed by the plan you
reviewed, takes the state lock (stop serve on this node first, and run as the service user:
runuser -u openbao-kms -- bao-kms-provider …), checks live metadata again and saves a new
generation. Run it on every control-plane node; restore-versions undoes it.
Exit codes: 0 planned or applied, 2 usage, 3 config invalid, 4 refused, stale hash, or save failed.

Flags:
${formatFlags(retireFlags)}
`;

export const restoreVersionsHelp = `Usage: bao-kms-provider restore-versions --versions a,b [--apply --expected-state-hash H] [--config PATH] [--output text|json]

Plans (default) or applies making removed versions decryptable again (removed → retired) on
this node. The active key does not change. Each version must be removed in the registry and
still present in Transit with the same creation time. A version Transit archives below
min_decryption_version is refused with the command that lowers the minimum (which brings it
back unchanged); a trimmed one (min_available_version) can never come back. --apply needs the reviewed stateHash and the state lock (stop serve
on this node first, and run as the service user).
Exit codes: 0 planned or applied, 2 usage, 3 config invalid, 4 refused, stale hash, or save failed.

Flags:
${formatFlags(restoreFlags)}
`;

// ---------------------------------------------------------------- shared plumbing

type Format = "text" | "json";

async function loadConfig(flag: string | undefined, io: Io): Promise<Config> {
  try {
    return await loadConfigFile(resolveConfigPath(flag, io.env), { env: io.env });
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(exitCodes.config, e.message);
    throw e;
  }
}

/** A failure's class for reports, never OpenBao's text. */
function failureClass(e: unknown): string {
  if (e instanceof AuthError) return `auth_${e.authClass}`;
  if (e instanceof TransitError) return e.kind;
  if (e instanceof DOMException && e.name === "TimeoutError") return "timeout";
  return "failed";
}

/** Reads the key metadata once (login included); failures become a class, never OpenBao's text. */
async function readMetadata(config: Config): Promise<{ meta: KeyMetadata; transit: TransitClient } | { error: string }> {
  let caPem: string;
  try {
    caPem = await readCaBundle(config.openbao.caCertFile);
  } catch {
    return { error: "ca_cert_unreadable" };
  }
  const http = openBaoHttpFromConfig(config, caPem);
  const tokens = createAuthFromConfig(config, http);
  const transit = createTransitClient({ http, tokens, mountPath: config.transit.mountPath, keyName: config.transit.keyName });
  try {
    return { meta: await transit.readKey(AbortSignal.timeout(config.openbao.timeoutMs * 3)), transit };
  } catch (e) {
    return { error: failureClass(e) };
  }
}

type Loaded = LoadResult | { readonly kind: "error"; readonly error: RegistryError };

async function loadState(config: Config, store: RegistryStore = createFileRegistryStore(config.state.path, { identity: expectedIdentityOf(config) })): Promise<Loaded> {
  try {
    const loaded = await store.load();
    if (loaded.kind === "loaded") validateScope(loaded.state, keyScopeOf(config));
    return loaded;
  } catch (e) {
    if (e instanceof RegistryError) return { kind: "error", error: e };
    throw e;
  }
}

const activeOf = (s: RegistryState) => s.snapshots.find((r) => r.kubernetesKeyId === s.activeKeyId) as SnapshotRecord;
const pendingOf = (s: RegistryState) =>
  s.snapshots.filter((r) => r.state === "pending").sort((a, b) => b.transitVersion - a.transitVersion)[0];
const rfc3339 = (unix: number) => new Date(unix * 1000).toISOString().replace(".000Z", "Z");

function render(view: Record<string, unknown>, format: Format): string {
  if (format === "json") return `${JSON.stringify(view, null, 2)}\n`;
  const lines: string[] = [];
  for (const [k, v] of Object.entries(view)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      lines.push(`${k}:`);
      for (const item of v) lines.push(`  - ${typeof item === "object" && item !== null ? Object.entries(item).map(([a, b]) => `${a}=${String(b)}`).join(" ") : String(item)}`);
    } else lines.push(`${k}: ${v === null ? "-" : String(v)}`);
  }
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------- rotation-plan / verify-rotation

/** The rotation view for people: one labelled line per fact (`--output json` keeps the field names). */
function rotationText(command: string, v: RotationView): string {
  const orNone = (xs: readonly number[]) => (xs.length === 0 ? "none" : xs.join(", "));
  const checkpoint = { current: "checkpoint current", behind: "checkpoint BEHIND the state", missing: "checkpoint MISSING", absent: "no checkpoint" }[v.checkpointStatus];
  const rows: Array<[string, string]> = [
    ["Transit key", v.transitMetadataStatus === "ok" ? `readable, latest version ${v.latestTransitVersion}` : `cannot be read (${v.transitMetadataError ?? "failed"})`],
    ["Key registry", v.stateLoaded ? `generation ${v.stateGeneration}, ${checkpoint}` : v.stateError !== undefined ? `cannot be loaded: ${v.stateError}` : "no state yet"],
    ...(v.stateHash !== null ? [["State hash", `${v.stateHash}  (pass to --expected-state-hash)`] as [string, string]] : []),
    ["Rotation", { stable: "stable: the active version is Transit's latest", pending: "in progress: a newer version is pending", blocked: "BLOCKED: live metadata does not validate the registry", uninitialized: "not started: no key registry yet", unknown: "unknown" }[v.rotationState]],
    ["Active version", v.activeTransitVersion === null ? "none" : `${v.activeTransitVersion} (key_id hash ${v.activeKeyIdHash})`],
    [
      "Pending version",
      v.pendingTransitVersion === null
        ? "none"
        : `${v.pendingTransitVersion} (key_id hash ${v.pendingKeyIdHash}), ${v.pendingStableObservationCount} stable observation(s)${v.pendingPromotesAfter === null ? "" : `, promoted after ${v.pendingPromotesAfter}`}`,
    ],
    ["Decryptable versions", orNone(v.decryptableVersions)],
    ["Removed versions", orNone(v.removedVersions)],
    ["Next probe", v.nextProbe],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  return `${command}:\n${rows.map(([k, val]) => `  ${(k + ":").padEnd(width)} ${val}`).join("\n")}\n`;
}

interface RotationView extends Record<string, unknown> {
  transitMetadataStatus: "ok" | "failed";
  transitMetadataError?: string;
  stateLoaded: boolean;
  stateError?: string;
  stateGeneration: number | null;
  stateHash: string | null;
  checkpointStatus: "current" | "behind" | "missing" | "absent";
  rotationState: "stable" | "pending" | "blocked" | "uninitialized" | "unknown";
  activeKeyIdHash: string | null;
  activeTransitVersion: number | null;
  latestTransitVersion: number | null;
  pendingKeyIdHash: string | null;
  pendingTransitVersion: number | null;
  pendingStableObservationCount: number | null;
  pendingPromotesAfter: string | null;
  nextProbe: string;
  decryptableVersions: number[];
  removedVersions: number[];
  /** Retained versions Transit archives below min_decryption_version (still decryptable in the registry). */
  archivedVersions: number[];
  /** What to do about archivedVersions (null when there are none). */
  archivedAdvice: string | null;
  /**
   * When the next probe would promote: the candidate's encrypt/decrypt round trip, run now by
   * this command ("ok" or the failure class); serve defers the promotion while it fails.
   */
  pendingRoundTrip?: string;
}

async function rotationView(config: Config): Promise<{ view: RotationView; problem?: string }> {
  const [loaded, read] = await Promise.all([loadState(config), readMetadata(config)]);
  const meta = "meta" in read ? read.meta : undefined;
  const state = loaded.kind === "loaded" ? loaded.state : undefined;
  const active = state ? activeOf(state) : undefined;
  const pending = state ? pendingOf(state) : undefined;
  const view: RotationView = {
    transitMetadataStatus: meta ? "ok" : "failed",
    ...("error" in read ? { transitMetadataError: read.error } : {}),
    stateLoaded: state !== undefined,
    ...(loaded.kind === "error" ? { stateError: `${loaded.error.kind}: ${loaded.error.message}` } : {}),
    stateGeneration: state?.generation ?? null,
    stateHash: state?.currentHash ?? null,
    checkpointStatus: loaded.kind === "loaded" ? (loaded.checkpoint === "absent" ? "missing" : loaded.checkpoint) : "absent",
    rotationState: "unknown",
    activeKeyIdHash: active ? hashValue(active.kubernetesKeyId) : null,
    activeTransitVersion: active?.transitVersion ?? null,
    latestTransitVersion: meta?.latestVersion ?? null,
    pendingKeyIdHash: pending ? hashValue(pending.kubernetesKeyId) : null,
    pendingTransitVersion: pending?.transitVersion ?? null,
    pendingStableObservationCount: pending ? (pending.stableObservationCount ?? 0) : null,
    pendingPromotesAfter: pending?.stableAtUnix ? rfc3339(pending.stableAtUnix + Math.ceil(config.rotation.activationDelayMs / 1000)) : null,
    nextProbe: "unknown",
    decryptableVersions: state ? state.snapshots.filter((r) => r.state !== "removed" && r.state !== "rejected").map((r) => r.transitVersion) : [],
    removedVersions: state ? state.snapshots.filter((r) => r.state === "removed").map((r) => r.transitVersion) : [],
    archivedVersions: [],
    archivedAdvice: null,
  };
  if (loaded.kind === "error") return { view, problem: `key registry ${config.state.path}: ${loaded.error.message}` };
  if (meta === undefined) return { view, problem: `cannot read Transit key metadata (${view.transitMetadataError}): run 'bao-kms-provider doctor'` };
  if (state === undefined) {
    view.rotationState = "uninitialized";
    try {
      validateMetadata(meta);
    } catch (e) {
      view.nextProbe = e instanceof RotationError ? `${e.reason}: ${e.message}` : "failed";
      return { view, problem: view.nextProbe };
    }
    if (meta.latestVersion === 1) {
      view.nextProbe = "bootstrap: serve will create generation 1 with version 1 active";
      return { view };
    }
    view.nextProbe = "bootstrap refused: the key has been rotated";
    return {
      view,
      problem: `no key registry state at ${config.state.path} and Transit latest_version is ${meta.latestVersion}: restore ${config.state.path} and ${config.state.path}.checkpoint from a backup or another control-plane node`,
    };
  }
  try {
    const obs = observe({
      records: state.snapshots,
      activeKeyId: state.activeKeyId,
      meta,
      scope: keyScopeOf(config),
      nowMs: Date.now(),
      policy: config.rotation,
      promotionHoldUntilMs: 0,
      mode: "observe",
    });
    view.rotationState = pending !== undefined || meta.latestVersion > (active?.transitVersion ?? 0) ? "pending" : "stable";
    view.archivedVersions = obs.archived.map((r) => r.transitVersion);
    view.archivedAdvice = archivedAdvice(view.archivedVersions, meta, config) ?? null;
    let roundTrip: string | undefined;
    if (obs.promoted && "transit" in read) {
      // The same proof serve runs before it saves a promotion (the deep probe, probe AAD, nothing
      // stored). It cannot see serve's deep circuit breaker: the gauge and log say that one.
      try {
        await deepProbe(read.transit, obs.promoted.to.transitVersion, config.openbao.timeoutMs);
        roundTrip = "ok";
      } catch (e) {
        roundTrip = failureClass(e);
      }
      view.pendingRoundTrip = roundTrip;
    }
    view.nextProbe = obs.promoted
      ? roundTrip === "ok"
        ? `would promote version ${obs.promoted.to.transitVersion} (its round trip passed just now; after the activation delay following a restart)`
        : `would defer the promotion of version ${obs.promoted.to.transitVersion}: its encrypt/decrypt round trip fails (${roundTrip}); the active version keeps serving until it passes`
      : obs.changed
        ? `would record version ${meta.latestVersion} as pending or count an observation`
        : obs.encryptionBlocked
          ? "encryption_blocked: min_encryption_version is above the active version"
          : "no change";
  } catch (e) {
    view.rotationState = "blocked";
    view.nextProbe = e instanceof RotationError ? `${e.reason}: ${e.message}` : "failed";
    return { view, problem: `live Transit metadata does not validate the registry: ${view.nextProbe}` };
  }
  return { view };
}

export async function runRotationPlan(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, reportFlags);
  if (f.help) {
    io.out(rotationPlanHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const config = await loadConfig(f.config, io);
  const { view, problem } = await rotationView(config);
  io.out(format === "json" ? render({ command: "rotation-plan", ...view }, format) : rotationText("rotation-plan", view));
  // A blocked rotation is what this report is for; only an unreadable input is a failure.
  if (problem !== undefined && view.rotationState !== "blocked") {
    io.err(`bao-kms-provider rotation-plan: ${problem}\n`);
    return exitCodes.checkFailed;
  }
  return exitCodes.ok;
}

export async function runVerifyRotation(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, reportFlags);
  if (f.help) {
    io.out(verifyRotationHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const config = await loadConfig(f.config, io);
  const { view, problem } = await rotationView(config);
  const reasons: string[] = [];
  if (problem !== undefined) reasons.push(problem);
  else if (view.rotationState !== "stable") reasons.push(`rotation state is ${view.rotationState}`);
  if (view.pendingTransitVersion !== null) reasons.push(`version ${view.pendingTransitVersion} is pending`);
  if (view.activeTransitVersion !== null && view.latestTransitVersion !== null && view.activeTransitVersion !== view.latestTransitVersion) {
    reasons.push(`active version ${view.activeTransitVersion} is not Transit's latest (${view.latestTransitVersion})`);
  }
  const complete = reasons.length === 0;
  const result = { command: "verify-rotation", complete, ...view, confidence: "limited", limitations: [...rotationLimitations], ...(complete ? {} : { incomplete: reasons }) };
  if (format === "json") io.out(render(result, format));
  else {
    const verdict = complete ? ["Rotation complete on this node (confidence: limited):", ...rotationLimitations.map((l) => `  - ${l}`)] : ["Rotation NOT complete on this node:", ...reasons.map((r) => `  - ${r}`)];
    io.out(`${rotationText("verify-rotation", view)}\n${verdict.join("\n")}\n`);
  }
  return complete ? exitCodes.ok : exitCodes.checkFailed;
}

// ---------------------------------------------------------------- retire-versions / restore-versions

function parseExpectedHash(f: { apply: boolean; "expected-state-hash": string | undefined }): string | undefined {
  const h = f["expected-state-hash"];
  if (f.apply && (h === undefined || h === "")) throw usageError("--apply requires --expected-state-hash (the stateHash of the plan you reviewed)");
  if (!f.apply && h !== undefined) throw usageError("--expected-state-hash is only used with --apply");
  if (h !== undefined && !/^krs1\.[A-Za-z0-9_-]{43}$/.test(h)) throw usageError("--expected-state-hash must be a state hash (krs1. followed by 43 characters)");
  return h;
}

interface Change {
  readonly operation: "retire" | "restore";
  readonly config: Config;
  readonly format: Format;
  readonly apply: boolean;
  readonly expectedHash: string | undefined;
  readonly extra: Record<string, unknown>;
  /** Plans the change on `state`; throws RegistryError when refused. */
  plan(state: RegistryState, meta: KeyMetadata): { next: RegistryState; changed: boolean; records: readonly SnapshotRecord[] };
}

/**
 * Refusals that do not depend on the operation: live metadata must validate every retained
 * version. `tolerateTrimmed` (retire-versions, before planning) leaves out retired versions
 * Transit trimmed (below min_available_version): their ciphertext is already lost, and removing
 * them is what makes the registry agree with OpenBao again. The planned state is then checked
 * without that allowance, so a trimmed version the change does not remove still refuses it.
 */
function checkLive(state: RegistryState, meta: KeyMetadata, config: Config, opts: { readonly tolerateTrimmed?: boolean } = {}): void {
  const records = opts.tolerateTrimmed
    ? state.snapshots.filter((r) => !(r.state === "retired" && versionAvailability(meta, r.transitVersion) === "trimmed"))
    : state.snapshots;
  try {
    observe({ records, activeKeyId: state.activeKeyId, meta, scope: keyScopeOf(config), nowMs: Date.now(), policy: config.rotation, promotionHoldUntilMs: Number.MAX_SAFE_INTEGER, mode: "observe" });
  } catch (e) {
    if (e instanceof RotationError) throw new RegistryError("progress", `live Transit metadata does not validate the registry (${e.reason}): ${e.message}`);
    throw e;
  }
}

async function runChange(c: Change, io: Io): Promise<ExitCode> {
  const refuse = (message: string): ExitCode => {
    io.err(`bao-kms-provider ${c.operation === "retire" ? "retire-versions" : "restore-versions"}: ${message}\n`);
    return exitCodes.checkFailed;
  };
  const read = await readMetadata(c.config);
  if ("error" in read) return refuse(`cannot read Transit key metadata (${read.error}): run 'bao-kms-provider doctor'`);
  // --apply: lock first, so the state cannot change between the check and the save.
  let lock: { release(): void } | undefined;
  try {
    if (c.apply) lock = await acquireStateLock(c.config.state.path);
    // A v1alpha1 state is rewritten as v1alpha2 by this save: say so once.
    const upgraded = { info: () => io.err(`bao-kms-provider: ${c.config.state.path} upgraded from keyregistry.openbao-kms/v1alpha1 to v1alpha2\n`) };
    const store = createFileRegistryStore(c.config.state.path, { identity: expectedIdentityOf(c.config), log: upgraded });
    const loaded = await loadState(c.config, store);
    if (loaded.kind === "error") return refuse(`key registry ${c.config.state.path}: ${loaded.error.message}`);
    if (loaded.kind === "missing") return refuse(`no key registry state at ${c.config.state.path}`);
    const state = loaded.state;
    let planned;
    try {
      planned = c.plan(state, read.meta);
    } catch (e) {
      if (e instanceof RegistryError) return refuse(e.message);
      throw e;
    }
    const view = {
      operation: c.operation,
      applied: false,
      ...c.extra,
      stateHash: state.currentHash,
      nextStateHash: planned.changed ? planned.next.currentHash : state.currentHash,
      nextGeneration: planned.changed ? planned.next.generation : state.generation,
      activeKeyIdHash: hashValue(state.activeKeyId),
      [c.operation === "retire" ? "removedVersions" : "restoredVersions"]: planned.records.map((r) => ({ transitVersion: r.transitVersion, keyIdHash: hashValue(r.kubernetesKeyId), transit: versionAvailability(read.meta, r.transitVersion) })),
      limitations: [...rotationLimitations],
    };
    if (c.apply) {
      if (state.currentHash !== c.expectedHash) {
        io.out(render(view, c.format));
        return refuse(`state hash differs from reviewed plan (now ${state.currentHash}): review the new plan and run again`);
      }
      if (planned.changed) {
        try {
          await store.saveTransition(planned.next, c.operation);
        } catch (e) {
          if (e instanceof RegistryError) return refuse(`saving ${c.config.state.path} failed: ${e.message}`);
          throw e;
        }
      }
      view.applied = planned.changed;
    }
    io.out(render(view, c.format));
    return exitCodes.ok;
  } catch (e) {
    if (e instanceof RegistryError) return refuse(e.message);
    throw e;
  } finally {
    lock?.release();
  }
}

/**
 * The retire-versions plan against live metadata (pure; throws RegistryError when refused).
 * Retired versions Transit trimmed may be removed (their ciphertext is already lost); the
 * planned state must validate in full, so the active version, any trimmed version left behind,
 * or any other inconsistency still refuses it.
 */
export function planRetire(state: RegistryState, meta: KeyMetadata, before: number, config: Config): { next: RegistryState; changed: boolean; records: readonly SnapshotRecord[] } {
  checkLive(state, meta, config, { tolerateTrimmed: true });
  const active = activeOf(state);
  if (meta.latestVersion !== active.transitVersion) {
    throw new RegistryError("progress", `the active version ${active.transitVersion} is not Transit's latest (${meta.latestVersion}): let the rotation finish first`);
  }
  const planned = retireVersions(state, before, expectedIdentityOf(config).fingerprint);
  if (planned.changed) checkLive(planned.next, meta, config);
  return planned;
}

export async function runRetireVersions(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, retireFlags);
  if (f.help) {
    io.out(retireVersionsHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const raw = f["before-version"];
  if (raw === undefined) throw usageError("--before-version is required");
  if (!/^[0-9]{1,9}$/.test(raw)) throw usageError("--before-version must be a whole number");
  const before = Number(raw);
  if (before <= 1) throw usageError("--before-version must be greater than 1 (version 1 has nothing below it)");
  const expectedHash = parseExpectedHash(f);
  const config = await loadConfig(f.config, io);
  return runChange(
    {
      operation: "retire",
      config,
      format,
      apply: f.apply,
      expectedHash,
      extra: { beforeVersion: before },
      plan: (state, meta) => planRetire(state, meta, before, config),
    },
    io,
  );
}

export async function runRestoreVersions(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, restoreFlags);
  if (f.help) {
    io.out(restoreVersionsHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  const raw = f.versions;
  if (raw === undefined || raw.trim() === "") throw usageError("--versions is required (e.g. --versions 1,2)");
  const parts = raw.split(",").map((s) => s.trim());
  if (parts.length > 1000 || parts.some((p) => !/^[0-9]{1,9}$/.test(p) || Number(p) < 1)) throw usageError("--versions must be a comma-separated list of positive whole numbers");
  const versions = [...new Set(parts.map(Number))].sort((a, b) => a - b);
  const expectedHash = parseExpectedHash(f);
  const config = await loadConfig(f.config, io);
  return runChange(
    {
      operation: "restore",
      config,
      format,
      apply: f.apply,
      expectedHash,
      extra: { versions },
      plan: (state, meta) => {
        checkLive(state, meta, config);
        for (const v of versions) {
          // A retired version is checked too: if Transit archives it, the advice (lower the minimum)
          // is what the operator needs, not "only removed versions can be restored".
          const r = state.snapshots.find((x) => x.transitVersion === v && (x.state === "removed" || x.state === "retired"));
          if (r === undefined) continue; // transitions report it
          // Order matters: OpenBao does not list archived versions, so "not listed" only means
          // "vanished" once trimming and archiving are ruled out.
          const availability = versionAvailability(meta, v);
          if (availability === "trimmed") {
            throw new RegistryError("progress", `Transit trimmed version ${v} (min_available_version ${meta.minAvailableVersion}): its key material is deleted and it cannot be decrypted again`);
          }
          if (availability === "archived") {
            const key = `${config.transit.mountPath}/keys/${config.transit.keyName}`;
            throw new RegistryError(
              "progress",
              `Transit archives version ${v} (min_decryption_version ${meta.minDecryptionVersion}): lower it first with 'bao write ${key}/config min_decryption_version=${v}', which brings the version back, then run restore-versions again`,
            );
          }
          if (r.state !== "removed") continue; // transitions report it
          const created = meta.createdAtUnix.get(v);
          if (availability === "vanished" || created === undefined) throw new RegistryError("progress", `Transit no longer lists version ${v} although min_decryption_version does not archive it: it cannot be decrypted again`);
          if (created !== r.transitVersionCreatedAtUnix) throw new RegistryError("progress", `Transit version ${v} has a different creation time than the registry (the key was replaced)`);
        }
        return restoreVersions(state, versions, expectedIdentityOf(config).fingerprint);
      },
    },
    io,
  );
}
