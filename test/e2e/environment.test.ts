// The binary ignores environment that would reroute or print its OpenBao traffic: proxy
// variables (any case) and Bun's verbose-fetch switch.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer, type Server } from "node:net";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startProvider, writeProviderFiles } from "../helpers/provider.ts";
import { PyKmsClient } from "../helpers/py-kms-client.ts";
import { scrubProcessEnvironment } from "../../src/platform/environment.ts";

let emu: Emulator;
let proxy: Server;
let proxyHits = 0;
let proxyUrl = "";
beforeAll(async () => {
  emu = await startEmulator();
  // A "proxy" that counts connections and hangs up: any request routed through it would fail.
  proxy = createServer((s) => {
    proxyHits++;
    s.destroy();
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const a = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof a === "object" && a !== null ? a.port : 0}`;
});
afterAll(async () => {
  proxy?.close();
  await emu?.stop();
});

test("proxy variables and BUN_CONFIG_VERBOSE_FETCH change nothing: direct connections, no header dump", async () => {
  const files = writeProviderFiles(emu);
  const env = {
    HTTPS_PROXY: proxyUrl,
    https_proxy: proxyUrl,
    HTTP_PROXY: proxyUrl,
    ALL_PROXY: proxyUrl,
    Https_Proxy: proxyUrl,
    NO_PROXY: "",
    BUN_CONFIG_VERBOSE_FETCH: "curl",
  };
  const provider = await startProvider(files, { env });
  const client = new PyKmsClient(files.socketPath);
  try {
    const enc = await client.encrypt(new Uint8Array(32).fill(7));
    expect(enc.ok).toBe(true);
    const dec = await client.decrypt(enc);
    expect(dec.ok).toBe(true);
  } finally {
    await client.close();
    await provider.stop();
    files.cleanup();
  }
  expect(proxyHits).toBe(0);
  const out = provider.output.join("\n");
  expect(out).not.toContain("X-Vault-Token");
  expect(out).not.toMatch(/HTTP\/1\.1 (GET|POST|PUT)/);
});

test("scrubProcessEnvironment removes every proxy variable in any case and nothing else", () => {
  const env: Record<string, string | undefined> = { HTTPS_PROXY: "a", http_proxy: "b", All_Proxy: "c", no_proxy: "d", PATH: "/bin", PROXY: "e" };
  expect(scrubProcessEnvironment(env).sort()).toEqual(["All_Proxy", "HTTPS_PROXY", "http_proxy", "no_proxy"]);
  expect(env).toEqual({ PATH: "/bin", PROXY: "e" });
});
