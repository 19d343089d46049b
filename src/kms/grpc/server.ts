// The KMS v2 gRPC server on a Unix socket, written on node:http2 for the one thing it serves:
// unary calls of three methods (docs/decisions/grpc-server.md). grpc-js's server cost ~7 MB of
// idle RSS and a quarter of each call's CPU for features kube-apiserver never uses. 64 KiB
// message cap; the socket is born with its final mode and group, or at 0600 and opened up only
// after chown/chmod; graceful drain on stop; socket removed afterwards.
//
// Wire (grpc/doc/PROTOCOL-HTTP2.md): POST /v2.KeyManagementService/<Method>, content-type
// application/grpc[+proto], one length-prefixed message (1 byte compressed flag, 4 bytes length);
// the answer is headers, one length-prefixed message and trailers grpc-status/grpc-message, or a
// trailers-only response for an error. grpc-timeout bounds the call.

import { chmodSync, chownSync, lstatSync, statSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { createServer, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { maxGrpcMessageBytes } from "../limits.ts";
import { kmsServerDefinition } from "./codec.ts";
import { Code } from "./codes.ts";
import type { KmsHandlers, UnaryFailure } from "./handlers.ts";

export interface KmsServerOptions {
  readonly socketPath: string;
  /** e.g. 0o660 */
  readonly socketMode: number;
  readonly socketGid: number;
  readonly handlers: KmsHandlers;
}

export interface RunningKmsServer {
  /** Stops accepting, waits up to `graceMs` for in-flight calls, then cuts the rest; removes the socket. */
  stop(graceMs: number): Promise<"drained" | "forced">;
}

const methods = new Map(
  (Object.keys(kmsServerDefinition) as Array<keyof typeof kmsServerDefinition>).map((name) => [kmsServerDefinition[name].path, { name, def: kmsServerDefinition[name] }] as const),
);

/** The longest delay a timer takes (2^31 − 1 ms, ~24.8 days); a later deadline is no deadline for us. */
const maxTimerMs = 2_147_483_647;

/** grpc-timeout: up to 8 digits and a unit (H, M, S, m, u, n); undefined when absent, malformed or beyond a timer's range. */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  const m = value === undefined ? null : /^(\d{1,8})([HMSmun])$/.exec(value);
  if (m === null) return undefined;
  const unitMs = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 1e-3, n: 1e-6 }[m[2] as "H"];
  const ms = Number(m[1]) * unitMs;
  return ms > maxTimerMs ? undefined : ms;
}

/** grpc-message: percent-encoded outside printable ASCII, and "%" itself. */
export function encodeGrpcMessage(text: string): string {
  return Array.from(Buffer.from(text, "utf8"), (b) => (b >= 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");
}

function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.byteLength);
  out[0] = 0;
  out.writeUInt32BE(message.byteLength, 1);
  out.set(message, 5);
  return out;
}

/** The group a new file in `dir` gets: the directory's under its setgid bit, else our effective group. */
function birthGid(dir: string): number | undefined {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (st === undefined) return undefined;
  return (st.mode & 0o2000) !== 0 ? st.gid : process.getegid?.();
}

/** Binds and starts serving. The socket never accepts with looser permissions than its final ones (see birthGid). */
export async function startKmsServer(opts: KmsServerOptions): Promise<RunningKmsServer> {
  const sessions = new Set<Http2Session>();
  // HTTP/2 settings: node's defaults (maxSessionMemory, window sizes and a 100-stream cap were measured: no gain; docs/performance.md).
  const server = createServer();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("error", () => {}); // a broken connection ends its calls; nothing to report
    session.once("close", () => sessions.delete(session));
  });
  server.on("sessionError", () => {});
  server.on("stream", (stream, headers) => serveStream(stream as ServerHttp2Stream, headers, opts.handlers));

  // Born with its final mode when it is also born in its final group (a setgid directory of the
  // socket group, as the packages and the static pod lay it out): then no client ever meets the
  // socket with other permissions. Otherwise it is born 0600 and opened up only after the chown.
  const bornFinal = birthGid(dirname(opts.socketPath)) === opts.socketGid;
  const previousUmask = process.umask(bornFinal ? 0o777 & ~opts.socketMode : 0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.socketPath, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } finally {
    process.umask(previousUmask);
  }
  const bound = lstatSync(opts.socketPath);
  try {
    chownSync(opts.socketPath, -1, opts.socketGid);
    chmodSync(opts.socketPath, opts.socketMode);
  } catch (error) {
    server.close();
    removeIfSame(opts.socketPath, bound.ino);
    throw error;
  }

  let stopping: Promise<"drained" | "forced"> | undefined;
  return {
    stop(graceMs) {
      stopping ??= new Promise<"drained" | "forced">((resolve) => {
        const timer = setTimeout(() => {
          for (const s of sessions) s.destroy();
          resolve("forced");
        }, graceMs);
        // No new connections; each session gets a GOAWAY and closes once its calls are answered.
        server.close(() => {
          clearTimeout(timer);
          resolve("drained");
        });
        for (const s of sessions) s.close();
      }).finally(() => removeIfSame(opts.socketPath, bound.ino));
      return stopping;
    },
  };
}

/** Status answers reuse one response object per status view (handlers.ts): its bytes are encoded once. */
const encodedStatus = new WeakMap<object, Buffer>();
function encodeResponse(method: string, serialize: (r: unknown) => Buffer, response: unknown): Buffer {
  if (method !== "Status" || typeof response !== "object" || response === null) return frame(serialize(response));
  let bytes = encodedStatus.get(response);
  if (bytes === undefined) encodedStatus.set(response, (bytes = frame(serialize(response))));
  return bytes;
}

function serveStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, handlers: KmsHandlers): void {
  stream.on("error", () => {});
  let answered = false;
  const fail = (code: number, message: string) => {
    if (answered) return;
    answered = true;
    if (stream.destroyed || stream.closed || stream.headersSent) return;
    stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": String(code), "grpc-message": encodeGrpcMessage(message) }, { endStream: true });
  };
  if (headers[":method"] !== "POST") {
    stream.respond({ ":status": 405 }, { endStream: true });
    return;
  }
  if (!/^application\/grpc(\+proto)?(;|$)/.test(String(headers["content-type"] ?? ""))) {
    stream.respond({ ":status": 415 }, { endStream: true });
    return;
  }
  const method = methods.get(String(headers[":path"] ?? ""));
  if (method === undefined) {
    stream.resume();
    fail(Code.UNIMPLEMENTED, `The server does not implement the method ${String(headers[":path"] ?? "")}`);
    return;
  }

  const cancelled = new AbortController();
  const timeoutMs = parseGrpcTimeout(headers["grpc-timeout"] as string | undefined);
  const deadline =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          cancelled.abort(new DOMException("deadline exceeded", "TimeoutError"));
          fail(Code.DEADLINE_EXCEEDED, "Deadline exceeded");
        }, timeoutMs);
  stream.once("close", () => {
    if (deadline !== undefined) clearTimeout(deadline);
    if (!answered) {
      answered = true;
      cancelled.abort(new DOMException("client canceled", "AbortError"));
    }
  });

  const chunks: Buffer[] = [];
  let size = 0;
  stream.on("data", (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size > 5 + maxGrpcMessageBytes) {
      stream.pause();
      fail(Code.RESOURCE_EXHAUSTED, `Received message larger than max (${size - 5} vs. ${maxGrpcMessageBytes})`);
      return;
    }
    chunks.push(chunk);
  });
  stream.once("end", () => {
    if (answered) return;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (body.byteLength < 5) return fail(Code.INTERNAL, "a unary call needs exactly one request message");
    const length = body.readUInt32BE(1);
    if (length > maxGrpcMessageBytes) return fail(Code.RESOURCE_EXHAUSTED, `Received message larger than max (${length} vs. ${maxGrpcMessageBytes})`);
    if (body.byteLength !== 5 + length) return fail(Code.INTERNAL, "a unary call needs exactly one request message");
    if (body[0] !== 0) return fail(Code.UNIMPLEMENTED, "compressed messages are not supported");
    const request = method.def.requestDeserialize(body.subarray(5));
    handlers[method.name]({ request, cancelled: cancelled.signal }, (failure: UnaryFailure | null, response?: unknown) => {
      if (failure !== null) return fail(failure.code, failure.details);
      if (answered) return;
      answered = true;
      if (deadline !== undefined) clearTimeout(deadline);
      if (stream.destroyed || stream.closed) return;
      let bytes: Buffer;
      try {
        bytes = encodeResponse(method.name, method.def.responseSerialize as (r: unknown) => Buffer, response);
      } catch {
        answered = false;
        return fail(Code.INTERNAL, "kms response could not be encoded");
      }
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "grpc-message": "" }));
      stream.end(bytes);
    });
  });
}

/** Removes the socket only if it is still the one we bound. (The listener itself unlinks its path when it closes, as Go does; see docs/decisions/runtime-safety.md.) */
function removeIfSame(path: string, ino: number): void {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st !== undefined && st.isSocket() && st.ino === ino) unlinkSync(path);
}
