// startEmulator: wires PKI, tokens, mounts, transit stores and auth methods behind an HTTPS
// Bun.serve listener, and returns the control handle (state, accounting, faults, stop).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "bun";
import { generateJwtKeyPair, signJwt, type JwtKeyPair } from "../jwt.ts";
import { makeTestPki } from "../tls.ts";
import { systemMaxTtlS } from "./auth-jwt.ts";
import { createControl } from "./control.ts";
import { errorResponse } from "./envelope.ts";
import { policyStanzas, renderPolicyHcl } from "../../../src/init/policy.ts";
import { Faults } from "./faults.ts";
import { NamespaceStore } from "./namespaces.ts";
import { newUuid, randomHex } from "./ids.ts";
import { recordingHandler } from "./node.ts";
import { Registry } from "./registry.ts";
import { defaultMaxJsonStrings, defaultMaxRequestBytes } from "./request-data.ts";
import type { RouterDeps } from "./router.ts";
import { followerRole, forwardedByHeader } from "./follower.ts";
import { haStatus, joinCluster, type HaLink } from "./ha.ts";
import { startStandby } from "./standby.ts";
import { TokenStore } from "./tokens.ts";
import type { Emulator, EmulatorOptions, RequestRecord } from "./types.ts";

export type { Emulator, EmulatorOptions } from "./types.ts";

/** "jwt", "/auth/jwt/" → "auth/jwt". */
function authMountPath(m: string): string {
  return "auth/" + m.replace(/^\/+|\/+$/g, "").replace(/^auth\//, "");
}

/** Mounts the default transit mount and auth methods described by `opts`; returns their names. */
function setupMounts(reg: Registry, opts: EmulatorOptions, trusted: JwtKeyPair) {
  const j = opts.jwt ?? {};
  const jwt = {
    mount: authMountPath(j.mount ?? "jwt"),
    issuer: j.boundIssuer ?? "https://kubernetes.default.svc.cluster.local",
    role: (j.role ?? "openbao-kms").toLowerCase(),
    audiences: j.boundAudiences ?? ["openbao-kms"],
  };
  reg.mountConfiguredJwt(jwt.mount, {
    issuer: jwt.issuer, key: trusted.publicKey, keyPem: trusted.publicKeyPem, algs: j.supportedAlgs ?? ["RS256"],
    role: {
      name: jwt.role, roleType: "jwt", boundAudiences: jwt.audiences, boundSubject: j.boundSubject ?? "",
      boundClaims: j.boundClaims ?? {}, userClaim: "sub", ttlS: j.tokenTtlSeconds ?? 3600,
      maxTtlS: j.tokenMaxTtlSeconds ?? systemMaxTtlS, policies: j.policies ?? ["kms-plugin"],
      noDefaultPolicy: j.noDefaultPolicy ?? true, // as init's setup script: token_no_default_policy=true
    },
  });
  const a = opts.approle ?? {};
  const approle = {
    mount: authMountPath(a.mount ?? "approle"), roleName: a.roleName ?? "openbao-kms",
    roleId: a.roleId ?? newUuid(), secretId: a.secretId ?? newUuid(),
  };
  const secretIds = reg.mountAppRole({
    ...approle, ttlS: a.tokenTtlSeconds ?? 3600, maxTtlS: a.tokenMaxTtlSeconds ?? systemMaxTtlS, policies: a.policies ?? ["kms-plugin"],
    noDefaultPolicy: a.noDefaultPolicy ?? true,
  });
  secretIds.add(approle.secretId, a.secretIdNumUses ?? 0, a.secretIdTtlSeconds ?? 0);
  const transitMount = (opts.transit?.mount ?? "transit").replace(/^\/+|\/+$/g, "");
  const keyName = opts.transit?.keyName ?? "kubernetes";
  const store = reg.mountTransit(transitMount);
  if (opts.transit?.createKey ?? true) store.create(keyName);
  return { jwt, boundSubject: j.boundSubject, approle, secretIds, transitMount, keyName };
}

/** Starts an HTTPS OpenBao emulator. Call `stop()` when done. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  if (opts.standbyOf !== undefined) return startStandby(opts);
  const nowMs = opts.nowMs ?? Date.now;
  const ownsDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "bao-emu-"));
  const serverName = opts.serverName ?? "openbao.test";
  const pki = makeTestPki(dir, { serverName });
  const trusted = generateJwtKeyPair("RS256");
  const foreign = generateJwtKeyPair("RS256");
  const faults = new Faults();
  if (opts.initialized === false) faults.setInitialized(false);
  const tokens = new TokenStore(nowMs);
  // OpenBao's default: config/keys disable_upsert=false (path_config_keys.go); an operator sets it.
  const disableUpsert = opts.transit?.disableUpsert ?? false;
  const namespaces = new NamespaceStore((info, store) => new Registry(tokens, nowMs, faults, disableUpsert, info, store), (p) => tokens.revokeNamespace(p));
  const reg = namespaces.root.registry;
  const names = setupMounts(reg, opts, trusted);
  // The roles' policy: exactly what `bao-kms-provider init` / `policy openbao` generate for this mount and key.
  reg.policies.set("kms-plugin", renderPolicyHcl(policyStanzas(names.transitMount, names.keyName), "bao-kms-provider policy (emulator default)"));
  for (const n of opts.namespaces ?? []) namespaces.create(n, {});

  const requests: RequestRecord[] = [];
  const cluster = { name: `vault-cluster-${randomHex(4)}`, id: newUuid() };
  let stopping = false;
  let url = "";
  let link: HaLink | undefined; // this node's cluster, once the handle exists
  let forwarding = opts.forwarding ?? true;
  const inflight = new Set<AbortController>();
  const deps: RouterDeps = {
    faults, tokens, namespaces,
    cluster: () => ({
      sealed: faults.sealed, initialized: faults.initialized, clusterName: cluster.name, clusterId: cluster.id, nowMs: nowMs(),
      ...(link === undefined ? {} : haStatus(link, url)),
    }),
    maxRequestBytes: opts.maxRequestBytes ?? defaultMaxRequestBytes,
    maxJsonStrings: opts.maxJsonStrings ?? defaultMaxJsonStrings,
    isStopping: () => stopping,
  };

  let server: Server<unknown>;
  try {
    server = Bun.serve({
      hostname: opts.host ?? "127.0.0.1",
      port: opts.port ?? 0,
      development: false,
      tls: { cert: pki.certPem, key: pki.keyPem },
      // Above our own 32 MiB check, so that check (with OpenBao's JSON 413 body) answers first.
      maxRequestBodySize: deps.maxRequestBytes + 16 * 1024 * 1024,
      fetch: recordingHandler(requests, deps, forwardedByHeader),
      error: (err) => errorResponse(500, [`emulator internal error: ${err.message}`]),
    });
  } catch (e) {
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  let killed: Promise<void> | undefined;
  const kill = () =>
    (killed ??= (async () => {
      stopping = true;
      faults.releaseAll();
      for (const ac of inflight) ac.abort();
      await server.stop(true);
    })());
  const handle = createControl({
    server, dir, serverName, pki, tokens, mounts: reg.mounts, stores: reg.stores, faults, requests, nowMs,
    jwtIssuer: names.jwt.issuer, jwtAudience: names.jwt.audiences[0] ?? "", jwtRole: names.jwt.role, jwtMount: names.jwt.mount,
    jwtBoundSubject: names.boundSubject, trusted, foreign, approle: names.approle, secretIds: names.secretIds, transitMount: names.transitMount,
    keyName: names.keyName, mountTransit: (p) => reg.mountTransit(p), sign: signJwt, policies: reg.policies,
    setForwarding: (on) => void (forwarding = on),
    stop: async () => {
      await kill();
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
  });
  url = handle.url;
  // The cluster this node starts (standbys join it) and its role switch: it leads until a failover.
  link = {
    url, shared: handle, caPem: pki.caPem, certPem: pki.certPem, keyPem: pki.keyPem, serverName, deps,
    clusterName: cluster.name, clusterId: cluster.id, nowMs, members: new Map(),
  };
  deps.standby = followerRole({
    link, self: () => url, faults, deps: () => deps, server: () => server, inflight,
    forwarding: () => forwarding, standbyReads: opts.standbyReads ?? true,
  }).standby;
  joinCluster(handle, link, { url, faults, running: () => !stopping, kill });
  return handle;
}
