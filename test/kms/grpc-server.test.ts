// The gRPC adapter on a real socket (grpc-js client): the per-method slot is taken before any
// validation and an excess call is refused at once; an unclassified throw reaches the client
// only as INTERNAL "kms request failed"; stop() drains, or cuts the rest at the grace period,
// and removes only the socket it bound.

import { afterEach, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ServiceError } from "@grpc/grpc-js";
import { status as Code } from "@grpc/grpc-js";
import { staticKeySet } from "../../src/keys/from-metadata.ts";
import { createKmsClient, type KmsClient } from "../../src/kms/grpc/client.ts";
import { createHandlers, type RequestObservation } from "../../src/kms/grpc/handlers.ts";
import { startKmsServer, type RunningKmsServer } from "../../src/kms/grpc/server.ts";
import { deriveKeyId } from "../../src/kms/key-id.ts";
import { ConcurrencyLimiter } from "../../src/kms/limiter.ts";
import type { Transit } from "../../src/kms/ports.ts";
import { KmsService } from "../../src/kms/service.ts";
import type { KeyScope, KeySnapshot } from "../../src/kms/snapshot.ts";
import { fakeTransit } from "../helpers/fake-transit.ts";

const scope: KeyScope = { providerName: "p", clusterId: "c", openbaoInstanceId: "i", openbaoNamespace: "", transitMountId: "m", keyLineageId: "0123456789abcdef0123456789abcdef" };
const active: KeySnapshot = { scope, transitVersion: 1, createdAtUnix: 1700000001, keyId: deriveKeyId(scope, 1, 1700000001), state: "active" };

const cleanups: Array<() => void | Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A Transit whose decrypt waits for `open()` (or the request signal); encrypt and failures from the fake. */
function gatedTransit() {
  const fake = fakeTransit();
  let gate = Promise.withResolvers<void>();
  let throwOnDecrypt: unknown;
  const transit: Transit = {
    encrypt: (r, s) => fake.encrypt(r, s),
    async decrypt(r, signal) {
      if (throwOnDecrypt !== undefined) throw throwOnDecrypt;
      await Promise.race([gate.promise, new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))]);
      return fake.decrypt(r, signal);
    },
  };
  return {
    transit,
    open: () => gate.resolve(),
    close: () => void (gate = Promise.withResolvers<void>()),
    throwOnDecrypt: (e: unknown) => void (throwOnDecrypt = e),
  };
}

async function serve(opts: { decryptLimit?: number; timeoutMs?: number } = {}) {
  const dir = mkdtempSync("/tmp/bkp-grpc-");
  chmodSync(dir, 0o700);
  const socketPath = join(dir, "kms.sock");
  const gated = gatedTransit();
  const keys = staticKeySet([active]);
  const observed: RequestObservation[] = [];
  const handlers = createHandlers({
    service: new KmsService({ transit: gated.transit, keys, status: keys, pluginVersion: "t", requestTimeoutMs: opts.timeoutMs ?? 5000 }),
    limiters: { Status: new ConcurrencyLimiter(4), Encrypt: new ConcurrencyLimiter(4), Decrypt: new ConcurrencyLimiter(opts.decryptLimit ?? 4) },
    observe: (o) => observed.push(o),
  });
  const server: RunningKmsServer = await startKmsServer({ socketPath, socketMode: 0o660, socketGid: process.getegid?.() ?? 0, handlers });
  const client: KmsClient = createKmsClient(socketPath);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => server.stop(0));
  cleanups.push(() => client.close());
  return { socketPath, server, client, gated, observed };
}

const soon = () => new Date(Date.now() + 10_000);
async function failure(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as ServiceError;
    return { code: err.code, details: err.details };
  }
  throw new Error("expected the call to fail");
}

async function encrypted(client: KmsClient) {
  const r = await client.encrypt(new Uint8Array(32).fill(1), "uid", soon());
  const annotations = Object.fromEntries(Object.entries(r.annotations as Record<string, Uint8Array>));
  return { ciphertext: r.ciphertext as Uint8Array, keyId: r.keyId as string, annotations, uid: "u" };
}

/** Starts another process that spins lstat on `path`; `first` resolves with the first "<mode> <gid>" it sees of the socket. */
async function watchSocket(path: string): Promise<{ first: Promise<string> }> {
  const spin = [
    "import os, stat, sys",
    'print("ready", flush=True)',
    "while True:",
    "    try: st = os.lstat(sys.argv[1])",
    "    except FileNotFoundError: continue",
    "    if stat.S_ISSOCK(st.st_mode): print(f\"{st.st_mode & 0o777:o} {st.st_gid}\", flush=True); break",
  ].join("\n");
  const p = Bun.spawn(["python3", "-c", spin, path], { stdout: "pipe" });
  cleanups.push(() => p.kill());
  const reader = p.stdout.getReader();
  let text = "";
  while (!text.includes("ready\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the watcher did not start");
    text += new TextDecoder().decode(value);
  }
  const first = (async () => {
    while (text.split("\n").length < 3) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    return text.split("\n")[1] ?? "";
  })();
  return { first };
}

test("in a setgid directory of the socket group (the packaged layout) the socket is born with its final mode and group: no client meets it otherwise", async () => {
  const group = 4242; // any group other than ours
  for (let round = 0; round < 5; round++) {
    const dir = mkdtempSync("/tmp/bkp-grpc-");
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    chownSync(dir, -1, group);
    chmodSync(dir, 0o2750);
    const socketPath = join(dir, "kms.sock");
    const watcher = await watchSocket(socketPath);
    const keys = staticKeySet([active]);
    const handlers = createHandlers({
      service: new KmsService({ transit: fakeTransit(), keys, status: keys, pluginVersion: "t", requestTimeoutMs: 5000 }),
      limiters: { Status: new ConcurrencyLimiter(4), Encrypt: new ConcurrencyLimiter(4), Decrypt: new ConcurrencyLimiter(4) },
      observe: () => {},
    });
    const server = await startKmsServer({ socketPath, socketMode: 0o660, socketGid: group, handlers });
    cleanups.push(() => server.stop(0));
    expect(await watcher.first).toBe(`660 ${group}`);
  }
});

test("elsewhere the socket is born 0600 and opened up only after its chown", async () => {
  const group = 4242;
  const dir = mkdtempSync("/tmp/bkp-grpc-");
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o700);
  const socketPath = join(dir, "kms.sock");
  const watcher = await watchSocket(socketPath);
  const keys = staticKeySet([active]);
  const handlers = createHandlers({
    service: new KmsService({ transit: fakeTransit(), keys, status: keys, pluginVersion: "t", requestTimeoutMs: 5000 }),
    limiters: { Status: new ConcurrencyLimiter(4), Encrypt: new ConcurrencyLimiter(4), Decrypt: new ConcurrencyLimiter(4) },
    observe: () => {},
  });
  const server = await startKmsServer({ socketPath, socketMode: 0o660, socketGid: group, handlers });
  cleanups.push(() => server.stop(0));
  // Closed (0600, our group) or already final: never group access for a group it was not given.
  expect([`600 ${process.getegid?.() ?? 0}`, `660 ${group}`]).toContain(await watcher.first);
  const st = lstatSync(socketPath);
  expect(`${(st.mode & 0o777).toString(8)} ${st.gid}`).toBe(`660 ${group}`);
});

test("the socket gets its mode and group before use", async () => {
  const { socketPath } = await serve();
  const st = lstatSync(socketPath);
  expect(st.isSocket()).toBe(true);
  expect(st.mode & 0o777).toBe(0o660);
  expect(st.gid).toBe(process.getegid?.() ?? 0);
});

test("slots first: with every Decrypt slot held, even an invalid Decrypt is RESOURCE_EXHAUSTED at once; other methods are not affected", async () => {
  const { client, gated, observed } = await serve({ decryptLimit: 2 });
  const req = await encrypted(client);
  const held = [client.decrypt(req, soon()), client.decrypt(req, soon())];
  await Bun.sleep(100);
  const t0 = performance.now();
  const invalid = await failure(client.decrypt({ ...req, ciphertext: new Uint8Array(0) }, soon()));
  const took = performance.now() - t0;
  expect(invalid).toEqual({ code: Code.RESOURCE_EXHAUSTED, details: "kms request concurrency limit reached" });
  expect(took).toBeLessThan(500);
  expect(await failure(client.decrypt(req, soon()))).toEqual({ code: Code.RESOURCE_EXHAUSTED, details: "kms request concurrency limit reached" });
  // Encrypt and Status have their own slots.
  expect((await client.status(soon())).healthz).toBe("ok");
  expect((await encrypted(client)).keyId).toBe(active.keyId);
  gated.open();
  for (const r of await Promise.all(held)) expect(Buffer.from(r.plaintext as Uint8Array)).toEqual(Buffer.alloc(32, 1));
  // Slots are back: the invalid call now reaches validation.
  expect(await failure(client.decrypt({ ...req, ciphertext: new Uint8Array(0) }, soon()))).toEqual({ code: Code.INVALID_ARGUMENT, details: "ciphertext is required" });
  expect(observed.filter((o) => o.errorClass === "concurrency_limit").map((o) => o.method)).toEqual(["Decrypt", "Decrypt"]);
});

test("an unclassified throw → INTERNAL 'kms request failed', its text never sent", async () => {
  const { client, gated, observed } = await serve();
  const req = await encrypted(client);
  gated.throwOnDecrypt(new TypeError("secret text from a bug"));
  expect(await failure(client.decrypt(req, soon()))).toEqual({ code: Code.INTERNAL, details: "kms request failed" });
  expect(observed.at(-1)).toMatchObject({ method: "Decrypt", code: Code.INTERNAL, errorClass: "unknown" });
});

test("stop() with calls in flight: they finish, then the socket is removed ('drained')", async () => {
  const { client, gated, server, socketPath } = await serve();
  const req = await encrypted(client);
  const inFlight = client.decrypt(req, soon());
  await Bun.sleep(100);
  const stopping = server.stop(5_000);
  await Bun.sleep(100);
  gated.open();
  expect((await inFlight).plaintext).toBeDefined();
  expect(await stopping).toBe("drained");
  expect(existsSync(socketPath)).toBe(false);
});

test("stop() stops waiting at the grace period ('forced') and removes the socket", async () => {
  const { client, server, socketPath } = await serve({ timeoutMs: 3_000 });
  const req = await encrypted(client);
  const inFlight = failure(client.decrypt(req, soon()));
  await Bun.sleep(100);
  const t0 = performance.now();
  expect(await server.stop(300)).toBe("forced");
  const took = performance.now() - t0;
  expect(took).toBeGreaterThanOrEqual(290);
  expect(took).toBeLessThan(1500);
  expect(existsSync(socketPath)).toBe(false);
  // The forced stop destroys the connection: the call in flight ends at once, not at its 3 s
  // deadline (grpc-js reports a reset stream as INTERNAL; grpc-go as UNAVAILABLE).
  const ended = await inFlight;
  expect([Code.INTERNAL, Code.UNAVAILABLE, Code.CANCELLED]).toContain(ended.code);
  expect(performance.now() - t0).toBeLessThan(1500);
});

test("the runtime unlinks the bound path on close, whatever is there by then (documented limitation)", async () => {
  // Like Go's UnixListener (unlink on close), the listener removes its path when it closes. A file
  // put at the path by someone else while we run is therefore removed at stop: only reachable by
  // deleting a live provider's socket by hand (docs/decisions/runtime-safety.md).
  const { server, socketPath } = await serve();
  unlinkSync(socketPath);
  writeFileSync(socketPath, "someone else's file");
  expect(await server.stop(100)).toBe("drained");
  expect(existsSync(socketPath)).toBe(false);
});
