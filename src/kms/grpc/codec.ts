// The KMS v2 service definition for grpc-js, (de)serialised with the protobufjs static code
// generated into src/gen. This and handlers.ts/client.ts are the only modules that see it.

import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import { v2 } from "../../gen/kms/v2/api.js";

interface StaticMessage<M> {
  encode(message: M): { finish(): Uint8Array };
  decode(bytes: Uint8Array): M;
}

function method<I, O>(name: string, input: StaticMessage<I>, output: StaticMessage<O>): MethodDefinition<I, O> {
  const toBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return {
    path: `/v2.KeyManagementService/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (m) => toBuffer(input.encode(m).finish()),
    requestDeserialize: (b) => input.decode(b),
    responseSerialize: (m) => toBuffer(output.encode(m).finish()),
    responseDeserialize: (b) => output.decode(b),
    originalName: name,
  };
}

export const kmsServiceDefinition = {
  Status: method<v2.StatusRequest, v2.StatusResponse>("Status", v2.StatusRequest, v2.StatusResponse),
  Decrypt: method<v2.DecryptRequest, v2.DecryptResponse>("Decrypt", v2.DecryptRequest, v2.DecryptResponse),
  Encrypt: method<v2.EncryptRequest, v2.EncryptResponse>("Encrypt", v2.EncryptRequest, v2.EncryptResponse),
} satisfies ServiceDefinition;

