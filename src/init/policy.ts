// The least-privilege OpenBao policy (reference §7 stanza order) and a structural parser for the
// same HCL subset, used by init to re-check what it is about to write.

export interface PolicyStanza {
  readonly comment: string;
  readonly path: string;
  readonly capabilities: readonly string[];
}

/** Stanzas for the configured mount and key: read key, update encrypt/decrypt, read config/keys, capabilities-self, renew-self. */
export function policyStanzas(mount: string, keyName: string): PolicyStanza[] {
  const k = encodeURIComponent(keyName);
  return [
    { comment: "Read the key's metadata (versions, creation times, profile)", path: `${mount}/keys/${k}`, capabilities: ["read"] },
    { comment: "Encrypt DEK seeds (update only: no create, so encrypt can never make a key)", path: `${mount}/encrypt/${k}`, capabilities: ["update"] },
    { comment: "Decrypt DEK seeds", path: `${mount}/decrypt/${k}`, capabilities: ["update"] },
    { comment: "Read the mount's key config (disable_upsert)", path: `${mount}/config/keys`, capabilities: ["read"] },
    { comment: "Let doctor verify this policy (sys/capabilities-self)", path: "sys/capabilities-self", capabilities: ["update"] },
    { comment: "Renew the provider's own token", path: "auth/token/renew-self", capabilities: ["update"] },
  ];
}

export function renderPolicyHcl(stanzas: readonly PolicyStanza[], header: string): string {
  const body = stanzas.map((s) => `# ${s.comment}\npath "${s.path}" {\n  capabilities = [${s.capabilities.map((c) => `"${c}"`).join(", ")}]\n}\n`);
  return `# ${header}\n\n${body.join("\n")}`;
}

/** Parses `# comment` / `path "p" { capabilities = [...] }` HCL; throws Error naming the problem. */
export function parsePolicyHcl(text: string): Array<{ path: string; capabilities: string[] }> {
  const src = text.replace(/#[^\n]*/g, "");
  const stanza = /\s*path\s+"([^"\\\n]+)"\s*\{\s*capabilities\s*=\s*\[([^\]]*)\]\s*\}\s*/y;
  const out: Array<{ path: string; capabilities: string[] }> = [];
  let at = 0;
  while (src.slice(at).trim() !== "") {
    stanza.lastIndex = at;
    const m = stanza.exec(src);
    if (m === null) throw new Error(`policy: unexpected text at offset ${at}`);
    const caps = (m[2] as string).split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => {
      const c = /^"(create|read|update|patch|delete|list|scan|sudo|deny)"$/.exec(s)?.[1];
      if (c === undefined) throw new Error("policy: unknown capability");
      return c;
    });
    out.push({ path: m[1] as string, capabilities: caps });
    at = stanza.lastIndex;
  }
  return out;
}
