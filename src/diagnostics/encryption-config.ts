// Kubernetes EncryptionConfiguration: validation shared by doctor and init's self-check
// (reference §5). Finds the provider wherever it sits; reports every problem with its YAML path.
import { parseDuration } from "../config/duration.ts";

export interface EncryptionConfigExpectations {
  /** transit.key_id_scope.provider_name */
  readonly providerName: string;
  /** server.socket_path */
  readonly socketPath: string;
}

export interface EncryptionConfigResult {
  readonly problems: string[];
  /** True when an identity provider is present (a fallback that reads or writes plaintext). */
  readonly identityFallback: boolean;
  /** "kms-first" when our kms provider is the first provider of the entry that holds it. */
  readonly order?: "kms-first" | "identity-first" | "other";
}

const providerTypes = ["kms", "identity", "aescbc", "aesgcm", "secretbox"] as const;
const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x);

/** Parses YAML text (Bun's built-in parser) and validates it. */
export function checkEncryptionConfigText(text: string, want: EncryptionConfigExpectations): EncryptionConfigResult {
  let doc: unknown;
  try {
    doc = Bun.YAML.parse(text);
  } catch {
    return { problems: ["encryptionConfig: is not valid YAML"], identityFallback: false };
  }
  return checkEncryptionConfig(doc, want);
}

export function checkEncryptionConfig(doc: unknown, want: EncryptionConfigExpectations): EncryptionConfigResult {
  const problems: string[] = [];
  let identityFallback = false;
  let order: EncryptionConfigResult["order"];
  if (!isObject(doc)) return { problems: ["encryptionConfig: must be a YAML mapping"], identityFallback };
  const known = new Set(["apiVersion", "kind", "resources"]);
  for (const k of Object.keys(doc)) if (!known.has(k)) problems.push(`encryptionConfig.${k}: unknown field`);
  if (doc.apiVersion !== "apiserver.config.k8s.io/v1") problems.push("encryptionConfig.apiVersion: must be apiserver.config.k8s.io/v1");
  if (doc.kind !== "EncryptionConfiguration") problems.push("encryptionConfig.kind: must be EncryptionConfiguration");
  const resources = doc.resources;
  if (!Array.isArray(resources) || resources.length === 0) {
    problems.push("encryptionConfig.resources: must list at least one entry");
    return { problems, identityFallback };
  }
  let ours = 0;
  resources.forEach((entry, i) => {
    const at = `encryptionConfig.resources[${i}]`;
    if (!isObject(entry)) return void problems.push(`${at}: must be a mapping`);
    for (const k of Object.keys(entry)) if (k !== "resources" && k !== "providers") problems.push(`${at}.${k}: unknown field`);
    if (!Array.isArray(entry.resources) || entry.resources.length === 0 || !entry.resources.every((r) => typeof r === "string" && r !== "")) {
      problems.push(`${at}.resources: must be a non-empty list of resource names`);
    }
    const providers: unknown[] = Array.isArray(entry.providers) ? entry.providers : [];
    if (providers.length === 0) return void problems.push(`${at}.providers: must be a non-empty list`);
    providers.forEach((p, j) => {
      const pat = `${at}.providers[${j}]`;
      if (!isObject(p)) return void problems.push(`${pat}: must be a mapping`);
      const types = Object.keys(p);
      if (types.length !== 1) return void problems.push(`${pat}: must have exactly one provider type`);
      const type = types[0] as string;
      if (!(providerTypes as readonly string[]).includes(type)) return void problems.push(`${pat}.${type}: unknown provider type`);
      if (type === "identity") {
        identityFallback = true;
        return;
      }
      if (type !== "kms") return;
      const kms = p.kms;
      if (!isObject(kms)) return void problems.push(`${pat}.kms: must be a mapping`);
      // Another KMS provider (a migration source) is allowed; ours is the one with our name or socket.
      const mine = kms.name === want.providerName || kms.endpoint === `unix://${want.socketPath}`;
      if (!mine) return;
      ours++;
      if (order === undefined) order = j === 0 ? "kms-first" : isObject(providers[0]) && providers[0].identity !== undefined ? "identity-first" : "other";
      if (kms.apiVersion !== "v2") problems.push(`${pat}.kms.apiVersion: must be v2`);
      if (kms.name !== want.providerName) problems.push(`${pat}.kms.name: must match transit.key_id_scope.provider_name ("${want.providerName}")`);
      if (kms.endpoint !== `unix://${want.socketPath}`) problems.push(`${pat}.kms.endpoint: must match server.socket_path ("unix://${want.socketPath}")`);
      if (kms.timeout !== undefined) {
        let ms = -1;
        try {
          ms = typeof kms.timeout === "string" ? parseDuration(kms.timeout) : -1;
        } catch {
          ms = -1;
        }
        if (!(ms > 0)) problems.push(`${pat}.kms.timeout: must be a positive duration such as 3s`);
      }
      for (const k of Object.keys(kms)) if (!["apiVersion", "name", "endpoint", "timeout", "cachesize"].includes(k)) problems.push(`${pat}.kms.${k}: unknown field`);
    });
  });
  if (ours === 0) problems.push(`encryptionConfig: no kms provider named "${want.providerName}" with endpoint unix://${want.socketPath}`);
  return { problems, identityFallback, ...(order ? { order } : {}) };
}
