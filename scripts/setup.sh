#!/usr/bin/env bash
# Prepares a machine for the demo and the tests (Debian 12, root; only Node.js/npm needed).
# Idempotent and quick when everything is present: installs the Bun pinned in package.json
# through npm, the Debian packages the tests use, then the locked npm dependencies.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# System packages the tests and demo need (one per line, with why).
APT_PACKAGES=(
  ca-certificates
  git                # scripts/build.ts bakes the commit into the binary
  openssl            # test CAs and certificates for the OpenBao emulator
  python3            # /usr/bin/python3 runs the independent gRPC client in e2e tests
  python3-grpcio     # ... its gRPC library (C core, like kube-apiserver's grpc-go peer)
  python3-grpc-tools # ... generates its protobuf code from proto/ at test time
  python3-protobuf   # ... its protobuf runtime
  python3-yaml       # test/fixtures/go-config/go_fingerprint.py reads the Go provider's YAML config independently
  prometheus         # /usr/bin/promtool lints real /metrics scrapes (the server itself is not started or used)
  zsh                # test/cli/completion.test.ts: zsh -n and compinit on the generated zsh completion
  fish               # ... fish -n and complete -C on the generated fish completion
  # Packaging (`bun run package`, test/packaging/): dpkg-deb comes with dpkg itself.
  rpm                # rpmbuild builds the .rpm; `rpm -qlp --dump` lists its files and modes
  rpm2cpio           # ... unpacks the .rpm to compare its binary with the build output
  cpio               # ... reads rpm2cpio's archive
  rpmlint            # lints the .rpm (filters in packaging/rpm/rpmlint.toml, each with its reason)
  lintian            # lints the .deb (overrides in packaging/deb/lintian-overrides); brings man-db
  gnupg              # `package --repo` signs Release/InRelease and repomd.xml; tests make throwaway keys
  apt-utils          # ... apt-ftparchive writes the apt repository's Packages and Release
  createrepo-c       # ... createrepo_c writes the yum repository's repodata
  dnf                # test/packaging reads the yum repository with dnf (gpgcheck, repo_gpgcheck)
  qemu-user-static   # qemu-aarch64-static runs the arm64 binary's `version` on an amd64 host
  libc6-arm64-cross  # ... with the arm64 glibc it links (qemu -L /usr/aarch64-linux-gnu); no binfmt needed. Not the OCI image's glibc (native libc6:arm64 .deb)
  python3-seccomp    # test/packaging runs the installed provider under systemd 252's MemoryDenyWriteExecute filter
  systemd            # systemd-analyze verify/security on the unit; systemd-sysusers/-tmpfiles for the postinstall
  # The static pod's OCI image (scripts/package-oci.ts, test/packaging/suites/oci.ts):
  binutils           # readelf lists the glibc files each binary links (the image carries exactly those)
  gzip               # gzip -n compresses the image layers (deterministic)
  containerd         # the tests start their own containerd: ctr images import, then run the image as the static pod
  runc               # ... the OCI runtime containerd's shim runs it with
  umoci              # unpacks the arm64 image for the contents check
  etcd-server        # test/etcd and the etcd drill: a real etcd with TLS client auth (inventory, recover)
  faketime           # test/e2e/clock-step: libfaketime steps the wall clock of a running provider (monotonic untouched)
  skopeo             # copies the archive with every platform, verifying each blob's digest
  golang-go                   # bench/go: the Go pass-through plugin and the grpc-go load client,
  golang-google-grpc-dev      #   built offline in GOPATH mode (scripts/build-go-bench.sh)
  golang-google-protobuf-dev
  protobuf-compiler
  protoc-gen-go
  protoc-gen-go-grpc
)

export DEBIAN_FRONTEND=noninteractive
log() { printf '==> setup: %s\n' "$*" >&2; }
die() { printf '!!! setup: FAILED: %s\n' "$*" >&2; exit 1; }

# Bun, pinned by package.json "packageManager": "bun@X.Y.Z".
BUN_VERSION=$(sed -n 's/.*"packageManager"[[:space:]]*:[[:space:]]*"bun@\([^"]*\)".*/\1/p' package.json)
[ -n "$BUN_VERSION" ] || die 'no "packageManager": "bun@<version>" in package.json'
have_bun=$(bun --version 2>/dev/null || true)
if [ "$have_bun" != "$BUN_VERSION" ]; then
  log "installing bun@$BUN_VERSION via npm (found: ${have_bun:-none})"
  npm install -g --no-audit --no-fund "bun@$BUN_VERSION" >&2 || die "npm install -g bun@$BUN_VERSION"
  hash -r
  have_bun=$(bun --version 2>/dev/null || true)
  [ "$have_bun" = "$BUN_VERSION" ] || die "bun --version is '${have_bun:-missing}' after install, want $BUN_VERSION (is $(npm prefix -g)/bin on PATH?)"
fi
log "bun $have_bun"

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages (${missing[*]}); run as root or install them"
  log "apt-get install ${missing[*]}"
  apt-get update -q >&2 || die "apt-get update"
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || die "apt-get install ${missing[*]}"
fi

log "bun install --frozen-lockfile"
bun install --frozen-lockfile >&2 || die "bun install --frozen-lockfile (is bun.lock in sync with package.json?)"
