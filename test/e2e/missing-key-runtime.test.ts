// docs/openbao-compat.md §Encrypt on a missing key, end to end: the Transit key is deleted
// under a serving provider that holds exactly the generated (update-only) policy. OpenBao then
// answers the provider's encrypts with 403; the provider reads the key (shared, remembered for a
// few seconds), sees 404, answers NOT_FOUND "transit key not found" (error class
// transit_key_missing) and never logs in again for it, however often the probes and
// kube-apiserver retry.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";
import { PyKmsClient, type EncryptReply } from "../helpers/py-kms-client.ts";

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
let sealed: EncryptReply;

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: fastProbes });
  provider = await startProvider(files);
  client = new PyKmsClient(files.socketPath);
  sealed = (await client.encrypt(new Uint8Array(32).fill(1))) as EncryptReply;
  expect(sealed.ok).toBe(true);
});
afterAll(async () => {
  await client?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
});

const jsonLines = () => provider.output.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);

test("a deleted key: Transit failures are NOT_FOUND (transit_key_missing), no re-login while clients and probes keep asking", async () => {
  emu.configureKey("kubernetes", { deletionAllowed: true });
  expect(emu.deleteKey("kubernetes")).toBe(true);
  emu.resetCounts();
  // Encrypt reaches Transit until the status probes notice the missing key; from then on the
  // status gate answers first (FAILED_PRECONDITION "status unhealthy"). Either way never anything else.
  const attempts = 20;
  const codes = new Map<string, number>();
  for (let i = 0; i < attempts; i++) {
    const r = await client.encrypt(new Uint8Array(32).fill(2));
    expect(r.ok).toBe(false);
    if (r.code === "NOT_FOUND") expect(r.details).toBe("transit key not found");
    else expect(r).toMatchObject({ code: "FAILED_PRECONDITION", details: "status unhealthy" });
    codes.set(r.code!, (codes.get(r.code!) ?? 0) + 1);
  }
  // Decrypt is not gated by status: OpenBao's 400 "encryption key not found" is NOT_FOUND too.
  for (let i = 0; i < 3; i++) expect(await client.decrypt(sealed)).toMatchObject({ ok: false, code: "NOT_FOUND", details: "transit key not found" });
  // The status probes keep asking OpenBao (with their own backoff): wait, bounded by count and
  // not by a rate, for two metadata probes (only they read config/keys).
  const clientEncrypts = codes.get("NOT_FOUND") ?? 0;
  const probeReads = () => emu.count({ method: "GET", pathPrefix: "transit/config/keys" });
  for (let i = 0; i < 300 && probeReads() < 2; i++) await Bun.sleep(50);
  expect(probeReads()).toBeGreaterThanOrEqual(2);
  expect(emu.count({ pathPrefix: `${emu.jwtMount}/login` })).toBe(0);
  const logged = jsonLines();
  const missing = logged.filter((l) => l.message === "kms.request" && l.error_class === "transit_key_missing");
  expect(missing.filter((l) => l.method === "Decrypt")).toHaveLength(3);
  expect(missing.filter((l) => l.method === "Encrypt")).toHaveLength(clientEncrypts);
  expect(logged.some((l) => l.message === "status.probe" && l.probe_kind === "deep" && l.error_class === "not_found")).toBe(true);
  expect(emu.keyInfo("kubernetes")).toBeUndefined(); // and nothing created it again
}, 30_000);
