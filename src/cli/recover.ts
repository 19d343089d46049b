// `recover`: Secrets and ConfigMaps back from etcd (live, or restored from a snapshot) without a
// kube-apiserver. Writes into a new 0700 directory, one 0600 file per object; prints plaintext
// only when --stdout asks for it.

import { kmsDekDecrypter, describeDekError } from "../app/dek-decrypter.ts";
import { effectiveEtcdConfig } from "../app/etcd.ts";
import { createRecoveryDir, RecoveryDirError, writeRecovered } from "../app/recover-files.ts";
import { recoverObjects } from "../app/recover.ts";
import { loadRegistry } from "../app/registry.ts";
import { EtcdError } from "../etcd/client.ts";
import { RegistryError } from "../registry/types.ts";
import { buildInfo } from "../version.ts";
import { formatFlags, parseFlags } from "./args.ts";
import { connectEtcdOrExit, etcdFlags, etcdOverrides } from "./etcd-flags.ts";
import { CliError, exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { loadCliConfig, openBaoClientsOrExit } from "./load-config.ts";

const flags = {
  config: { type: "string", value: "PATH", description: "config file (env BAO_KMS_PROVIDER_CONFIG, else /etc/openbao-kms/config.toml)" },
  key: { type: "string", value: "KEY", description: "one etcd key, e.g. /registry/secrets/prod/db-credentials" },
  under: { type: "string", value: "PREFIX", description: "every key below this one, e.g. /registry/secrets or /registry/secrets/prod" },
  out: { type: "string", value: "DIR", description: "new directory to write into (created 0700; must not exist)" },
  stdout: { type: "boolean", description: "print the manifests to stdout instead (plaintext on your terminal)" },
  ...etcdFlags,
} as const;

export const recoverHelp = `Usage: bao-kms-provider recover (--key KEY | --under PREFIX) (--out DIR | --stdout) [--config PATH] [--etcd-* ...]

Disaster recovery of objects kube-apiserver stored with this provider, read straight from etcd.
For each object: its DEK seed is decrypted through this provider's own Decrypt (key_id, this
node's registry, annotations, AAD, then OpenBao Transit), the data is opened with AES-GCM and
the object's etcd key as additional data, and the result is written:
  DIR/<resource>/<namespace>/<name>.pb    the stored bytes, decrypted (Kubernetes protobuf)
  DIR/<resource>/<namespace>/<name>.yaml  a kubectl-apply-able manifest (Secrets, ConfigMaps)
DIR is created with mode 0700 and must not exist; files are 0600. Objects stored in plaintext
are written as they are. A value that was altered, moved to another etcd key, or sealed under a
key_id this registry does not know fails on its own, with its reason on stderr; nothing is
written for it and the others still recover. Plaintext never reaches the terminal unless
--stdout is given (manifests only, separated by ---).

Needs: the config, this node's key registry (state.path; restore it with backup --verify and a
copy if the node is gone), OpenBao reachable with the configured auth, and etcd.

Exit codes: 0 every object recovered, 2 usage, 3 config invalid (or etcd settings),
4 some objects failed (the others were written), 5 etcd, OpenBao or the registry unusable.

Flags:
${formatFlags(flags)}
`;

export async function runRecover(argv: readonly string[], io: Io): Promise<ExitCode> {
  const f = parseFlags(argv, flags);
  if (f.help) {
    io.out(recoverHelp);
    return exitCodes.ok;
  }
  if ((f.key === undefined) === (f.under === undefined)) throw usageError("give exactly one of --key or --under");
  if ((f.out === undefined) === !f.stdout) throw usageError("give exactly one of --out DIR or --stdout");
  const targetPath = f.key ?? f.under ?? "";
  const target = f.key !== undefined ? { key: f.key } : { under: targetPath };
  if (!targetPath.startsWith("/")) throw usageError(`${f.key !== undefined ? "--key" : "--under"} must be an absolute etcd key such as /registry/secrets/<namespace>/<name>`);
  const config = await loadCliConfig(f.config, io);
  const etcdConfig = effectiveEtcdConfig(config.etcd, etcdOverrides(f));
  let state;
  try {
    const loaded = await loadRegistry(config);
    if (loaded.kind === "missing") throw new CliError(exitCodes.runtime, `no key registry at ${config.state.path}: recover needs this node's registry (restore it from a backup first)`);
    state = loaded.state;
  } catch (e) {
    if (e instanceof RegistryError) throw new CliError(exitCodes.runtime, `key registry unusable (${e.kind}): ${e.message}`);
    throw e;
  }
  const clients = await openBaoClientsOrExit(config);
  const etcd = await connectEtcdOrExit(etcdConfig);
  if (f.out !== undefined) {
    try {
      createRecoveryDir(f.out);
    } catch (e) {
      etcd.close();
      if (e instanceof RecoveryDirError) throw new CliError(exitCodes.usage, e.message);
      throw e;
    }
  }
  const decryptDek = kmsDekDecrypter(state, clients.transit, { pluginVersion: buildInfo.version, requestTimeoutMs: Math.max(config.openbao.timeoutMs * 2, 5_000) });
  let recovered = 0;
  let manifests = 0;
  let failed = 0;
  try {
    for await (const outcome of recoverObjects(etcd, decryptDek, describeDekError, { prefix: etcdConfig.prefix, target, pageSize: Math.min(etcdConfig.pageSize, 100) })) {
      if (!outcome.ok) {
        failed++;
        io.err(`recover: ${outcome.etcdKey}: ${outcome.error}\n`);
        continue;
      }
      recovered++;
      if (outcome.object.manifest !== undefined) manifests++;
      if (f.out !== undefined) writeRecovered(f.out, outcome.object);
      else if (outcome.object.manifest !== undefined) io.out(`---\n${outcome.object.manifest}`);
      outcome.object.stored.fill(0);
    }
  } catch (e) {
    if (e instanceof EtcdError) throw new CliError(exitCodes.runtime, `recover stopped: ${e.message} (${recovered} objects written before)`);
    throw e;
  } finally {
    etcd.close();
  }
  io.err(`recover: ${recovered} objects recovered (${manifests} manifests)${f.out === undefined ? "" : ` into ${f.out}`}, ${failed} failed\n`);
  return failed > 0 ? exitCodes.checkFailed : exitCodes.ok;
}
