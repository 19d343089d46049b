// [openbao]: one address, or 1–7 addresses of one OpenBao cluster (docs/decisions/openbao-endpoints.md).
// Which of the two shapes a file uses is decided before validation (openBaoSchemaFor), so that a
// file with neither still reports "openbao.address is required" in its usual place.
import * as v from "valibot";
import { convertedString, describeType, durationMs, jsonSchemaHint, optionalString, optionalTable, requiredString } from "./fields.ts";
import * as rule from "./rules.ts";

/** openbao.timeout bounds (ms): above 0 and at most 5m; a longer per-request wait is taken as a unit mistake. */
export const openBaoTimeoutBoundsMs = { min: 1, max: 300_000 } as const;
/** openbao.addresses holds 1 to this many endpoints (a Raft cluster has 3 or 5 voters, 7 at most in practice). */
export const maxOpenBaoAddresses = 7;
/** openbao.health_check_interval bounds (ms). */
export const healthCheckIntervalBoundsMs = { min: 1_000, max: 600_000 } as const;

const address = convertedString(rule.normaliseAddress, undefined, rule.openBaoAddress);

const addresses = v.pipe(
  v.array(v.string((i) => `must be a string, got ${describeType(i.input)}`), (i) => `must be an array of https URLs, got ${describeType(i.input)}`),
  v.rawCheck<string[]>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const list = dataset.value;
    if (list.length === 0 || list.length > maxOpenBaoAddresses) return addIssue({ message: `must list 1 to ${maxOpenBaoAddresses} addresses` });
    const seen = new Set<string>();
    for (const [i, a] of list.entries()) {
      const problem = rule.openBaoAddress(a);
      if (problem !== undefined) return addIssue({ message: `entry ${i + 1} ${problem}` });
      const normal = rule.normaliseAddress(a);
      if (seen.has(normal)) return addIssue({ message: `entry ${i + 1} repeats ${normal}` });
      seen.add(normal);
    }
  }),
  v.transform((list) => list.map(rule.normaliseAddress)),
  jsonSchemaHint<string[]>({ minItems: 1, maxItems: maxOpenBaoAddresses }),
);

const head = {
  namespace: optionalString("", rule.relativePath),
  ca_cert_file: requiredString(rule.absolutePath),
};
const tail = {
  timeout: v.optional(durationMs(openBaoTimeoutBoundsMs.min, openBaoTimeoutBoundsMs.max), "2s"),
  health_check_interval: v.optional(durationMs(healthCheckIntervalBoundsMs.min, healthCheckIntervalBoundsMs.max), "5s"),
  instance_id: requiredString(rule.identifier),
};

/** The single-address shape (and the one `config schema` describes): address and tls_server_name required. */
export const openBaoSchema = optionalTable({
  address,
  addresses: v.optional(addresses),
  ...head,
  tls_server_name: requiredString(rule.identifier),
  ...tail,
});

/** The several-address shape: address optional (giving both is a relationship error), tls_server_name optional. */
const openBaoManySchema = optionalTable({
  address: v.optional(address),
  addresses,
  ...head,
  tls_server_name: optionalString("", rule.identifier),
  ...tail,
});

/** The schema for the raw [openbao] table: the several-address shape once `addresses` is present. */
export function openBaoSchemaFor(raw: unknown): typeof openBaoSchema {
  const many = raw !== null && typeof raw === "object" && !Array.isArray(raw) && (raw as Record<string, unknown>).addresses !== undefined;
  // Both shapes produce the same output fields; only which are required differs.
  return (many ? openBaoManySchema : openBaoSchema) as typeof openBaoSchema;
}

export interface OpenBaoConfig {
  /** The first endpoint, `https://host[:port]`, no trailing slash (messages name it). */
  readonly address: string;
  /** Every endpoint in configured order; [address] with a single address. */
  readonly addresses: readonly string[];
  /** "" when unset. */
  readonly namespace: string;
  readonly caCertFile: string;
  /** "" = each endpoint's own host (several addresses only). */
  readonly tlsServerName: string;
  /** Per-request timeout in ms. */
  readonly timeoutMs: number;
  /** Background sys/health period per endpoint, ms (several addresses only). */
  readonly healthCheckIntervalMs: number;
  readonly instanceId: string;
}

export function buildOpenBao(o: v.InferOutput<typeof openBaoSchema>): OpenBaoConfig {
  const list = o.addresses ?? [o.address];
  return {
    address: list[0]!,
    addresses: [...list],
    namespace: o.namespace,
    caCertFile: o.ca_cert_file,
    tlsServerName: o.tls_server_name,
    timeoutMs: o.timeout,
    healthCheckIntervalMs: o.health_check_interval,
    instanceId: o.instance_id,
  };
}

/** The TLS name checked for `address`: tls_server_name when set, else the URL's host. */
export function serverNameFor(cfg: OpenBaoConfig, address: string): string {
  return cfg.tlsServerName !== "" ? cfg.tlsServerName : new URL(address).hostname.replace(/^\[|\]$/g, "");
}
