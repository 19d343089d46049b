// A small KMS v2 gRPC client over a Unix socket, used by `probe` (and later `benchmark`).
// It behaves like kube-apiserver: insecure UDS credentials, authority "localhost", 64 KiB cap.

import { create } from "@bufbuild/protobuf";
import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import {
  DecryptRequestSchema,
  EncryptRequestSchema,
  StatusRequestSchema,
  type DecryptResponse,
  type EncryptResponse,
  type StatusResponse,
} from "../../gen/kms/v2/api_pb.ts";
import { maxGrpcMessageBytes } from "../limits.ts";
import { kmsServiceDefinition as def } from "./codec.ts";

export interface KmsClient {
  status(deadline: Date): Promise<StatusResponse>;
  encrypt(plaintext: Uint8Array, uid: string, deadline: Date): Promise<EncryptResponse>;
  decrypt(req: { ciphertext: Uint8Array; keyId: string; annotations: Record<string, Uint8Array>; uid: string }, deadline: Date): Promise<DecryptResponse>;
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
    status: (deadline) => unary(def.Status, create(StatusRequestSchema), deadline),
    encrypt: (plaintext, uid, deadline) => unary(def.Encrypt, create(EncryptRequestSchema, { plaintext, uid }), deadline),
    decrypt: (r, deadline) => unary(def.Decrypt, create(DecryptRequestSchema, r), deadline),
    close: () => client.close(),
  };
}
