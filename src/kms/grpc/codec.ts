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

/**
 * What the server's handlers receive for a request that does not decode. grpc-js would answer
 * such a request INTERNAL before any handler ran, so it was neither logged nor counted; the
 * handler now answers INVALID_ARGUMENT and observes it like every other call.
 */
export const malformedRequest: unique symbol = Symbol("malformed request");
export type Malformed = { readonly [malformedRequest]: true };
export const isMalformed = (r: unknown): r is Malformed => typeof r === "object" && r !== null && malformedRequest in r;

function tolerant<I, O>(m: MethodDefinition<I, O>): MethodDefinition<I | Malformed, O> {
  return {
    ...m,
    requestSerialize: (r: I | Malformed) => {
      if (isMalformed(r)) throw new TypeError("a malformed request is never sent");
      return m.requestSerialize(r);
    },
    requestDeserialize: (b: Buffer): I | Malformed => {
      try {
        return m.requestDeserialize(b);
      } catch {
        return { [malformedRequest]: true };
      }
    },
  };
}

/** The server's definition: the same methods, with undecodable requests handed to the handler. */
export const kmsServerDefinition = {
  Status: tolerant(kmsServiceDefinition.Status),
  Decrypt: tolerant(kmsServiceDefinition.Decrypt),
  Encrypt: tolerant(kmsServiceDefinition.Encrypt),
} satisfies ServiceDefinition;

