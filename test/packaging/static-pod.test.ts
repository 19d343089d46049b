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
import { arr, manifestProblems, obj, type Obj } from "./static-pod-check.ts";

const manifestText = readFileSync(join(repoRoot, "packaging/static-pod/bao-kms-provider.yaml"), "utf8");
const load = (): Obj => Bun.YAML.parse(manifestText) as Obj;

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
    ["serve in the args (the entrypoint has it)", (pod) => (obj(arr(obj(pod.spec).containers)[0]).args = ["serve", "--config=/etc/openbao-kms/config.toml"]), /args/],
    ["a config path that is not the mounted one", (pod) => (obj(arr(obj(pod.spec).containers)[0]).args = ["--config=/etc/other.toml"]), /args/],
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
