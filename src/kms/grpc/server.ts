// Runs the KMS v2 gRPC service on a Unix socket: 64 KiB message cap, socket mode and group
// applied before anyone can connect, graceful drain on stop, socket removed afterwards.

import { chmodSync, chownSync, lstatSync, unlinkSync } from "node:fs";
import { Server, ServerCredentials, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { maxGrpcMessageBytes } from "../limits.ts";
import { kmsServerDefinition } from "./codec.ts";

export interface KmsServerOptions {
  readonly socketPath: string;
  /** e.g. 0o660 */
  readonly socketMode: number;
  readonly socketGid: number;
  readonly handlers: UntypedServiceImplementation;
}

export interface RunningKmsServer {
  /** Stops accepting, waits up to `graceMs` for in-flight calls, then cuts the rest; removes the socket. */
  stop(graceMs: number): Promise<"drained" | "forced">;
}

/** Binds and starts serving. The socket is created mode 0600 and only then opened up. */
export async function startKmsServer(opts: KmsServerOptions): Promise<RunningKmsServer> {
  const server = new Server({
    "grpc.max_receive_message_length": maxGrpcMessageBytes,
    "grpc.max_send_message_length": maxGrpcMessageBytes,
    // Channelz tracing is ~10% of a Status call's CPU and nothing reads it.
    "grpc.enable_channelz": 0,
  });
  server.addService(kmsServerDefinition, opts.handlers);

  const previousUmask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(`unix://${opts.socketPath}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
    );
  } finally {
    process.umask(previousUmask);
  }
  const bound = lstatSync(opts.socketPath);
  try {
    chownSync(opts.socketPath, -1, opts.socketGid);
    chmodSync(opts.socketPath, opts.socketMode);
  } catch (error) {
    server.forceShutdown();
    removeIfSame(opts.socketPath, bound.ino);
    throw error;
  }

  let stopping: Promise<"drained" | "forced"> | undefined;
  return {
    stop(graceMs) {
      stopping ??= new Promise<"drained" | "forced">((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve("forced");
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve("drained");
        });
      }).finally(() => removeIfSame(opts.socketPath, bound.ino));
      return stopping;
    },
  };
}

/** Removes the socket only if it is still the one we bound. (The listener itself unlinks its path when it closes, as Go does; see docs/decisions/runtime-safety.md.) */
function removeIfSame(path: string, ino: number): void {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st !== undefined && st.isSocket() && st.ino === ino) unlinkSync(path);
}
