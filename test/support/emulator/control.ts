// The emulator's control handle: direct state changes (keys, mounts, tokens), JWT minting,
// request accounting and fault switches — all without HTTP.
import type { Server } from "bun";
import type { JwtKeyPair, signJwt } from "../jwt.ts";
import type { TestPki } from "../tls.ts";
import type { PolicyStore } from "./acl.ts";
import type { Faults } from "./faults.ts";
import { isSymmetricType, type KeyStore, type TransitKey } from "./keys.ts";
import { normalizeMountPath, type MountTable } from "./mounts.ts";
import type { TokenStore } from "./tokens.ts";
import { newUuid } from "./ids.ts";
import { mergeHandles, nodeControls, type NodeControls } from "./node.ts";
import type { SecretIds } from "./auth-approle.ts";
import type { CreateKeyOptions, Emulator, KeyConfig, KeyInfo, RequestRecord } from "./types.ts";

/** Internals `server.ts` hands over to build the control handle. */
export interface EmulatorCore {
  server: Server<unknown>;
  dir: string;
  serverName: string;
  pki: TestPki;
  tokens: TokenStore;
  mounts: MountTable;
  stores: Map<string, KeyStore>;
  faults: Faults;
  requests: RequestRecord[];
  nowMs: () => number;
  jwtIssuer: string;
  jwtAudience: string;
  jwtRole: string;
  jwtMount: string;
  jwtBoundSubject: string | undefined;
  trusted: JwtKeyPair;
  foreign: JwtKeyPair;
  approle: Emulator["approle"];
  secretIds: SecretIds;
  transitMount: string;
  keyName: string;
  mountTransit: (path: string) => KeyStore;
  sign: typeof signJwt;
  policies: PolicyStore;
  /** Whether this node forwards to the leader (true) or answers 307 (false) once it follows another node. */
  setForwarding: (on: boolean) => void;
  stop: () => Promise<void>;
}

export function createControl(c: EmulatorCore): Emulator {
  const store = (mount?: string): KeyStore => {
    const s = c.stores.get(normalizeMountPath(mount ?? c.transitMount));
    if (s === undefined) throw new Error(`emulator: no transit mount at ${normalizeMountPath(mount ?? c.transitMount)}`);
    return s;
  };
  const key = (name: string, mount?: string): TransitKey => {
    const k = store(mount).get(name);
    if (k === undefined) throw new Error(`emulator: no transit key ${name}`);
    return k;
  };
  const mount = (path: string) => {
    const m = c.mounts.get(path);
    if (m === undefined) throw new Error(`emulator: no mount at ${normalizeMountPath(path)}`);
    return m;
  };
  const mint = (kp: JwtKeyPair, overrides: Record<string, unknown> = {}, ttlSeconds = 3600) => {
    const now = Math.floor(c.nowMs() / 1000);
    const claims = {
      iss: c.jwtIssuer, sub: c.jwtBoundSubject || "system:serviceaccount:kube-system:openbao-kms", aud: c.jwtAudience,
      iat: now, nbf: now, exp: now + ttlSeconds, ...overrides,
    };
    return c.sign(kp, claims);
  };
  const host = c.server.hostname ?? "127.0.0.1";
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${c.server.port}`;

  const handle: Omit<Emulator, keyof NodeControls> = {
    url,
    port: c.server.port ?? 0,
    serverName: c.serverName,
    caFile: c.pki.caFile,
    caPem: c.pki.caPem,
    dir: c.dir,
    rootToken: c.tokens.root.id,
    jwtIssuer: c.jwtIssuer,
    jwtAudience: c.jwtAudience,
    jwtRole: c.jwtRole,
    jwtMount: c.jwtMount,
    jwtPublicKeyPem: c.trusted.publicKeyPem,
    approle: c.approle,
    issueSecretId(o = {}) {
      const id = newUuid();
      c.secretIds.add(id, o.numUses ?? 0, o.ttlSeconds ?? 0);
      return id;
    },
    transitMount: c.transitMount,
    keyName: c.keyName,
    mintJwt: (overrides, o) => mint(c.trusted, overrides, o?.ttlSeconds),
    mintForeignJwt: (overrides, o) => mint(c.foreign, overrides, o?.ttlSeconds),
    mountUuid: (path) => mount(path).uuid,
    mountAccessor: (path) => mount(path).accessor,
    mountTransit: (path) => void c.mountTransit(path),

    createKey(name, o: CreateKeyOptions = {}) {
      const type = o.type ?? "aes256-gcm96";
      if (!isSymmetricType(type)) throw new Error(`emulator: key type ${type} is not implemented`);
      store(o.mount).create(name, {
        type, derived: o.derived, exportable: o.exportable, allowPlaintextBackup: o.allowPlaintextBackup, deletionAllowed: o.deletionAllowed,
      });
    },
    rotateKey: (name, o) => store(o?.mount).rotate(key(name, o?.mount)),
    configureKey(name, cfg: KeyConfig, mountPath?: string) {
      const r = store(mountPath).configure(key(name, mountPath), { ...cfg, autoRotatePeriodS: cfg.autoRotatePeriodSeconds });
      if (typeof r === "string") throw new Error(`emulator: ${r}`);
    },
    keyInfo(name, mountPath): KeyInfo | undefined {
      const k = store(mountPath).get(name);
      if (k === undefined) return undefined;
      const keys: Record<string, number> = {};
      for (const [v, kv] of k.versions) keys[String(v)] = kv.creationS;
      return {
        latestVersion: k.latestVersion, keys, minDecryptionVersion: k.minDecryptionVersion,
        minEncryptionVersion: k.minEncryptionVersion, type: k.type, derived: k.derived, softDeleted: k.softDeleted,
      };
    },
    softDeleteKey: (name, deleted, mountPath) => void (key(name, mountPath).softDeleted = deleted),
    deleteKey: (name, mountPath) => store(mountPath).keys.delete(name),
    setDisableUpsert: (v, mountPath) => void (store(mountPath).disableUpsert = v),
    setPolicy: (name, hcl) => void c.policies.set(name, hcl),
    deletePolicy: (name) => c.policies.delete(name),

    role: "active",
    setForwarding: c.setForwarding,
    pauseReplication() {
      return Promise.reject(new Error("emulator: pauseReplication applies to a standby node only"));
    },
    deny: (p) => c.faults.deny(p, true),
    allow: (p) => c.faults.deny(p, false),
    revokeAllTokens: () => c.tokens.revokeAllButRoot(),
    revokeToken: (t) => c.tokens.revoke(t),
    isTokenValid: (t) => c.tokens.lookup(t) !== undefined,
    stop: c.stop,
  };
  return mergeHandles(handle, nodeControls(c.requests, c.faults));
}
