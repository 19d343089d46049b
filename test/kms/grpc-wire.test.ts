// Our gRPC server at the HTTP/2 level (src/kms/grpc/server.ts), with a raw node:http2 client: what
// it answers to what a client may send that grpc-js/grpc-go never would. Framing, limits,
// deadlines, cancellation, unknown methods, compression, and the header helpers.
import { afterEach, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { connect, type ClientHttp2Session } from "node:http2";
import { join } from "node:path";
import { staticKeySet } from "../../src/keys/from-metadata.ts";
import { Code } from "../../src/kms/grpc/codes.ts";
import { createHandlers, type RequestObservation } from "../../src/kms/grpc/handlers.ts";
import { encodeGrpcMessage, parseGrpcTimeout, startKmsServer } from "../../src/kms/grpc/server.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { ConcurrencyLimiter } from "../../src/kms/limiter.ts";
import { maxGrpcMessageBytes } from "../../src/kms/limits.ts";
import type { Transit } from "../../src/kms/ports.ts";
import { KmsService } from "../../src/kms/service.ts";
import type { KeyScope, KeySnapshot } from "../../src/kms/snapshot.ts";
import { v2 } from "../../src/gen/kms/v2/api.js";
import { fakeTransit } from "../helpers/fake-transit.ts";

const scope: KeyScope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "0123456789abcdef0123456789abcdef" };
const active: KeySnapshot = { scope, transitVersion: 1, createdAtUnix: 1700000001, keyId: deriveKeyId(scope, 1, 1700000001), state: "active" };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(transit: Transit = fakeTransit()) {
  const dir = mkdtempSync("/tmp/bkp-wire-");
  chmodSync(dir, 0o700);
  const socketPath = join(dir, "kms.sock");
  const keys = staticKeySet([active]);
  const observed: RequestObservation[] = [];
  const handlers = createHandlers({
    service: new KmsService({ transit, keys, status: keys, pluginVersion: "t", requestTimeoutMs: 5000 }),
    limiters: { Status: new ConcurrencyLimiter(4), Encrypt: new ConcurrencyLimiter(4), Decrypt: new ConcurrencyLimiter(4) },
    observe: (o) => observed.push(o),
  });
  const server = await startKmsServer({ socketPath, socketMode: 0o660, socketGid: process.getegid?.() ?? 0, handlers });
  const session: ClientHttp2Session = connect("http://localhost", { createConnection: () => require("node:net").connect(socketPath) });
  session.on("error", () => {});
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => server.stop(0));
  cleanups.push(() => session.destroy());
  return { session, observed };
}

const framed = (bytes: Uint8Array, flag = 0, length = bytes.byteLength) => {
  const b = Buffer.alloc(5 + bytes.byteLength);
  b[0] = flag;
  b.writeUInt32BE(length, 1);
  b.set(bytes, 5);
  return b;
};

interface Reply { status: number; headers: Record<string, unknown>; trailers: Record<string, unknown>; body: Buffer }
function call(session: ClientHttp2Session, path: string, body: Buffer | undefined, extra: Record<string, string> = {}, hold = false): { reply: Promise<Reply>; cancel(): void } {
  const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...extra }, { endStream: false });
  const chunks: Buffer[] = [];
  const reply = new Promise<Reply>((resolve, reject) => {
    let headers: Record<string, unknown> = {};
    let trailers: Record<string, unknown> = {};
    stream.on("response", (h) => (headers = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve({ status: Number(headers[":status"]), headers, trailers, body: Buffer.concat(chunks) }));
    stream.on("error", reject);
  });
  if (body !== undefined) stream.write(body);
  if (!hold) stream.end();
  return { reply, cancel: () => stream.close(8) };
}
const grpcStatus = (r: Reply) => Number(r.trailers["grpc-status"] ?? r.headers["grpc-status"]);
const statusPath = "/v2.KeyManagementService/Status";
const statusRequest = framed(v2.StatusRequest.encode(new v2.StatusRequest()).finish());

test("a Status call: headers, one framed message, trailers grpc-status 0", async () => {
  const { session } = await serve();
  const r = await call(session, statusPath, statusRequest).reply;
  expect(r.status).toBe(200);
  expect(r.headers["content-type"]).toBe("application/grpc");
  expect(grpcStatus(r)).toBe(Code.OK);
  expect(r.body.readUInt32BE(1)).toBe(r.body.byteLength - 5);
  expect(v2.StatusResponse.decode(r.body.subarray(5))).toMatchObject({ version: "v2", healthz: "ok", keyId: active.keyId });
});

test("an unknown method is UNIMPLEMENTED, naming it", async () => {
  const { session } = await serve();
  const r = await call(session, "/v2.KeyManagementService/Rotate", statusRequest).reply;
  expect(grpcStatus(r)).toBe(Code.UNIMPLEMENTED);
  expect(String(r.headers["grpc-message"])).toContain("/v2.KeyManagementService/Rotate");
});

test("a message above 64 KiB is RESOURCE_EXHAUSTED, by its declared length or by the bytes sent", async () => {
  const { session } = await serve();
  const declared = await call(session, "/v2.KeyManagementService/Decrypt", framed(new Uint8Array(10), 0, maxGrpcMessageBytes + 1)).reply;
  expect(grpcStatus(declared)).toBe(Code.RESOURCE_EXHAUSTED);
  const sent = await call(session, "/v2.KeyManagementService/Decrypt", framed(new Uint8Array(maxGrpcMessageBytes + 100))).reply;
  expect(grpcStatus(sent)).toBe(Code.RESOURCE_EXHAUSTED);
});

test("no message, a truncated one, or two: INTERNAL; a compressed one: UNIMPLEMENTED", async () => {
  const { session } = await serve();
  expect(grpcStatus(await call(session, statusPath, undefined).reply)).toBe(Code.INTERNAL);
  expect(grpcStatus(await call(session, statusPath, framed(new Uint8Array(4), 0, 9)).reply)).toBe(Code.INTERNAL);
  expect(grpcStatus(await call(session, statusPath, Buffer.concat([statusRequest, statusRequest])).reply)).toBe(Code.INTERNAL);
  expect(grpcStatus(await call(session, statusPath, framed(new Uint8Array(0), 1)).reply)).toBe(Code.UNIMPLEMENTED);
});

test("not POST → HTTP 405; not application/grpc → HTTP 415", async () => {
  const { session } = await serve();
  const get = session.request({ ":method": "GET", ":path": statusPath });
  const getStatus = await new Promise<number>((r) => get.on("response", (h) => r(Number(h[":status"]))));
  expect(getStatus).toBe(405);
  const json = call(session, statusPath, statusRequest, { "content-type": "application/json" });
  expect((await json.reply).status).toBe(415);
});

test("grpc-timeout ends a call at its deadline (DEADLINE_EXCEEDED) and aborts the work behind it", async () => {
  let aborted: unknown;
  const transit: Transit = {
    encrypt: (_r, signal) => new Promise((_, reject) => signal.addEventListener("abort", () => ((aborted = signal.reason), reject(signal.reason)))),
    decrypt: () => Promise.reject(new Error("unused")),
  };
  const { session } = await serve(transit);
  const req = framed(v2.EncryptRequest.encode(new v2.EncryptRequest({ plaintext: new Uint8Array(32).fill(3), uid: "u" })).finish());
  const t0 = performance.now();
  const r = await call(session, "/v2.KeyManagementService/Encrypt", req, { "grpc-timeout": "150m" }).reply;
  const took = performance.now() - t0;
  expect(grpcStatus(r)).toBe(Code.DEADLINE_EXCEEDED);
  expect(took).toBeGreaterThanOrEqual(140);
  expect(took).toBeLessThan(1_500); // the service's own deadline is 5 s
  expect((aborted as DOMException | undefined)?.name).toBe("TimeoutError");
});

test("a client that resets its stream cancels the call: the handler sees its signal abort", async () => {
  let sawAbort: unknown;
  const transit: Transit = {
    encrypt: (_r, signal) => new Promise((_, reject) => signal.addEventListener("abort", () => ((sawAbort = signal.reason), reject(signal.reason)))),
    decrypt: () => Promise.reject(new Error("unused")),
  };
  const { session, observed } = await serve(transit);
  const req = framed(v2.EncryptRequest.encode(new v2.EncryptRequest({ plaintext: new Uint8Array(32).fill(2), uid: "u" })).finish());
  const c = call(session, "/v2.KeyManagementService/Encrypt", req);
  await Bun.sleep(100);
  c.cancel();
  await c.reply.catch(() => undefined);
  for (let i = 0; i < 50 && observed.length === 0; i++) await Bun.sleep(10);
  expect((sawAbort as DOMException | undefined)?.name).toBe("AbortError");
  expect(observed[0]).toMatchObject({ method: "Encrypt", code: Code.CANCELLED, errorClass: "canceled" });
});

test("grpc-timeout and grpc-message helpers follow PROTOCOL-HTTP2", () => {
  expect(parseGrpcTimeout("3S")).toBe(3000);
  expect(parseGrpcTimeout("2999m")).toBe(2999);
  expect(parseGrpcTimeout("1H")).toBe(3_600_000);
  expect(parseGrpcTimeout("5000u")).toBe(5);
  expect(parseGrpcTimeout("123456789S")).toBeUndefined(); // at most 8 digits
  // Beyond a timer's range (2^31 − 1 ms) a timer would fire at once: treated as no deadline.
  expect(parseGrpcTimeout("99999999H")).toBeUndefined();
  expect(parseGrpcTimeout("596H")).toBe(596 * 3_600_000);
  expect(parseGrpcTimeout("3s")).toBeUndefined();
  expect(parseGrpcTimeout(undefined)).toBeUndefined();
  expect(encodeGrpcMessage("key_id unknown")).toBe("key_id unknown");
  expect(encodeGrpcMessage("100% é\n")).toBe("100%25 %C3%A9%0A");
});
