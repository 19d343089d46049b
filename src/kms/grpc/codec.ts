// The KMS v2 service definition for grpc-js, (de)serialised with the generated protobuf-es
// code in src/gen. This and handlers.ts are the only modules that see protobuf types.

import { fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import {
  DecryptRequestSchema,
  DecryptResponseSchema,
  EncryptRequestSchema,
  EncryptResponseSchema,
  StatusRequestSchema,
  StatusResponseSchema,
} from "../../gen/kms/v2/api_pb.ts";

function method<I extends DescMessage, O extends DescMessage>(
  name: string,
  input: I,
  output: O,
): MethodDefinition<MessageShape<I>, MessageShape<O>> {
  return {
    path: `/v2.KeyManagementService/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (m) => Buffer.from(toBinary(input, m)),
    requestDeserialize: (b) => fromBinary(input, b),
    responseSerialize: (m) => Buffer.from(toBinary(output, m)),
    responseDeserialize: (b) => fromBinary(output, b),
    originalName: name,
  };
}

export const kmsServiceDefinition = {
  Status: method("Status", StatusRequestSchema, StatusResponseSchema),
  Decrypt: method("Decrypt", DecryptRequestSchema, DecryptResponseSchema),
  Encrypt: method("Encrypt", EncryptRequestSchema, EncryptResponseSchema),
} satisfies ServiceDefinition;
