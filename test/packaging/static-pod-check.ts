// The static pod manifest checker: every way a pod falls short of the list (run on the
// template, on broken copies of it, and on the manifest `bun run package` writes).

export type Obj = Record<string, unknown>;
export const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** name[:port]/path@sha256:<64 hex>, with no :tag anywhere in the last path part. */
const digestOnly = /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+@sha256:[0-9a-f]{64}$/;

/** Every way the pod falls short of the list; empty when it is right. */
export function manifestProblems(pod: Obj): string[] {
  const p: string[] = [];
  const need = (ok: boolean, what: string) => ok || p.push(what);
  const spec = obj(pod.spec);
  const sc = obj(spec.securityContext);
  need(pod.kind === "Pod" && obj(pod.metadata).namespace === "kube-system", "a Pod in kube-system");
  need(spec.hostNetwork === true, "hostNetwork: true");
  need(spec.priorityClassName === "system-node-critical", "priorityClassName: system-node-critical");
  need(spec.automountServiceAccountToken === false, "automountServiceAccountToken: false");
  need(spec.serviceAccountName === undefined, "no service account");
  need(sc.runAsNonRoot === true && sc.runAsUser === 65532 && sc.runAsGroup === 65532, "runAsNonRoot, UID and GID 65532");
  const groups = arr(sc.supplementalGroups);
  need(groups.length === 1 && Number.isInteger(groups[0]) && (groups[0] as number) > 0, "the socket GID (one number) in supplementalGroups");
  need(obj(sc.seccompProfile).type === "RuntimeDefault", "seccompProfile RuntimeDefault");

  const containers = [...arr(spec.initContainers), ...arr(spec.containers)].map(obj);
  need(arr(spec.containers).length === 1, "exactly one container");
  for (const c of containers) {
    const name = String(c.name);
    need(typeof c.image === "string" && digestOnly.test(c.image), `${name}: image by @sha256 digest only, no tag (${String(c.image)})`);
    const csc = obj(c.securityContext);
    need(csc.allowPrivilegeEscalation === false, `${name}: allowPrivilegeEscalation: false`);
    need(csc.readOnlyRootFilesystem === true, `${name}: readOnlyRootFilesystem: true`);
    need(csc.privileged !== true, `${name}: not privileged`);
    need(arr(obj(csc.capabilities).drop).includes("ALL") && arr(obj(csc.capabilities).add).length === 0, `${name}: capabilities drop ALL, add none`);
    need(csc.runAsUser === undefined || csc.runAsUser === 65532, `${name}: no other UID`);
  }
  const c = containers.at(-1) ?? {};
  const probe = (k: string, path: string) => {
    const g = obj(obj(c[k]).httpGet);
    need(g.path === path && g.port === 8082 && g.host === "127.0.0.1", `${k} on http://127.0.0.1:8082${path}`);
  };
  probe("startupProbe", "/live");
  probe("livenessProbe", "/live");
  probe("readinessProbe", "/ready");
  const sp = obj(c.startupProbe);
  // The default bootstrap grace is 60 s: start-up must be allowed at least that, with room.
  need(Number(sp.periodSeconds ?? 10) * Number(sp.failureThreshold ?? 3) >= 90, "startupProbe allows at least 90 s");

  const volumes = arr(spec.volumes).map(obj);
  for (const v of volumes) {
    const kinds = Object.keys(v).filter((k) => k !== "name");
    need(kinds.length === 1 && kinds[0] === "hostPath", `volume ${String(v.name)}: hostPath only (has ${kinds.join(", ")})`);
  }
  const byName = new Map(volumes.map((v) => [String(v.name), obj(v.hostPath)]));
  const mounts = arr(c.volumeMounts).map(obj);
  for (const m of mounts) {
    const hp = byName.get(String(m.name));
    need(hp !== undefined, `mount ${String(m.name)}: no such volume`);
    need(hp === undefined || hp.path === m.mountPath, `mount ${String(m.name)}: mountPath = the host path`);
  }
  const mount = (path: string) => mounts.find((m) => m.mountPath === path);
  const creds = byName.get("credentials");
  need(creds?.path === "/var/lib/openbao-kms/credentials" && creds.type === "Directory" && mount("/var/lib/openbao-kms/credentials")?.readOnly === true, "credentials: the host directory /var/lib/openbao-kms/credentials, type Directory, read-only");
  need(volumes.every((v) => !String(obj(v.hostPath).path).includes("identity.jwt")), "no JWT file mounted on its own");
  need(mount("/etc/openbao-kms/config.toml")?.readOnly === true && byName.get("config")?.type === "File", "config: the host file, read-only");
  need(mount("/etc/openbao-kms/tls")?.readOnly === true, "tls: read-only");
  need(mount("/run/openbao-kms") !== undefined && mount("/run/openbao-kms")?.readOnly !== true, "the socket directory, writable");
  // The image's entrypoint is `bao-kms-provider serve`: the args are the config flag alone, naming the config mount.
  const cfgMount = mounts.find((m) => byName.get(String(m.name))?.type === "File");
  need(c.command === undefined && JSON.stringify(c.args) === JSON.stringify([`--config=${String(cfgMount?.mountPath)}`]), "args: exactly --config=<the config file's mountPath> (no command; serve is the image's entrypoint)");
  need(mount("/var/lib/openbao-kms/state") !== undefined && mount("/var/lib/openbao-kms/state")?.readOnly !== true, "the state directory, writable");
  return p;
}

