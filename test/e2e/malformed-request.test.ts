// A request that is not valid protobuf, on the compiled binary: INVALID_ARGUMENT with a fixed
// message, one kms.request warning (hashes only, no bytes of the request), and a count in
// openbao_kms_grpc_requests_total under its own class. grpc-js alone would answer INTERNAL and
// neither log nor count it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { jsonLines } from "../helpers/run-binary.ts";
import { listenerUrls, startProvider, writeProviderFiles, type ProviderFiles, type RunningProvider } from "../helpers/provider.ts";

let emu: Emulator;
let files: ProviderFiles;
let provider: RunningProvider;

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { logLevel: "info" });
  provider = await startProvider(files);
});
afterAll(async () => {
  await provider?.stop();
  await emu?.stop();
  files?.cleanup();
});

function rawCall(method: string, bytes: Uint8Array): Promise<ServiceError> {
  const client = new Client(`unix://${files.socketPath}`, credentials.createInsecure(), { "grpc.default_authority": "localhost" });
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(`/v2.KeyManagementService/${method}`, () => Buffer.from(bytes), (b: Buffer) => b, {}, new Metadata(), { deadline: Date.now() + 3000 }, (err) => {
      client.close();
      if (err) resolve(err);
      else reject(new Error("a malformed request was accepted"));
    });
  });
}

test("malformed Decrypt and Encrypt: INVALID_ARGUMENT, logged with its class, counted", async () => {
  // Field 1 (bytes) with a length running past the end of the message.
  const garbage = Uint8Array.of(0x0a, 0xff, 0x01, 0x00);
  for (const method of ["Decrypt", "Encrypt"]) {
    const err = await rawCall(method, garbage);
    expect({ code: err.code, details: err.details }).toEqual({ code: 3, details: "kms request malformed" });
  }
  const logged = () => jsonLines(provider.output).filter((l) => l.message === "kms.request" && l.error_class === "malformed_request");
  for (const t0 = performance.now(); logged().length < 2 && performance.now() - t0 < 3000; ) await Bun.sleep(20);
  const lines = logged();
  expect(lines.map((l) => l.method).sort()).toEqual(["Decrypt", "Encrypt"]);
  for (const l of lines) expect(l.level).toBe("warn");
  const { metrics } = await listenerUrls(provider);
  const text = await (await fetch(`${metrics}/metrics`)).text();
  expect(text).toContain('openbao_kms_grpc_requests_total{method="decrypt",status="malformed_request"} 1');
  expect(text).toContain('openbao_kms_grpc_requests_total{method="encrypt",status="malformed_request"} 1');
});
