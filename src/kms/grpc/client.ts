// A small KMS v2 gRPC client over a Unix socket, used by `probe` (and later `benchmark`).
// It behaves like kube-apiserver: insecure UDS credentials, authority "localhost", 64 KiB cap.

import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { v2 } from "../../gen/kms/v2/api.js";
import { maxGrpcMessageBytes } from "../limits.ts";
import { kmsServiceDefinition as def } from "./codec.ts";

export interface KmsClient {
  status(deadline: Date): Promise<v2.StatusResponse>;
  encrypt(plaintext: Uint8Array, uid: string, deadline: Date): Promise<v2.EncryptResponse>;
  decrypt(req: { ciphertext: Uint8Array; keyId: string; annotations: Record<string, Uint8Array>; uid: string }, deadline: Date): Promise<v2.DecryptResponse>;
  close(): void;
}

export function createKmsClient(socketPath: string): KmsClient {
  const client = new Client(`unix://${socketPath}`, credentials.createInsecure(), {
    "grpc.default_authority": "localhost",
    "grpc.max_receive_message_length": maxGrpcMessageBytes,
    "grpc.max_send_message_length": maxGrpcMessageBytes,
  });
  function unary<Req, Res>(m: { path: string; requestSerialize: (r: Req) => Buffer; responseDeserialize: (b: Buffer) => Res }, req: Req, deadline: Date): Promise<Res> {
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, req, new Metadata(), { deadline }, (err: ServiceError | null, res?: Res) =>
        err || res === undefined ? reject(err ?? new Error("empty response")) : resolve(res),
      );
    });
  }
  return {
    status: (deadline) => unary(def.Status, new v2.StatusRequest(), deadline),
    encrypt: (plaintext, uid, deadline) => unary(def.Encrypt, new v2.EncryptRequest({ plaintext, uid }), deadline),
    decrypt: (r, deadline) => unary(def.Decrypt, new v2.DecryptRequest(r), deadline),
    close: () => client.close(),
  };
}
