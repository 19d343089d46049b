#!/usr/bin/python3
"""Second load generator for `bun run bench`: python3-grpcio's C core with asyncio, much
cheaper per call than a JS client, so it shows the provider's latency with a client that is
not itself the bottleneck (closer to kube-apiserver's grpc-go). Prints one JSON line.
Usage: bench-load.py <proto_root> <json spec>  (spec: target status|decrypt, concurrency,
total, socket, decrypt: [{ciphertext b64, keyId, annotations {k: b64}}])"""
import asyncio, base64, json, shutil, sys, tempfile, time
import grpc
from grpc_tools import protoc

def load_pb(proto_root):
    out = tempfile.mkdtemp(prefix="kms-pb-")
    if protoc.main(["protoc", f"-I{proto_root}", f"--python_out={out}", f"--grpc_python_out={out}", "kms/v2/api.proto"]) != 0:
        raise SystemExit("protoc failed")
    sys.path.insert(0, out)
    from kms.v2 import api_pb2, api_pb2_grpc
    # Both modules are loaded now: drop the generated files at once (nothing is left behind even
    # when this process is killed later).
    shutil.rmtree(out, ignore_errors=True)
    sys.path.remove(out)
    return api_pb2, api_pb2_grpc

async def main(proto_root, spec):
    pb, pbg = load_pb(proto_root)
    reqs = [pb.DecryptRequest(ciphertext=base64.b64decode(r["ciphertext"]), key_id=r["keyId"],
                              annotations={k: base64.b64decode(v) for k, v in r["annotations"].items()})
            for r in spec.get("decrypt", [])]
    async with grpc.aio.insecure_channel(f"unix://{spec['socket']}", options=[("grpc.default_authority", "localhost")]) as ch:
        stub = pbg.KeyManagementServiceStub(ch)
        await stub.Status(pb.StatusRequest(), timeout=5)
        lat, errors, issued = [], 0, 0
        async def worker():
            nonlocal issued, errors
            while issued < spec["total"]:
                i = issued
                issued += 1
                a = time.perf_counter()
                try:
                    if spec["target"] == "status":
                        await stub.Status(pb.StatusRequest(), timeout=5)
                    else:
                        await stub.Decrypt(reqs[i % len(reqs)], timeout=5)
                    lat.append((time.perf_counter() - a) * 1000)
                except grpc.RpcError:
                    errors += 1
        t0 = time.perf_counter()
        await asyncio.gather(*[worker() for _ in range(spec["concurrency"])])
        wall = time.perf_counter() - t0
    lat.sort()
    at = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
    print(json.dumps({"n": len(lat), "errors": errors, "p50": at(0.5), "p99": at(0.99), "max": lat[-1] if lat else float("nan"), "rps": len(lat) / wall}))

asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
