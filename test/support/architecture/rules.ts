// The allowed dependencies of every unit of src/, as data. docs/architecture.md shows the same
// table; test/architecture/doc.test.ts fails when the two differ.
//
// A unit is a folder under src/ (subfolders are units of their own: kms/grpc, openbao/auth,
// registry/store), or one file directly under src/ (main.ts, version.ts).

export interface UnitRule {
  /** Units this one may import (itself always). */
  readonly may: readonly string[];
  /** Packages it may import: exact names, or a prefix ending in "*" ("node:*"). */
  readonly packages: readonly string[];
  /** No Bun.*, process.*, fetch, timers or Date: pure functions over values. */
  readonly pure?: boolean;
  /** One line for the doc: what the unit is. */
  readonly role: string;
}

export const RULES: Readonly<Record<string, UnitRule>> = {
  kms: { role: "the KMS core: validation, key_id, annotations, AAD, the service", may: [], packages: ["node:crypto", "valibot"], pure: true },
  "kms/grpc": { role: "gRPC adapter: the KMS v2 server and client over a unix socket", may: ["kms", "gen/kms/v2", "platform"], packages: ["@grpc/grpc-js", "node:*"] },
  "gen/kms/v2": { role: "generated protobuf code (never edited)", may: [], packages: ["protobufjs*"] },
  "gen/etcd": { role: "generated code for etcd's KV.Range and KV.Put", may: [], packages: ["protobufjs*"] },
  "gen/k8s": { role: "generated code for kube-apiserver's storage formats", may: [], packages: ["protobufjs*"] },
  k8s: { role: "kube-apiserver's storage format: envelopes, HKDF/GCM, objects, manifests", may: ["gen/k8s"], packages: ["node:crypto"], pure: true },
  etcd: { role: "etcd adapter: paged Range at one revision over gRPC with TLS", may: ["gen/etcd"], packages: ["@grpc/grpc-js", "node:net", "node:tls"] },
  registry: { role: "the key registry's values: codec, validation, transitions, restore rules", may: ["kms"], packages: ["node:crypto", "valibot"], pure: true },
  "registry/store": { role: "the registry's state file and its lock", may: ["registry", "platform"], packages: ["node:*", "bun:ffi"] },
  keys: { role: "key identity and scope from config and Transit metadata", may: ["config", "kms", "registry"], packages: [], pure: true },
  config: { role: "TOML config: schema, rules, environment, file checks", may: ["kms"], packages: ["node:*", "smol-toml", "valibot"] },
  platform: { role: "process facilities: clock, delay, logging, sockets, memory", may: [], packages: ["node:*", "bun:ffi"] },
  openbao: { role: "OpenBao adapter: HTTP, Transit, sys reads, error classes", may: ["config", "kms", "platform"], packages: ["node:*", "valibot"] },
  "openbao/auth": { role: "OpenBao login methods and the token source", may: ["openbao", "config", "kms", "platform"], packages: ["node:*", "valibot"] },
  status: { role: "Status controller: probes, circuit breaker, rotation", may: ["keys", "kms", "openbao", "platform", "registry"], packages: ["node:crypto"] },
  observability: { role: "metrics, health endpoints, request logs", may: ["config", "kms", "openbao", "openbao/auth", "platform", "status"], packages: ["node:*"] },
  app: { role: "application layer: wiring and operator planning, used by every command", may: ["config", "etcd", "k8s", "keys", "kms", "openbao", "openbao/auth", "platform", "registry", "registry/store", "status"], packages: ["node:*"] },
  runtime: { role: "serve's lifecycle: signals, bootstrap, listeners, drain", may: ["app", "config", "keys", "kms", "kms/grpc", "observability", "openbao", "openbao/auth", "platform", "registry", "registry/store", "status", "version.ts"], packages: ["node:*"] },
  diagnostics: { role: "doctor's checks, by stage, with typed results", may: ["app", "config", "keys", "kms", "openbao", "openbao/auth", "platform", "registry", "registry/store", "status"], packages: ["node:*"] },
  init: { role: "pure renderers for init: config, policy, setup script", may: ["config"], packages: [], pure: true },
  install: { role: "install: host layout, accounts, the files a package ships", may: ["platform"], packages: ["node:*", "packaging/*"] },
  cli: { role: "commands: parse flags, call the application, render", may: ["app", "config", "diagnostics", "etcd", "init", "install", "keys", "kms", "kms/grpc", "observability", "openbao", "openbao/auth", "platform", "registry", "registry/store", "runtime", "status", "version.ts"], packages: ["node:*", "smol-toml"] },
  "main.ts": { role: "the executable's entry: runs the CLI, the only process.exit", may: ["cli", "platform"], packages: [] },
  "version.ts": { role: "build information baked in at compile time", may: [], packages: [] },
};

/** Lines per hand-written file. */
export const MAX_LINES = 300;

/** Files allowed past MAX_LINES, each with its reason. Starts empty and should stay so. */
export const LONG_FILES_ALLOWED: Readonly<Record<string, string>> = {};

/** Functions that build OpenBao clients from a config, and the one file allowed to call them. */
export const OPENBAO_WIRING = { functions: ["openBaoHttpFromConfig", "createAuthFromConfig", "createTransitClient"], place: "src/app/openbao.ts" } as const;

/** Extra files a unit may import outside its table row, each with its reason. */
export const FILE_EXCEPTIONS: ReadonlyArray<{ readonly from: string; readonly to: string; readonly why: string }> = [
  { from: "kms", to: "src/platform/race-signal.ts", why: "the one 'await a shared promise until my signal aborts' helper; pure, no I/O" },
  { from: "kms", to: "src/platform/delay.ts", why: "the one cancellable timer (the seed cache's wait for Transit); pure, no I/O" },
];
