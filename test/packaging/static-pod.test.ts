// The static pod manifest (packaging/static-pod/bao-kms-provider.yaml) against the list:
// a checker that names every problem, run on the manifest (no problems) and on broken copies
// (an image tag, a second container with a tag, a Secret volume, a file-mounted JWT, ... each must
// be caught), and the example config that goes with it.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { repoRoot } from "../../scripts/package-meta.ts";
import { defaultHealthAddress } from "../../src/config/schema.ts";

type Obj = Record<string, unknown>;
const manifestText = readFileSync(join(repoRoot, "packaging/static-pod/bao-kms-provider.yaml"), "utf8");
const load = (): Obj => Bun.YAML.parse(manifestText) as Obj;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

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
  need(mount("/var/lib/openbao-kms/state") !== undefined && mount("/var/lib/openbao-kms/state")?.readOnly !== true, "the state directory, writable");
  return p;
}

describe("static pod manifest", () => {
  test("meets every item", () => {
    expect(manifestProblems(load())).toEqual([]);
  });

  const broken: Array<[string, (pod: Obj) => void, RegExp]> = [
    ["an image tag instead of a digest", (pod) => (obj(arr(obj(pod.spec).containers)[0]).image = "registry.example.internal/bao-kms-provider:0.1.0"), /digest only/],
    ["a tag and a digest", (pod) => (obj(arr(obj(pod.spec).containers)[0]).image = "registry.example.internal/bao-kms-provider:0.1.0@sha256:" + "0".repeat(64)), /digest only/],
    ["an init container with a tag", (pod) => (obj(pod.spec).initContainers = [{ name: "init", image: "busybox:1.36", securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } } }]), /init: image/],
    ["root", (pod) => (obj(obj(pod.spec).securityContext).runAsUser = 0), /65532/],
    ["no socket GID", (pod) => delete obj(obj(pod.spec).securityContext).supplementalGroups, /supplementalGroups/],
    ["a Secret volume", (pod) => arr(obj(pod.spec).volumes).push({ name: "s", secret: { secretName: "x" } }), /hostPath only/],
    ["the JWT as a single file", (pod) => (obj(arr(obj(pod.spec).volumes).map(obj).find((v) => v.name === "credentials")).hostPath = { path: "/var/lib/openbao-kms/identity.jwt", type: "File" }), /credentials/],
    ["a service-account token", (pod) => (obj(pod.spec).automountServiceAccountToken = true), /automountServiceAccountToken/],
    ["no hostNetwork", (pod) => delete obj(pod.spec).hostNetwork, /hostNetwork/],
    ["a writable root filesystem", (pod) => (obj(obj(arr(obj(pod.spec).containers)[0]).securityContext).readOnlyRootFilesystem = false), /readOnlyRootFilesystem/],
    ["an added capability", (pod) => (obj(obj(obj(arr(obj(pod.spec).containers)[0]).securityContext).capabilities).add = ["NET_ADMIN"]), /capabilities/],
    ["readiness on /live", (pod) => (obj(obj(obj(arr(obj(pod.spec).containers)[0]).readinessProbe).httpGet).path = "/live"), /readinessProbe/],
    ["no startup probe", (pod) => delete obj(arr(obj(pod.spec).containers)[0]).startupProbe, /startupProbe/],
    ["seccomp Unconfined", (pod) => (obj(obj(obj(pod.spec).securityContext).seccompProfile).type = "Unconfined"), /seccomp/],
  ];
  for (const [what, mutate, want] of broken) {
    test(`the checker catches ${what}`, () => {
      const pod = load();
      mutate(pod);
      const problems = manifestProblems(pod);
      expect(problems.some((x) => want.test(x))).toBe(true);
    });
  }

  test("the example config: numeric socket group = supplementalGroups, JWT inside the credentials directory", () => {
    const cfg = parseToml(readFileSync(join(repoRoot, "packaging/static-pod/config.toml"), "utf8")) as Obj;
    const gid = arr(obj(obj(load().spec).securityContext).supplementalGroups)[0];
    expect(obj(cfg.server).socket_group).toBe(String(gid));
    expect(obj(cfg.server).socket_path).toBe("/run/openbao-kms/kms.sock");
    expect(String(obj(obj(cfg.auth).jwt).jwt_file)).toMatch(/^\/var\/lib\/openbao-kms\/credentials\/[^/]+$/);
    // No listener address set: the defaults (127.0.0.1:8081/8082) are what the probes call.
    expect(obj(cfg.server).health_address).toBeUndefined();
    expect(defaultHealthAddress).toBe("127.0.0.1:8082");
  });
});
