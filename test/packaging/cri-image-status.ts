// kubelet's question before it starts a static pod's container with imagePullPolicy IfNotPresent:
// CRI ImageService/ImageStatus for the manifest's image reference; an empty answer means "pull".
// Only the messages that call needs, with the field numbers of Kubernetes'
// staging/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto (ImageSpec, ImageStatusRequest,
// ImageStatusResponse, Image).

import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import protobuf from "protobufjs";

const proto = `
syntax = "proto3";
package runtime.v1;
message ImageSpec { string image = 1; map<string, string> annotations = 2; }
message ImageStatusRequest { ImageSpec image = 1; bool verbose = 2; }
message Image { string id = 1; repeated string repo_tags = 2; repeated string repo_digests = 3; uint64 size = 4; }
message ImageStatusResponse { Image image = 1; map<string, string> info = 2; }
`;

const root = protobuf.parse(proto, { keepCase: true }).root;
const Req = root.lookupType("runtime.v1.ImageStatusRequest");
const Res = root.lookupType("runtime.v1.ImageStatusResponse");

export interface CriImage {
  readonly id: string;
  readonly repo_tags: string[];
  readonly repo_digests: string[];
  readonly size: number;
}

/** ImageStatus over containerd's CRI socket; undefined when the runtime does not have the image. */
export async function criImageStatus(socket: string, image: string, timeoutMs = 10_000): Promise<CriImage | undefined> {
  const client = new Client(`unix://${socket}`, credentials.createInsecure());
  try {
    const res = await new Promise<Record<string, unknown>>((resolve, reject) => {
      client.makeUnaryRequest(
        "/runtime.v1.ImageService/ImageStatus",
        (m: object) => Buffer.from(Req.encode(Req.fromObject(m)).finish()),
        (b: Buffer) => Res.toObject(Res.decode(b), { longs: Number, arrays: true, defaults: true }) as Record<string, unknown>,
        { image: { image } },
        new Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, value?: Record<string, unknown>) => (err ? reject(err) : resolve(value!)),
      );
    });
    const img = res.image as CriImage | null | undefined;
    return img && img.id ? img : undefined;
  } finally {
    client.close();
  }
}
