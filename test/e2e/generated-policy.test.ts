// The policy `bao-kms-provider policy openbao` prints is exactly enough (docs/openbao-compat.md
// §ACL policies): the emulator enforces it like OpenBao, the provider serves with it, and taking
// away any one of its stanzas breaks something the provider needs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parsePolicyHcl, renderPolicyHcl } from "../../src/init/policy.ts";
import { renewSelf, jwtLogin } from "../../src/openbao/auth/methods.ts";
import { createOpenBaoHttp } from "../../src/openbao/http.ts";
import { generatedPolicy, startProvider, writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";
import { runBinary } from "../helpers/run-binary.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";

let emu: Emulator;
let files: ProviderFiles;
let stanzas: Array<{ path: string; capabilities: string[] }>;
const noGrace = '[bootstrap]\ngrace_timeout = "0s"\n';

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: noGrace }); // applies the generated policy
  stanzas = parsePolicyHcl(generatedPolicy(files.configPath));
});
afterAll(async () => {
  await emu?.stop();
  files?.cleanup();
});

/** Sets `kms-plugin` to the generated policy without the stanza for `path`. */
function without(path: string): void {
  const kept = stanzas.filter((s) => s.path !== path).map((s) => ({ comment: "kept", ...s }));
  expect(kept.length).toBe(stanzas.length - 1);
  emu.setPolicy("kms-plugin", renderPolicyHcl(kept, "generated policy minus one stanza"));
}
const restore = () => emu.setPolicy("kms-plugin", generatedPolicy(files.configPath));

test("the generated policy has the six stanzas, and serve runs with exactly it", async () => {
  expect(stanzas.map((s) => `${s.path} ${s.capabilities.join(",")}`)).toEqual([
    "transit/keys/kubernetes read", "transit/encrypt/kubernetes update", "transit/decrypt/kubernetes update",
    "transit/config/keys read", "sys/capabilities-self update", "auth/token/renew-self update",
  ]);
  const p = await startProvider(files);
  expect(await p.stop()).toBe(0);
});

describe("without one stanza, serve cannot start (exit 5, the path named)", () => {
  test.each([
    ["transit/keys/kubernetes", "transit/keys/kubernetes"],
    ["transit/encrypt/kubernetes", "transit.encrypt"],
    ["transit/decrypt/kubernetes", "transit.decrypt"],
    ["transit/config/keys", "transit/config/keys"],
  ])("%s", async (path, named) => {
    without(path);
    try {
      const r = await runBinary(["serve", "--config", files.configPath]);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain("permission denied");
      expect(r.stderr).toContain(named);
    } finally {
      restore();
    }
  });
});

test("without sys/capabilities-self, doctor cannot verify the policy", async () => {
  without("sys/capabilities-self");
  try {
    const r = await runBinary(["doctor", "--config", files.configPath]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/\[fail\] transit\.capabilities: .*cannot read sys\/capabilities-self/);
  } finally {
    restore();
  }
});

test("without auth/token/renew-self, the provider's token renewal is refused", async () => {
  const http = createOpenBaoHttp({ address: emu.url, caPem: emu.caPem, tlsServerName: emu.serverName, namespace: "", timeoutMs: 2000 });
  const login = jwtLogin({ http, mountPath: emu.jwtMount, role: emu.jwtRole, jwt: async () => emu.mintJwt() });
  const { token } = await login(AbortSignal.timeout(5000));
  expect((await renewSelf(http)(token, 60, AbortSignal.timeout(5000))).token).toBe(token);
  without("auth/token/renew-self");
  try {
    await expect(renewSelf(http)(token, 60, AbortSignal.timeout(5000))).rejects.toMatchObject({ authClass: "renewal_failed", status: 403 });
  } finally {
    restore();
  }
});
