// The [auth] section: key shapes, defaults and the rules between auth keys
// (which method needs which table, which source needs which key). Kept apart from schema.ts so
// the auth methods can grow without touching the other sections.
import * as v from "valibot";
import { describeType, durationMs, oneOf, optionalString, requiredString, table } from "./fields.ts";
import * as rule from "./rules.ts";

const hour = 3_600_000;

/** auth.* duration bounds (ms). */
export const authBoundsMs = {
  loginBeforeTokenExpiry: { min: 1, max: 24 * hour },
  tokenRenewalIncrement: { min: 1, max: 576 * hour },
  loginTimeout: { min: 0, max: 5 * 60_000 },
  minRemainingTtl: { min: 1, max: 576 * hour },
  clockSkewLeeway: { min: 0, max: hour },
} as const;

const duration = (bounds: { min: number; max: number }, fallback: string) => v.optional(durationMs(bounds.min, bounds.max), fallback);

/** A TOML array of strings, each checked by `rules` (first problem per entry, path `key[i]`). */
const stringList = (...rules: rule.Rule[]) =>
  v.optional(
    v.array(
      v.pipe(
        v.string((issue) => `must be a string, got ${describeType(issue.input)}`),
        v.rawCheck<string>(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          const problem = rule.firstProblem(dataset.value, rules);
          if (problem !== undefined) addIssue({ message: problem });
        }),
      ),
      (issue) => `must be an array of strings, got ${describeType(issue.input)}`,
    ),
    () => [],
  );

const nonEmpty: rule.Rule = (s) => (s === "" ? "must not be empty" : undefined);
const noControl: rule.Rule = (s) => (/[\u0000-\u001f\u007f]/.test(s) ? "must not contain control characters" : undefined);

/** OAuth2 scope token (RFC 6749 §3.3): printable ASCII 0x21–0x7E except `"` and `\`. */
export const oauthScope: rule.Rule = (s) =>
  /^[\u0021\u0023-\u005b\u005d-\u007e]+$/.test(s) ? undefined : 'must be printable ASCII without spaces, "\\" or \'"\'';

/** token_url: https, a host, no user info or fragment; a fixed query is allowed. */
export const tokenUrl: rule.Rule = (s) => {
  const base = rule.identifier(s);
  if (base !== undefined) return base;
  if (/^http:\/\//i.test(s)) return "must use https";
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return 'must be an https URL such as "https://issuer.example/token"';
  }
  if (url.protocol !== "https:") return "must use https";
  if (url.hostname === "") return "must include a host";
  if (url.username !== "" || url.password !== "" || /^https:\/\/[^/?#]*@/i.test(s)) return "must not contain user info";
  if (s.includes("#")) return "must not have a fragment";
  return undefined;
};

/** An RFC 8707 resource: an absolute URI without fragment or user info. */
export const resourceUri: rule.Rule = (s) => {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return "must be an absolute URI";
  }
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) return "must be an absolute URI";
  if (s.includes("#")) return "must not have a fragment";
  if (url.username !== "" || url.password !== "") return "must not contain user info";
  return undefined;
};

const oauth2Schema = v.optional(
  table({
    token_url: requiredString(tokenUrl),
    client_id: requiredString(noControl),
    client_secret_file: requiredString(rule.absolutePath),
    auth_method: oneOf(["client_secret_basic", "client_secret_post"]),
    scopes: stringList(nonEmpty, oauthScope),
    audience: optionalString("", noControl),
    resources: stringList(nonEmpty, resourceUri),
    ca_cert_file: optionalString("", rule.absolutePath),
  }),
);

const jwtSchema = v.optional(
  table({
    source: v.optional(oneOf(["file", "oauth2"])),
    mount_path: v.optional(requiredString(rule.relativePath)),
    role: v.optional(requiredString(rule.identifier)),
    jwt_file: v.optional(requiredString(rule.absolutePath)),
    min_remaining_ttl: duration(authBoundsMs.minRemainingTtl, "2m"),
    clock_skew_leeway: duration(authBoundsMs.clockSkewLeeway, "30s"),
    expected_issuer: optionalString("", rule.identifier),
    expected_audience: stringList(nonEmpty, rule.identifier),
    expected_subject: optionalString("", rule.identifier),
    oauth2: oauth2Schema,
  }),
);

const appRoleSchema = v.optional(
  table({
    mount_path: v.optional(requiredString(rule.relativePath), "auth/approle"),
    role_id: optionalString("", rule.identifier),
    role_id_file: optionalString("", rule.absolutePath),
    secret_id_file: v.optional(requiredString(rule.absolutePath)),
  }),
);

type Problem = { path: string[]; message: string };

/** Rules between auth keys; each problem's path is relative to [auth]. */
function authRelations(a: {
  method: string;
  login_before_token_expiry: number;
  token_renewal_increment: number;
  jwt?: Record<string, unknown> | undefined;
  approle?: Record<string, unknown> | undefined;
}): Problem[] {
  const out: Problem[] = [];
  if (a.token_renewal_increment <= a.login_before_token_expiry) {
    out.push({ path: ["token_renewal_increment"], message: "must be greater than auth.login_before_token_expiry" });
  }
  if (a.method === "jwt") {
    if (a.approle !== undefined) out.push({ path: ["approle"], message: 'must be omitted when auth.method is "jwt"' });
    const j = a.jwt ?? {};
    for (const key of ["source", "mount_path", "role"]) if (j[key] === undefined) out.push({ path: ["jwt", key], message: "is required" });
    const source = j.source;
    if (source === "oauth2") {
      if (j.jwt_file !== undefined) out.push({ path: ["jwt", "jwt_file"], message: 'must be omitted for source "oauth2"' });
      if (j.oauth2 === undefined) out.push({ path: ["jwt", "oauth2"], message: 'is required for source "oauth2"' });
      if (j.expected_issuer === "") out.push({ path: ["jwt", "expected_issuer"], message: 'is required for source "oauth2"' });
      if ((j.expected_audience as string[] | undefined)?.length === 0) {
        out.push({ path: ["jwt", "expected_audience"], message: 'needs at least one entry for source "oauth2"' });
      }
    } else {
      if (j.jwt_file === undefined) out.push({ path: ["jwt", "jwt_file"], message: "is required" });
      if (source === "file" && j.oauth2 !== undefined) out.push({ path: ["jwt", "oauth2"], message: 'must be omitted for source "file"' });
    }
  } else {
    if (a.jwt !== undefined) out.push({ path: ["jwt"], message: 'must be omitted when auth.method is "approle"' });
    const r = a.approle;
    if (r === undefined) out.push({ path: ["approle"], message: 'is required when auth.method is "approle"' });
    else {
      if (r.secret_id_file === undefined) out.push({ path: ["approle", "secret_id_file"], message: "is required" });
      if (r.role_id === "" && r.role_id_file === "") out.push({ path: ["approle", "role_id"], message: "is required (or set role_id_file)" });
      if (r.role_id !== "" && r.role_id_file !== "") out.push({ path: ["approle", "role_id_file"], message: "must be omitted when role_id is set" });
    }
  }
  return out;
}

const pathItem = (key: string, input: unknown) =>
  ({ type: "object", origin: "value", input, key, value: undefined }) as unknown as v.IssuePathItem;

export const authSchema = v.optional(
  v.pipe(
    table({
      method: v.optional(oneOf(["jwt", "approle"]), "jwt"),
      login_before_token_expiry: duration(authBoundsMs.loginBeforeTokenExpiry, "5m"),
      token_renewal_increment: duration(authBoundsMs.tokenRenewalIncrement, "1h"),
      login_timeout: duration(authBoundsMs.loginTimeout, "0s"),
      jwt: jwtSchema,
      approle: appRoleSchema,
    }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      for (const p of authRelations(dataset.value)) {
        addIssue({ message: p.message, path: p.path.map((k) => pathItem(k, dataset.value)) as [v.IssuePathItem, ...v.IssuePathItem[]] });
      }
    }),
  ),
  () => ({}),
);

type AuthFile = v.InferOutput<typeof authSchema>;

export interface OAuth2Config {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecretFile: string;
  readonly authMethod: "client_secret_basic" | "client_secret_post";
  readonly scopes: readonly string[];
  /** "" = not sent. */
  readonly audience: string;
  readonly resources: readonly string[];
  /** "" = the system trust roots. */
  readonly caCertFile: string;
}

export interface JwtAuthConfig {
  readonly source: "file" | "oauth2";
  readonly mountPath: string;
  readonly role: string;
  /** "" for source oauth2. */
  readonly jwtFile: string;
  readonly minRemainingTtlMs: number;
  readonly clockSkewLeewayMs: number;
  /** "" = not checked. */
  readonly expectedIssuer: string;
  /** [] = not checked. */
  readonly expectedAudience: readonly string[];
  /** "" = not checked. */
  readonly expectedSubject: string;
  /** Present exactly for source oauth2. */
  readonly oauth2?: OAuth2Config;
}

export interface AppRoleAuthConfig {
  readonly mountPath: string;
  /** "" when role_id_file is used. */
  readonly roleId: string;
  /** "" when role_id is used. */
  readonly roleIdFile: string;
  readonly secretIdFile: string;
}

export interface AuthConfig {
  readonly method: "jwt" | "approle";
  readonly loginBeforeTokenExpiryMs: number;
  readonly tokenRenewalIncrementMs: number;
  /** As configured; 0 = max(openbao.timeout, 5s) (see effectiveLoginTimeoutMs). */
  readonly loginTimeoutMs: number;
  /** Present exactly for method jwt. */
  readonly jwt?: JwtAuthConfig;
  /** Present exactly for method approle. */
  readonly approle?: AppRoleAuthConfig;
}

/** The deadline of one shared login or renewal: login_timeout, or max(openbao.timeout, 5s) when it is 0. */
export function effectiveLoginTimeoutMs(auth: AuthConfig, openBaoTimeoutMs: number): number {
  return auth.loginTimeoutMs > 0 ? auth.loginTimeoutMs : Math.max(openBaoTimeoutMs, 5_000);
}

export function buildAuth(a: AuthFile): AuthConfig {
  const base = {
    method: a.method,
    loginBeforeTokenExpiryMs: a.login_before_token_expiry,
    tokenRenewalIncrementMs: a.token_renewal_increment,
    loginTimeoutMs: a.login_timeout,
  };
  if (a.method === "approle") {
    const r = a.approle!;
    return { ...base, approle: { mountPath: r.mount_path, roleId: r.role_id, roleIdFile: r.role_id_file, secretIdFile: r.secret_id_file ?? "" } };
  }
  const j = a.jwt!;
  const o = j.oauth2;
  return {
    ...base,
    jwt: {
      source: j.source ?? "file",
      mountPath: j.mount_path ?? "",
      role: j.role ?? "",
      jwtFile: j.jwt_file ?? "",
      minRemainingTtlMs: j.min_remaining_ttl,
      clockSkewLeewayMs: j.clock_skew_leeway,
      expectedIssuer: j.expected_issuer,
      expectedAudience: j.expected_audience,
      expectedSubject: j.expected_subject,
      ...(o === undefined
        ? {}
        : {
            oauth2: {
              tokenUrl: o.token_url,
              clientId: o.client_id,
              clientSecretFile: o.client_secret_file,
              authMethod: o.auth_method,
              scopes: o.scopes,
              audience: o.audience,
              resources: o.resources,
              caCertFile: o.ca_cert_file,
            },
          }),
    },
  };
}
