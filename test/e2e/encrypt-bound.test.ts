// Encrypt's response bound on the compiled binary: the largest plaintext whose Transit ciphertext
// stays under 1 KiB round-trips; one byte more fails INVALID_ARGUMENT before OpenBao sees it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { status as Code } from "@grpc/grpc-js";
import { createKmsClient, type KmsClient } from "../../src/kms/grpc/client.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";

let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider;
let kms: KmsClient;
const deadline = () => new Date(Date.now() + 3000);

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu);
  provider = await startProvider(files);
  kms = createKmsClient(files.socketPath);
});
afterAll(async () => {
  kms?.close();
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
});

test("731 bytes fit (ciphertext 1021 bytes under version 1, as computed in advance); 732 fail INVALID_ARGUMENT with no Transit call", async () => {
  const ok = await kms.encrypt(new Uint8Array(731).fill(5), "fits", deadline());
  expect(ok.ciphertext.byteLength).toBe(1021);
  const back = await kms.decrypt({ ciphertext: ok.ciphertext, keyId: ok.keyId, annotations: ok.annotations, uid: "back" }, deadline());
  expect(back.plaintext).toEqual(new Uint8Array(731).fill(5));
  emu.resetCounts();
  const err = await kms.encrypt(new Uint8Array(732).fill(5), "too-big", deadline()).catch((e) => e);
  expect(err.code).toBe(Code.INVALID_ARGUMENT);
  expect(err.details).toBe("kms request exceeds protocol limits");
  expect(emu.count({ pathPrefix: "/v1/transit/encrypt" })).toBe(0);
});
