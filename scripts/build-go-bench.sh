#!/usr/bin/env bash
# Builds bench/go's two programs (the pass-through KMS v2 plugin and the grpc-go load client)
# offline, in GOPATH mode against Debian's Go packages in /usr/share/gocode/src. Nothing is
# downloaded. Output: .cache/go-bench/bin/{passthrough,loadclient}; rebuilt only when the Go
# sources, the proto or the toolchain changed (a hash in .cache/go-bench/stamp).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.cache/go-bench"
need() {
  command -v "$1" >/dev/null 2>&1 || { echo "build-go-bench: $1 not found: apt-get install -y $2" >&2; exit 3; }
}
need go golang-go
need protoc protobuf-compiler
need protoc-gen-go protoc-gen-go
need protoc-gen-go-grpc protoc-gen-go-grpc
for pkg in google.golang.org/grpc:golang-google-grpc-dev google.golang.org/protobuf:golang-google-protobuf-dev; do
  [ -d "/usr/share/gocode/src/${pkg%%:*}" ] || { echo "build-go-bench: /usr/share/gocode/src/${pkg%%:*} missing: apt-get install -y ${pkg##*:}" >&2; exit 3; }
done
stamp="$( (cat "$root"/bench/go/*/*.go "$root/proto/kms/v2/api.proto"; go version; protoc --version) | sha256sum | cut -d' ' -f1)"
if [ -x "$out/bin/passthrough" ] && [ -x "$out/bin/loadclient" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi
rm -rf "$out/bin" "$out/gopath"
gopath="$out/gopath"
gen="$gopath/src/kmsbench/kmsv2"
mkdir -p "$gen" "$out/bin" "$gopath/src/kmsbench/passthrough" "$gopath/src/kmsbench/loadclient" "$gopath/src/kmsbench/codec"
protoc -I "$root/proto/kms/v2" \
  --go_out="$gen" --go_opt=paths=source_relative --go_opt=Mapi.proto=kmsbench/kmsv2 \
  --go-grpc_out="$gen" --go-grpc_opt=paths=source_relative --go-grpc_opt=Mapi.proto=kmsbench/kmsv2 \
  api.proto
cp "$root/bench/go/passthrough/main.go" "$gopath/src/kmsbench/passthrough/"
cp "$root/bench/go/loadclient/main.go" "$gopath/src/kmsbench/loadclient/"
cp "$root/bench/go/codec/codec.go" "$gopath/src/kmsbench/codec/"
export GOPATH="$gopath:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOCACHE="$out/gocache" GOPROXY=off CGO_ENABLED=0
(cd "$gopath/src/kmsbench" && go build -trimpath -o "$out/bin/passthrough" ./passthrough && go build -trimpath -o "$out/bin/loadclient" ./loadclient)
echo "$stamp" > "$out/stamp"
echo "build-go-bench: built $out/bin/passthrough and $out/bin/loadclient"
