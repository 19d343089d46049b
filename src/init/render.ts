// Text of the files `init` writes, from a validated Config. Pure; every value that reaches a
// shell script or YAML is either checked to be a plain word or quoted for that language.
import type { Config } from "../config/schema.ts";

/** kube-apiserver's per-call KMS timeout in the generated EncryptionConfigurations. */
export const kmsCallTimeout = "3s";
/** Static pods run as this UID (distroless nonroot). */
export const staticPodUid = 65532;

/** YAML double-quoted scalar (JSON strings are valid YAML). */
const yq = (s: string) => JSON.stringify(s);
/** POSIX shell single-quoted word. */
export const shq = (s: string) => `'${s.replace(/'/g, `'"'"'`)}'`;

/** The files each node must be given for its credential source (what, where), in the order to provision them. */
export function nodeCredentialFiles(cfg: Config): Array<{ what: string; path: string }> {
  if (cfg.auth.method === "approle") {
    const a = cfg.auth.approle as NonNullable<Config["auth"]["approle"]>;
    return [...(a.roleIdFile !== "" ? [{ what: "AppRole role ID", path: a.roleIdFile }] : []), { what: "AppRole secret ID", path: a.secretIdFile }];
  }
  const jwt = cfg.auth.jwt as NonNullable<Config["auth"]["jwt"]>;
  if (jwt.source === "oauth2") {
    const o = jwt.oauth2 as NonNullable<typeof jwt.oauth2>;
    return [{ what: "OAuth2 client secret", path: o.clientSecretFile }];
  }
  return [{ what: "identity JWT", path: jwt.jwtFile }];
}

export function renderEncryptionConfig(cfg: Config, phase: "readers" | "writers"): string {
  const kms = [
    "    - kms:",
    "        apiVersion: v2",
    `        name: ${yq(cfg.transit.keyIdScope.providerName)}`,
    `        endpoint: ${yq(`unix://${cfg.server.socketPath}`)}`,
    `        timeout: ${kmsCallTimeout}`,
  ];
  const identity = ["    - identity: {}"];
  const providers = phase === "readers" ? [...identity, ...kms] : [...kms, ...identity];
  const note =
    phase === "readers"
      ? "# Phase 1 (readers): identity first, so new Secrets are still written in plaintext while every\n# API server learns to read KMS-encrypted ones. Install on ALL API servers before phase 2."
      : "# Phase 2 (writers): kms first, so new and rewritten Secrets are encrypted with OpenBao Transit.\n# identity stays as a fallback to read old plaintext until every Secret has been rewritten.";
  return [
    note,
    "apiVersion: apiserver.config.k8s.io/v1",
    "kind: EncryptionConfiguration",
    "resources:",
    "  - resources:",
    "      - secrets",
    "    providers:",
    ...providers.map((l) => "  " + l),
    "",
  ].join("\n");
}

export interface StaticPodInput {
  readonly cfg: Config;
  readonly image: string;
  readonly socketGid: number;
  readonly configPath: string;
}

/** A kube-system static pod running `serve` as UID 65532 with the socket GID as a supplemental group (same layout as packaging/static-pod). */
export function renderStaticPod({ cfg, image, socketGid, configPath }: StaticPodInput): string {
  const dir = (p: string) => p.slice(0, p.lastIndexOf("/")) || "/";
  const health = /:([0-9]+)$/.exec(cfg.server.healthAddress)?.[1];
  const healthHost = cfg.server.healthAddress.replace(/:[0-9]+$/, "").replace(/^\[|\]$/g, "");
  const mounts: Array<{ name: string; path: string; readOnly: boolean; type: string }> = [
    { name: "config", path: configPath, readOnly: true, type: "File" },
    { name: "run", path: dir(cfg.server.socketPath), readOnly: false, type: "Directory" },
    // The key registry (state, checkpoint, lock): the only other writable path.
    { name: "state", path: dir(cfg.state.path), readOnly: false, type: "Directory" },
  ];
  const add = (name: string, path: string) => {
    if (!mounts.some((m) => path === m.path || path.startsWith(m.path + "/"))) mounts.push({ name, path, readOnly: true, type: "Directory" });
  };
  add("tls", dir(cfg.openbao.caCertFile));
  // Directories, not the files: a credential can then be replaced atomically (rename) without a restart.
  nodeCredentialFiles(cfg).forEach((c, i) => add(i === 0 ? "credentials" : `credentials-${i}`, dir(c.path)));
  const oauth2Ca = cfg.auth.jwt?.oauth2?.caCertFile ?? "";
  if (oauth2Ca !== "") add("oauth2-tls", dir(oauth2Ca));
  const probe = (path: string, extra: string[]) => [
    "        httpGet:",
    `          host: ${yq(healthHost)}`,
    `          path: ${path}`,
    `          port: ${Number(health)}`,
    ...extra,
  ];
  const probes =
    health !== undefined && Number(health) > 0
      ? [
          "      startupProbe:",
          ...probe("/live", ["        periodSeconds: 5", "        failureThreshold: 24"]),
          "      livenessProbe:",
          ...probe("/live", ["        periodSeconds: 10", "        failureThreshold: 3"]),
          "      readinessProbe:",
          ...probe("/ready", ["        periodSeconds: 10", "        failureThreshold: 3"]),
        ]
      : [];
  return [
    "# Static pod for kube-apiserver's KMS provider. Place in the kubelet's staticPodPath",
    "# (usually /etc/kubernetes/manifests, root 0644) on every control-plane node.",
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    "  name: bao-kms-provider",
    "  namespace: kube-system",
    "  labels:",
    "    app.kubernetes.io/name: bao-kms-provider",
    "    app.kubernetes.io/component: kms-provider",
    "spec:",
    "  hostNetwork: true",
    "  priorityClassName: system-node-critical",
    "  automountServiceAccountToken: false",
    "  enableServiceLinks: false",
    "  securityContext:",
    "    runAsNonRoot: true",
    `    runAsUser: ${staticPodUid}`,
    `    runAsGroup: ${staticPodUid}`,
    `    supplementalGroups: [${socketGid}]`,
    "    seccompProfile:",
    "      type: RuntimeDefault",
    "  containers:",
    "    - name: bao-kms-provider",
    `      image: ${yq(image)}`,
    "      imagePullPolicy: IfNotPresent",
    // The image's entrypoint is `bao-kms-provider serve` (scripts/package-oci.ts): only the flag here.
    `      args: [${yq(`--config=${configPath}`)}]`,
    "      securityContext:",
    "        allowPrivilegeEscalation: false",
    "        readOnlyRootFilesystem: true",
    "        privileged: false",
    "        capabilities:",
    '          drop: ["ALL"]',
    ...probes,
    "      volumeMounts:",
    ...mounts.map((m) => `        - {name: ${m.name}, mountPath: ${yq(m.path)}, readOnly: ${m.readOnly}}`),
    "  volumes:",
    ...mounts.map((m) => `    - {name: ${m.name}, hostPath: {path: ${yq(m.path)}, type: ${m.type}}}`),
    "",
  ].join("\n");
}
