// `policy openbao` (reference §7, checklist 14): six stanzas in order by default, five with
// --include-token-renewal=false, nothing that can create, rotate, delete, export or back up keys.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { runCli } from "../../src/cli/root.ts";

const fixture = join(import.meta.dir, "..", "fixtures", "config", "valid.toml");

async function run(argv: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), env: {}, exitNow: () => { throw new Error("exit"); } });
  return { code, out, err };
}

const paths = (hcl: string) => [...hcl.matchAll(/^path "([^"]+)" \{\n {2}capabilities = \[([^\]]*)\]\n\}$/gm)].map((m) => [m[1], m[2]]);

describe("policy openbao", () => {
  test("six stanzas in the reference order, each with a comment", async () => {
    const r = await run(["policy", "openbao", "--config", fixture]);
    expect(r.code).toBe(0);
    expect(paths(r.out)).toEqual([
      ["transit/keys/kubernetes", '"read"'],
      ["transit/encrypt/kubernetes", '"update"'],
      ["transit/decrypt/kubernetes", '"update"'],
      ["transit/config/keys", '"read"'],
      ["sys/capabilities-self", '"update"'],
      ["auth/token/renew-self", '"update"'],
    ]);
    expect(r.out.match(/^# .*\npath /gm)).toHaveLength(6);
    expect(r.out).toContain("# Auth: jwt login at auth/jwt (role openbao-kms, source file)");
    expect(r.out).toContain("# Write it in namespace admin/workload-a.");
    expect(r.out).not.toMatch(/rotate|delete|export|backup|"create"|"sudo"|"list"/);
  });

  test("--include-token-renewal=false drops renew-self", async () => {
    const r = await run(["policy", "openbao", "--config", fixture, "--include-token-renewal=false"]);
    expect(paths(r.out).map((p) => p[0])).not.toContain("auth/token/renew-self");
    expect(paths(r.out)).toHaveLength(5);
  });

  test("usage and config errors", async () => {
    expect((await run(["policy", "nosuch"])).code).toBe(2);
    expect((await run(["policy", "openbao", "--bogus"])).code).toBe(2);
    expect((await run(["policy", "openbao", "--include-token-renewal=maybe", "--config", fixture])).code).toBe(2);
    expect((await run(["policy", "openbao", "--config", "/nonexistent/config.toml"])).code).toBe(3);
    expect((await run(["policy"])).out).toContain("Usage: bao-kms-provider policy openbao");
  });
});
