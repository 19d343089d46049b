// [etcd]: where the etcd-aware commands (inventory, recover, and the retirement checks) read
// kube-apiserver's storage. Optional as a whole: serve never reads etcd. On a control-plane node
// the files are kube-apiserver's own --etcd-cafile, --etcd-certfile and --etcd-keyfile.
import * as v from "valibot";
import { describeType, durationMs, intInRange, optionalString, optionalTable } from "./fields.ts";
import * as rule from "./rules.ts";

/** etcd.request_timeout bounds (ms). */
export const etcdTimeoutBoundsMs = { min: 100, max: 300_000 } as const;
/** etcd.page_size bounds: objects per Range. */
export const etcdPageSizeBounds = { min: 1, max: 10_000 } as const;
/** At most this many etcd endpoints. */
export const maxEtcdEndpoints = 16;

/** An https:// or http:// URL with a host and port and nothing after it. */
export const etcdEndpoint: rule.Rule = (s) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return "must be a URL such as https://127.0.0.1:2379";
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return "must start with https:// (or http:// for a local etcd without TLS)";
  if (u.port === "") return "must name a port, e.g. :2379";
  if (u.pathname !== "/" || u.search !== "" || u.hash !== "" || u.username !== "" || u.password !== "") return "must be scheme://host:port with nothing after it";
  return undefined;
};

const endpoints = v.optional(
  v.pipe(
    v.array(v.string((i) => `must be a string, got ${describeType(i.input)}`), (i) => `must be an array of URLs, got ${describeType(i.input)}`),
    v.rawCheck<string[]>(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      if (dataset.value.length > maxEtcdEndpoints) return addIssue({ message: `must list at most ${maxEtcdEndpoints} endpoints` });
      for (const [i, e] of dataset.value.entries()) {
        const problem = etcdEndpoint(e);
        if (problem !== undefined) return addIssue({ message: `entry ${i + 1} ${problem}` });
      }
    }),
  ),
  [],
);

const keyPrefix: rule.Rule = (s) => (s.startsWith("/") && !s.endsWith("/") ? undefined : 'must start with "/" and not end with one, e.g. "/registry"');

export const etcdSchema = optionalTable({
  endpoints,
  ca_file: optionalString("", rule.absolutePath),
  cert_file: optionalString("", rule.absolutePath),
  key_file: optionalString("", rule.absolutePath),
  prefix: optionalString("/registry", keyPrefix),
  request_timeout: v.optional(durationMs(etcdTimeoutBoundsMs.min, etcdTimeoutBoundsMs.max), "10s"),
  page_size: v.optional(intInRange(etcdPageSizeBounds.min, etcdPageSizeBounds.max), 500),
});

export interface EtcdConfig {
  /** Empty when not configured (the etcd-aware commands then ask for --etcd-endpoints). */
  readonly endpoints: readonly string[];
  /** Absolute paths, "" when unset. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** kube-apiserver's --etcd-prefix, "/registry" by default. */
  readonly prefix: string;
  readonly requestTimeoutMs: number;
  readonly pageSize: number;
}

export function buildEtcdConfig(f: v.InferOutput<typeof etcdSchema>): EtcdConfig {
  return { endpoints: [...f.endpoints], caFile: f.ca_file, certFile: f.cert_file, keyFile: f.key_file, prefix: f.prefix === "" ? "/registry" : f.prefix, requestTimeoutMs: f.request_timeout, pageSize: f.page_size };
}
