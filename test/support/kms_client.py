#!/usr/bin/python3
"""Independent KMS v2 gRPC client for end-to-end tests (python3-grpcio, as kube-apiserver
would call: insecure UDS, authority "localhost"). Protobuf code is generated at start-up
from proto/ with grpc_tools, so it shares no codec with the provider.

Protocol: one JSON object per line on stdin, one JSON result per line on stdout.
  {"op":"status"} | {"op":"encrypt","plaintext":b64,"uid":s}
  {"op":"decrypt","ciphertext":b64,"key_id":s,"annotations":{k:b64},"uid":s}
  {"op":"burst","n":N,"call":<one of the above>}   -> N concurrent calls, returns codes (+ "ms" each)
Optional "timeout" (seconds, default 5) on any op.
"""
import base64, json, os, shutil, sys, tempfile, threading
import grpc
from grpc_tools import protoc

def load_pb(proto_root):
    out = tempfile.mkdtemp(prefix="kms-pb-")
    rc = protoc.main(["protoc", f"-I{proto_root}", f"--python_out={out}", f"--grpc_python_out={out}", "kms/v2/api.proto"])
    if rc != 0:
        raise SystemExit(f"protoc failed: {rc}")
    sys.path.insert(0, out)
    from kms.v2 import api_pb2, api_pb2_grpc  # noqa: E402
    # Both modules are loaded now: drop the generated files at once (nothing is left behind even
    # when this process is killed later).
    shutil.rmtree(out, ignore_errors=True)
    sys.path.remove(out)
    return api_pb2, api_pb2_grpc

def main():
    socket, proto_root = sys.argv[1], sys.argv[2]
    pb, pbg = load_pb(proto_root)
    channel = grpc.insecure_channel(f"unix://{socket}", options=[
        ("grpc.default_authority", "localhost"),
        ("grpc.max_receive_message_length", 65536),
        ("grpc.max_send_message_length", 1 << 22),  # lets tests send oversize messages on purpose
    ])
    stub = pbg.KeyManagementServiceStub(channel)

    def call(req):
        t = float(req.get("timeout", 5))
        op = req["op"]
        try:
            if op == "status":
                r = stub.Status(pb.StatusRequest(), timeout=t)
                return {"ok": True, "version": r.version, "healthz": r.healthz, "key_id": r.key_id}
            if op == "encrypt":
                r = stub.Encrypt(pb.EncryptRequest(plaintext=base64.b64decode(req["plaintext"]), uid=req.get("uid", "")), timeout=t)
                return {"ok": True, "ciphertext": base64.b64encode(r.ciphertext).decode(), "key_id": r.key_id,
                        "annotations": {k: base64.b64encode(v).decode() for k, v in r.annotations.items()}}
            if op == "decrypt":
                ann = {k: base64.b64decode(v) for k, v in req.get("annotations", {}).items()}
                r = stub.Decrypt(pb.DecryptRequest(ciphertext=base64.b64decode(req["ciphertext"]), key_id=req.get("key_id", ""),
                                                   annotations=ann, uid=req.get("uid", "")), timeout=t)
                return {"ok": True, "plaintext": base64.b64encode(r.plaintext).decode()}
            return {"ok": False, "code": "CLIENT", "details": f"unknown op {op}"}
        except grpc.RpcError as e:
            return {"ok": False, "code": e.code().name, "details": e.details()}

    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "burst":
            n = int(req["n"])
            results = [None] * n
            barrier = threading.Barrier(n)
            import time
            def worker(i):
                barrier.wait()
                t0 = time.monotonic()
                r = call(req["call"])
                r["ms"] = (time.monotonic() - t0) * 1000.0  # this call's own latency
                results[i] = r
            threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
            for th in threads: th.start()
            for th in threads: th.join()
            out = {"ok": True, "results": results}
        else:
            out = call(req)
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()

if __name__ == "__main__":
    main()
