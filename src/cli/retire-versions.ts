// `retire-versions`: plan or apply removing old retired versions from decrypt lookup.
import { etcdSettings, objectsInUse, stillUsed } from "../app/objects-in-use.ts";
import { planRetire, runVersionChange } from "../app/version-changes.ts";
import { etcdFlags, etcdOverrides } from "./etcd-flags.ts";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { loadCliConfig } from "./load-config.ts";
import { configFlag, outputFlag } from "./rotation-render.ts";
import { applyFlags, parseExpectedHash, reportChange, upgradeNote } from "./version-change.ts";

const flags = {
  config: configFlag,
  "before-version": { type: "string", value: "N", description: "remove retired versions below N from decrypt lookup (2 ≤ N ≤ active version)" },
  ...applyFlags,
  "skip-object-check": { type: "boolean", description: "retire without checking etcd for objects still on those versions (they become unreadable)" },
  output: outputFlag,
  ...etcdFlags,
} as const;

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
It also scans etcd ([etcd] or the --etcd-* flags, as inventory does) and refuses while any
object is still encrypted under a version it would remove, naming the counts: rewrite those
objects first. --apply without etcd settings is refused too. --skip-object-check retires
without that check, loudly: objects still on those versions become unreadable.
Exit codes: 0 planned or applied, 2 usage, 3 config invalid, 4 refused, stale hash, or save failed.

Flags:
${formatFlags(flags)}
`;

export async function runRetireVersions(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, flags);
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
  const config = await loadCliConfig(f.config, io);
  const outcome = await runVersionChange({
    operation: "retire",
    config,
    apply: f.apply,
    expectedHash,
    extra: { beforeVersion: before },
    plan: (state, meta) => planRetire(state, meta, before, config),
    onUpgrade: upgradeNote(io, config.state.path),
    checkObjects: async (state, planned) => {
      const versions = planned.records.map((r) => r.transitVersion);
      if (f["skip-object-check"]) {
        io.err(`bao-kms-provider retire-versions: WARNING: etcd was NOT checked (--skip-object-check): any object still encrypted under version(s) ${versions.join(", ")} becomes unreadable once they are retired\n`);
        return { extra: { objectCheck: "skipped" } };
      }
      const use = await objectsInUse(etcdSettings(config, etcdOverrides(f)), state);
      if (!use.checked) {
        const extra = { objectCheck: `not checked: ${use.reason}` };
        return f.apply
          ? { extra, refusal: `cannot check that no object in etcd still uses version(s) ${versions.join(", ")}: ${use.reason}; set [etcd] (or --etcd-endpoints), or pass --skip-object-check to retire anyway (objects still on those versions become unreadable)` }
          : { extra };
      }
      const used = stillUsed(use, versions);
      const extra = { objectCheck: used.length === 0 ? `no object in etcd uses version(s) ${versions.join(", ")}` : used.join("; "), objectsScanned: use.objects, etcdRevision: use.revision };
      if (used.length === 0) return { extra };
      return { extra, refusal: `${used.join("; ")}: rewrite them first (kubectl get secrets -A -o json | kubectl replace -f -) and check with 'bao-kms-provider inventory', or pass --skip-object-check to retire anyway` };
    },
  });
  return reportChange("retire-versions", outcome, format, io);
}
