// docs/openbao-compat.md §Encrypt on a missing key, end to end: the Transit key is deleted
// under a serving provider that holds exactly the generated (update-only) policy. OpenBao then
// answers the provider's encrypts with 403; the provider reads the key, sees 404, and never logs
// in again for it, however often the probes and kube-apiserver retry.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { PyKmsClient } from "../helpers/py-kms-client.ts";

const fastProbes = `
[status]
probe_interval = "100ms"
deep_probe_interval = "200ms"
max_staleness = "1s"
`;

let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider;
let client: PyKmsClient;

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: fastProbes });
  provider = await startProvider(files);
  client = new PyKmsClient(files.socketPath);
  expect((await client.encrypt(new Uint8Array(32).fill(1))).ok).toBe(true);
});
afterAll(async () => {
  await client?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
});

test("a deleted key: encrypts fail, no re-login storm (zero logins in 3 s of probes and retries)", async () => {
  emu.configureKey("kubernetes", { deletionAllowed: true });
  expect(emu.deleteKey("kubernetes")).toBe(true);
  emu.resetCounts();
  const until = Date.now() + 3000;
  let attempts = 0;
  while (Date.now() < until) {
    const r = await client.encrypt(new Uint8Array(32).fill(2));
    expect(r.ok).toBe(false);
    attempts++;
    await Bun.sleep(50);
  }
  expect(attempts).toBeGreaterThan(10);
  expect(emu.count({ pathPrefix: `${emu.jwtMount}/login` })).toBe(0);
  expect(emu.count({ pathPrefix: "/v1/transit/" })).toBeGreaterThan(5); // the probes kept asking OpenBao
  expect(emu.keyInfo("kubernetes")).toBeUndefined(); // and nothing created it again
}, 20_000);
