// Public types of the OpenBao emulator: start options and the control handle.

export interface EmulatorOptions {
  host?: string; // default "127.0.0.1"
  port?: number; // default 0 = random free port
  dir?: string; // CA/cert files; default a fresh mkdtemp dir (removed on stop)
  serverName?: string; // default "openbao.test"
  nowMs?: () => number; // clock for key creation times, token TTLs and JWT checks; default Date.now
  jwt?: {
    mount?: string; // "jwt" → auth/jwt
    role?: string; // "openbao-kms"
    tokenTtlSeconds?: number; // 3600
    tokenMaxTtlSeconds?: number; // 2764800 (OpenBao's system max, 768h)
    boundAudiences?: string[]; // ["openbao-kms"]
    boundSubject?: string; // "" = any subject
    boundIssuer?: string; // default: the emulator's issuer
    boundClaims?: Record<string, string | string[]>;
    policies?: string[]; // ["kms-plugin"]: the policy init generates for the transit mount and key
    noDefaultPolicy?: boolean; // true (token_no_default_policy, as init's setup script sets it)
    supportedAlgs?: string[]; // ["RS256"]
  };
  approle?: {
    mount?: string; // "approle" → auth/approle
    roleName?: string; // "openbao-kms"
    roleId?: string; // random uuid
    secretId?: string; // random uuid
    secretIdNumUses?: number; // 0 = unlimited (default)
    secretIdTtlSeconds?: number; // 0 = no expiry (default)
    tokenTtlSeconds?: number; // 3600
    tokenMaxTtlSeconds?: number; // 2764800
    policies?: string[]; // ["kms-plugin"]
    noDefaultPolicy?: boolean; // true
  };
  transit?: {
    mount?: string; // "transit"
    keyName?: string; // "kubernetes"
    createKey?: boolean; // true
    disableUpsert?: boolean; // false, OpenBao's default: encrypt on a missing key may create it
  };
  /** Namespaces created at start (empty: no transit, no auth methods; set them up over HTTP). Unknown → 404. */
  namespaces?: string[];
  maxRequestBytes?: number; // 32 MiB
  maxJsonStrings?: number; // 1000
  /** false: start as a node nobody initialized (sys/health 501, sealed); see setInitialized. Default true. */
  initialized?: boolean;
  /**
   * Start this node as an HA standby in the cluster of `standbyOf` (any node started by
   * startEmulator): it shares the cluster's state (keys, tokens, mounts, policies), CA and
   * certificate, and has its own listener, request accounting and node faults (seal, drop, hang,
   * latency, rate limit). See README.md "Standby".
   */
  standbyOf?: Emulator;
  /**
   * While this node follows another (a standby, or any node after a failover, see startCluster):
   * forward requests to the leader (true, OpenBao's default) or answer 307 to it (false).
   */
  forwarding?: boolean;
  /**
   * While this node follows another: serve requests that write nothing itself (true, OpenBao's
   * default; config `disable_standby_reads`) or forward every request before parsing it (false).
   * See README.md "Standby".
   */
  standbyReads?: boolean;
}

/** One HTTP request as seen by the emulator. `status` 0 = no HTTP response (dropped, or still pending). */
export interface RequestRecord {
  method: string;
  path: string; // URL path, e.g. "/v1/transit/encrypt/kubernetes"
  status: number;
  atMs: number; // wall-clock arrival time (Date.now(), not the injected clock)
  namespace?: string; // X-Vault-Namespace, when sent
  forwardedBy?: string; // on the active node: the URL of the standby that forwarded this request
}

export interface KeyInfo {
  latestVersion: number;
  /**
   * version → creation time, Unix seconds, for every version the emulator holds, archived ones
   * (below min_decryption_version) included; GET keys/<name> lists only the unarchived ones.
   */
  keys: Record<string, number>;
  softDeleted: boolean;
  minDecryptionVersion: number;
  minEncryptionVersion: number;
  type: string;
  derived: boolean;
}

export interface KeyConfig {
  minDecryptionVersion?: number;
  minEncryptionVersion?: number;
  deletionAllowed?: boolean;
  exportable?: boolean;
  allowPlaintextBackup?: boolean;
  autoRotatePeriodSeconds?: number;
}

export interface CreateKeyOptions {
  mount?: string;
  type?: string; // "aes256-gcm96" (default) or "aes128-gcm96"
  exportable?: boolean;
  allowPlaintextBackup?: boolean;
  deletionAllowed?: boolean;
  derived?: boolean;
}

export interface Emulator {
  url: string; // "https://127.0.0.1:<port>"
  port: number;
  serverName: string;
  caFile: string;
  caPem: string;
  dir: string;
  rootToken: string;
  jwtIssuer: string;
  jwtAudience: string;
  jwtRole: string;
  jwtMount: string; // "auth/jwt"
  jwtPublicKeyPem: string; // the key the jwt mount trusts
  approle: { mount: string; roleName: string; roleId: string; secretId: string };
  /** A new secret ID for the AppRole role; used up after `numUses` logins (0 = unlimited), gone after `ttlSeconds` (0 = never). */
  issueSecretId(opts?: { numUses?: number; ttlSeconds?: number }): string;
  transitMount: string; // "transit"
  keyName: string; // default transit key name
  /** A JWT valid for the role by default (iat = nbf = now, exp = now + ttl, default 1 h); `undefined` overrides drop a claim. */
  mintJwt(overrides?: Record<string, unknown>, opts?: { ttlSeconds?: number }): string;
  /** Like mintJwt but signed by a key the emulator does not trust. */
  mintForeignJwt(overrides?: Record<string, unknown>, opts?: { ttlSeconds?: number }): string;
  /** uuid of a mount ("transit", "auth/jwt"); throws for an unknown mount. */
  mountUuid(mount: string): string;
  /** Mount accessor (`transit_<8hex>`); throws for an unknown mount. */
  mountAccessor(mount: string): string;
  /** Enables another transit mount (no HTTP). */
  mountTransit(mount: string): void;

  createKey(name: string, opts?: CreateKeyOptions): void;
  rotateKey(name: string, opts?: { mount?: string }): number;
  configureKey(name: string, cfg: KeyConfig, mount?: string): void;
  keyInfo(name: string, mount?: string): KeyInfo | undefined;
  /** Sets or clears soft_deleted, as keys/<name>/soft-delete and soft-delete-restore do. */
  softDeleteKey(name: string, deleted: boolean, mount?: string): void;
  deleteKey(name: string, mount?: string): boolean;
  setDisableUpsert(v: boolean, mount?: string): void;
  /**
   * Defines an ACL policy of the root namespace from HCL (`path "…" { capabilities = [...] }`
   * stanzas), like `PUT sys/policies/acl/<name>`. Every request of a non-root token is checked
   * against its policies; `kms-plugin` starts as the policy `init` generates.
   */
  setPolicy(name: string, hcl: string): void;
  deletePolicy(name: string): void;

  readonly requests: ReadonlyArray<RequestRecord>;
  count(filter?: { method?: string; pathPrefix?: string }): number;
  resetCounts(): void;

  seal(): void;
  /** Throws while the node is not initialized (OpenBao refuses to unseal it). */
  unseal(): void;
  readonly sealed: boolean;
  /** false: sys/health 501 and every other request 503 sealed. true leaves the node sealed (unseal() next). */
  setInitialized(v: boolean): void;
  readonly initialized: boolean;
  /** The role the node started in: "standby" for a node started with `standbyOf` (a failover does not change it). */
  readonly role: "active" | "standby";
  /** Whether the node, while it follows another node, forwards requests to the leader (true) or answers 307 (false). */
  setForwarding(on: boolean): void;
  /**
   * Standby only: true freezes what this node's local reads see of transit keys (GET
   * <mount>/keys/<name>) at this moment, as a standby whose replication lags; false catches up.
   * Rejects on an active node.
   */
  pauseReplication(on: boolean): Promise<void>;
  deny(pathPrefix: string): void;
  allow(pathPrefix: string): void;
  setLatency(ms: number, pathPrefix?: string): void;
  rateLimit(pathPrefix: string | null): void;
  dropConnections(on: boolean, pathPrefix?: string): void;
  hang(on: boolean, pathPrefix?: string): void;
  /** true: every request (sys/health too) gets HTTP 503, as from a proxy in front of a broken node. */
  setUnavailable(on: boolean): void;
  /** Clears deny/latency/rate-limit/drop/hang/unavailable (not the seal). */
  clearFaults(): void;
  revokeAllTokens(): void; // every token except the root token
  revokeToken(token: string): void;
  /** Whether `token` is currently valid (not revoked, not expired on the injected clock). */
  isTokenValid(token: string): boolean;
  stop(): Promise<void>;
}
