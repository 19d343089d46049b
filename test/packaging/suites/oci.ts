// The static pod's OCI image (scripts/package-oci.ts), checked from the outside with the tools an
// operator has: the archive's layout and digests, each architecture's files (exactly the binary,
// the glibc files it links, /etc/passwd and /etc/group), owners and mtimes, the image config;
// skopeo copies it (verifying every blob), umoci unpacks it, the arm64 rootfs runs `version`
// under qemu-aarch64-static inside a chroot. Then a containerd started here (its own root,
// state and socket under a temp dir) imports the archive as docs/packaging.md says, its CRI
// plugin finds it by the manifest's reference (kubelet's ImageStatus), and it runs the
// image the way kubelet runs the static pod from the manifest `bun run package` wrote: its
// hostPath mounts (host side under a temp dir), a read-only root file system, UID/GID 65532
// with the socket GID as a supplemental group, no capabilities, no_new_privs, containerd's
// default seccomp profile (= RuntimeDefault), the host network. The provider serves the
// emulator; the host runs `probe` through the socket the container made; SIGTERM drains.
//
// Not kubelet itself: there is no kubelet here, and a CRI pod sandbox needs a pause image from
// a registry. So the test builds the OCI runtime spec from the manifest the way containerd's CRI
// plugin does for these fields, and containerd runs it (`ctr run --config`) on a writable
// snapshot of the imported image that runc remounts read-only, as CRI does. containerd runs on
// these machines, so the runc-only fallback the issue allows is not used. Outside the temp dirs
// only containerd 1.6's fixed shim paths are touched (/run/containerd/s and /run/containerd/runc,
// empty afterwards) and the cgroup /bkp-oci-test (removed).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import type { Artifacts } from "../../../scripts/package.ts";
import { imageRepository, mediaTypes, ociArch, placeholderDigest, renderStaticPodManifest, staticPodTemplate } from "../../../scripts/package-oci.ts";
import { defaultLibcCache } from "../../../scripts/package-glibc.ts";
import { startEmulator, type Emulator } from "../../support/emulator/server.ts";
import { captureProviderLines, describeLeaks, findLeaks, registerSecret } from "../../helpers/log-capture.ts";
import { canConnect } from "../../helpers/provider.ts";
import { PyKmsClient } from "../../helpers/py-kms-client.ts";
import { criImageStatus } from "../cri-image-status.ts";
import { manifestProblems } from "../static-pod-check.ts";
import { alive, must, sh, workDir } from "../artifacts.ts";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const sha256 = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

/** The archive unpacked once (tar -x), blobs read by digest. */
class Layout {
  constructor(readonly dir: string) {}
  blob(digest: string): Uint8Array {
    return readFileSync(join(this.dir, "blobs/sha256", digest.replace(/^sha256:/, "")));
  }
  json(digest: string): Obj {
    return JSON.parse(new TextDecoder().decode(this.blob(digest))) as Obj;
  }
  index(): Obj {
    return JSON.parse(readFileSync(join(this.dir, "index.json"), "utf8")) as Obj;
  }
  /** The image index's digest (what index.json points at). */
  imageIndex(): string {
    return String(obj(arr(this.index().manifests)[0]).digest);
  }
  manifestFor(arch: string): { digest: string; manifest: Obj; config: Obj } {
    const desc = arr(this.json(this.imageIndex()).manifests).map(obj).find((m) => obj(m.platform).architecture === arch);
    if (desc === undefined) throw new Error(`no ${arch} manifest in the index`);
    const manifest = this.json(String(desc.digest));
    return { digest: String(desc.digest), manifest, config: this.json(String(obj(manifest.config).digest)) };
  }
}

/** `tar -tv` of a gzip layer with numeric owners: "mode uid/gid size date time path[ -> target]". */
async function layerListing(layer: string): Promise<Array<{ perms: string; owner: string; size: number; mtime: string; path: string; target?: string }>> {
  const out = await must(["tar", "--numeric-owner", "--full-time", "-tvzf", layer], { env: { PATH, LC_ALL: "C", TZ: "UTC" } });
  return out.trim().split("\n").map((line) => {
    const m = /^(\S+) (\d+\/\d+)\s+(\d+) (\S+ \S+) (.*?)(?: -> (.*))?$/.exec(line);
    if (!m) throw new Error(`unexpected tar -tv line: ${line}`);
    return { perms: m[1]!, owner: m[2]!, size: Number(m[3]), mtime: m[4]!, path: m[5]!.replace(/\/$/, ""), target: m[6] };
  });
}

/**
 * Where the image's glibc must come from, found here without the builder's code: amd64 the
 * installed libc6:amd64 (dpkg -L, files under /); arm64 the native libc6 .deb the build names,
 * checked to be Package libc6, Architecture arm64 (not libc6-arm64-cross), unpacked by dpkg-deb.
 */
async function nativeGlibc(arch: "x64" | "arm64", a: Artifacts): Promise<{ version: string; files: string[]; root: string }> {
  if (arch === "x64") {
    const version = (await must(["dpkg-query", "-W", "-f", "${Version}", "libc6:amd64"])).trim();
    return { version, files: (await must(["dpkg-query", "-L", "libc6:amd64"])).trim().split("\n"), root: "/" };
  }
  const deb = a.oci.glibc.arm64?.deb;
  if (deb === undefined) throw new Error("the build names no arm64 libc6 .deb");
  const f = (await must(["dpkg-deb", "-f", deb, "Package", "Architecture", "Version"])).trim().split("\n");
  expect(f.slice(0, 2)).toEqual(["Package: libc6", "Architecture: arm64"]);
  const version = f[2]!.replace(/^Version: /, "");
  expect(version).not.toContain("cross");
  const root = scratch("libc6-arm64");
  await must(["dpkg-deb", "-x", deb, root]);
  const files = (await must(["dpkg-deb", "-c", deb])).trim().split("\n").map((l) => l.replace(/^.* \.\//, "/").replace(/ -> .*$/, ""));
  return { version, files, root };
}

/** Temp dirs of this suite (hundreds of MB: layers, copies, containerd's store), removed when it ends. */
const scratchDirs: string[] = [];
const scratch = (tag: string) => {
  const d = workDir(tag);
  scratchDirs.push(d);
  return d;
};

export function ociSuite(get: () => Artifacts): void {
  describe("OCI image for the static pod", () => {
    let layout: Layout;
    afterAll(() => {
      for (const d of scratchDirs.splice(0)) rmSync(d, { recursive: true, force: true });
    }, 120_000);
    beforeAll(async () => {
      const dir = scratch("oci-layout");
      await must(["tar", "-xf", get().oci.archive, "-C", dir]);
      layout = new Layout(dir);
    });

    test("the archive is an OCI layout: index.json names the version and points at the multi-arch index; every blob matches its digest", () => {
      const a = get();
      expect(JSON.parse(readFileSync(join(layout.dir, "oci-layout"), "utf8"))).toEqual({ imageLayoutVersion: "1.0.0" });
      const top = arr(layout.index().manifests).map(obj);
      expect(top.length).toBe(1);
      expect(top[0]!.mediaType).toBe(mediaTypes.index);
      expect(obj(top[0]!.annotations)["org.opencontainers.image.ref.name"]).toBe(a.version);
      expect(top[0]!.digest).toBe(a.oci.index);
      for (const name of readdirSync(join(layout.dir, "blobs/sha256"))) expect(sha256(layout.blob(name))).toBe(`sha256:${name}`);
      const index = layout.json(a.oci.index);
      expect(arr(index.manifests).map((m) => `${obj(obj(m).platform).os}/${obj(obj(m).platform).architecture} ${obj(m).mediaType}`)).toEqual([`linux/amd64 ${mediaTypes.manifest}`, `linux/arm64 ${mediaTypes.manifest}`]);
      // Nothing in the archive that no descriptor reaches.
      const reached = new Set([a.oci.index]);
      for (const m of arr(index.manifests).map(obj)) {
        const man = layout.json(String(m.digest));
        reached.add(String(m.digest));
        reached.add(String(obj(man.config).digest));
        for (const l of arr(man.layers)) reached.add(String(obj(l).digest));
      }
      expect(readdirSync(join(layout.dir, "blobs/sha256")).map((d) => `sha256:${d}`).sort()).toEqual([...reached].sort());
    });

    test("the image digest is beside the packages and in SHA256SUMS: sha256 of ..._oci-index.json", () => {
      const a = get();
      const bytes = readFileSync(a.oci.indexFile);
      expect(sha256(bytes)).toBe(a.oci.index);
      expect(bytes).toEqual(Buffer.from(layout.blob(a.oci.index)));
      const lines = a.sums.trim().split("\n");
      for (const f of [a.oci.archive, a.oci.indexFile, a.oci.staticPod]) {
        const name = f.slice(f.lastIndexOf("/") + 1);
        expect(lines).toContain(`${createHash("sha256").update(readFileSync(f)).digest("hex")}  ${name}`);
      }
      expect(lines).toContain(`${a.oci.index.slice(7)}  ${a.oci.indexFile.slice(a.oci.indexFile.lastIndexOf("/") + 1)}`);
    });

    for (const arch of ["x64", "arm64"] as const) {
      const oci = ociArch[arch].oci;
      test(`${oci}: config (User 65532:65532, entrypoint serve, labels, architecture) and exactly the binary, its glibc files and passwd/group, 0:0, mtime = SOURCE_DATE_EPOCH`, async () => {
        const a = get();
        const { manifest, config } = layout.manifestFor(oci);
        expect(config.architecture).toBe(oci);
        expect(config.os).toBe("linux");
        const c = obj(config.config);
        expect(c.User).toBe("65532:65532");
        expect(c.Entrypoint).toEqual(["/usr/bin/bao-kms-provider", "serve"]);
        expect(c.Cmd).toBeUndefined();
        expect(c.Env).toBeUndefined();
        const created = new Date(a.epoch * 1000).toISOString().replace(".000Z", "Z");
        const labels = obj(c.Labels);
        expect(labels["org.opencontainers.image.version"]).toBe(a.version);
        expect(labels["org.opencontainers.image.created"]).toBe(created);
        expect(config.created).toBe(created);
        expect(String(labels["org.opencontainers.image.revision"])).toMatch(/^[0-9a-f]{40}$/);
        expect(String(labels["org.opencontainers.image.source"])).toMatch(/^https:\/\//);
        // The native libc6 of that architecture: amd64 the one installed here, arm64 the .deb the build used.
        const glibc = await nativeGlibc(arch, a);
        expect(labels["io.bao-kms-provider.glibc"]).toBe(`libc6 ${glibc.version}`);

        const layers = arr(manifest.layers).map(obj);
        expect(layers.map((l) => l.mediaType)).toEqual([mediaTypes.layer]);
        const layerFile = join(layout.dir, "blobs/sha256", String(layers[0]!.digest).slice(7));
        // diff_id = sha256 of the uncompressed layer; gzip stored no name and no time.
        const raw = Bun.gunzipSync(new Uint8Array(readFileSync(layerFile)));
        expect(obj(config.rootfs).diff_ids).toEqual([sha256(raw)]);
        const head = readFileSync(layerFile).subarray(0, 10);
        expect([...head.subarray(3, 8)]).toEqual([0, 0, 0, 0, 0]); // FLG (no FNAME) and MTIME 0

        // What the binary needs, asked of readelf here (not the builder's list).
        const bin = a.binaries[arch]!;
        const dyn = await must(["readelf", "-d", "-W", bin]);
        const needed = [...dyn.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!);
        const interp = /interpreter: ([^\]]+)\]/.exec(await must(["readelf", "-l", "-W", bin]))![1]!;
        const loader = interp.slice(interp.lastIndexOf("/") + 1);
        const libDir = `lib/${ociArch[arch].triplet}`;
        const wantFiles = [...new Set([...needed, loader])].map((so) => `${libDir}/${so}`);
        const files = ["etc/group", "etc/passwd", "usr/bin/bao-kms-provider", ...wantFiles].sort();
        const dirs = new Set<string>();
        for (const f of [...files, interp.slice(1)]) for (let i = f.indexOf("/"); i > 0; i = f.indexOf("/", i + 1)) dirs.add(f.slice(0, i));
        const listing = await layerListing(layerFile);
        expect(listing.map((e) => e.path)).toEqual([...dirs, ...files, interp.slice(1)].sort());
        for (const e of listing) {
          expect(`${e.path} ${e.owner} ${e.mtime}`).toBe(`${e.path} 0/0 ${new Date(a.epoch * 1000).toISOString().replace("T", " ").replace(".000Z", "")}`);
          if (e.perms.startsWith("d")) expect(`${e.path} ${e.perms}`).toBe(`${e.path} drwxr-xr-x`);
        }
        // The loader at the ELF interpreter path, as a symlink into the multiarch directory.
        const link = listing.find((e) => e.path === interp.slice(1))!;
        expect(link.perms.startsWith("l")).toBe(true);
        expect(link.target!.startsWith("/") ? link.target : join(dirname(interp), link.target!)).toBe(`/${libDir}/${loader}`);

        // Byte for byte: the build output, the Debian package's files, and the nonroot entries.
        const unpacked = scratch(`layer-${oci}`);
        await must(["tar", "-xzf", layerFile, "-C", unpacked]);
        expect(sha256(readFileSync(join(unpacked, "usr/bin/bao-kms-provider")))).toBe(sha256(readFileSync(bin)));
        for (const f of wantFiles) {
          expect(glibc.files).toContain(`/${f}`);
          expect(`${f} ${sha256(readFileSync(join(unpacked, f)))}`).toBe(`${f} ${sha256(readFileSync(join(glibc.root, f)))}`);
        }
        expect(readFileSync(join(unpacked, "etc/passwd"), "utf8")).toBe("nonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin\n");
        expect(readFileSync(join(unpacked, "etc/group"), "utf8")).toBe("nonroot:x:65532:\n");
        // No shell, no package manager: nothing executable but the binary and glibc.
        const executables = listing.filter((e) => e.perms.startsWith("-") && /x/.test(e.perms)).map((e) => e.path);
        expect(executables.every((p) => p === "usr/bin/bao-kms-provider" || p.startsWith(`${libDir}/`))).toBe(true);
      });
    }

    test("arm64: the libc6 .deb is Debian's: its sha256 is in the arm64 index that apt fetched into the build's cache, whose InRelease files gpgv verifies with Debian's keyring", async () => {
      const g = get().oci.glibc.arm64!;
      expect(g.label).toBe(`libc6 ${g.version}`);
      const debSha = createHash("sha256").update(readFileSync(g.deb!)).digest("hex");
      expect(g.debSha256).toBe(debSha);
      const o = (k: string, v: string) => ["-o", `${k}=${v}`];
      const opts = [...o("Dir::State", join(defaultLibcCache, "state")), ...o("Dir::State::status", "/dev/null"), ...o("Dir::Cache", join(defaultLibcCache, "cache")), ...o("APT::Architecture", "arm64"), ...o("APT::Architectures::", "arm64")];
      const show = await must(["apt-cache", ...opts, "show", `libc6:arm64=${g.version}`]);
      expect(show).toMatch(new RegExp(`^SHA256: ${debSha}$`, "m"));
      const lists = join(defaultLibcCache, "state/lists");
      const signed = readdirSync(lists).filter((n) => n.endsWith("_InRelease"));
      expect(signed.length).toBeGreaterThan(0);
      for (const f of signed) await must(["gpgv", "--keyring", "/usr/share/keyrings/debian-archive-keyring.gpg", join(lists, f)]);
    });

    test("skopeo copies every platform to an OCI directory (it verifies each blob) and sees both configs", async () => {
      const a = get();
      const dest = scratch("skopeo");
      await must(["skopeo", "copy", "--all", "--preserve-digests", `oci-archive:${a.oci.archive}:${a.version}`, `oci:${dest}:copy`], { timeoutMs: 120_000 });
      const index = JSON.parse(readFileSync(join(dest, "index.json"), "utf8")) as Obj;
      expect(obj(arr(index.manifests)[0]).digest).toBe(a.oci.index);
      for (const oci of ["amd64", "arm64"]) {
        const out = JSON.parse(await must(["skopeo", "inspect", "--override-arch", oci, "--override-os", "linux", `oci-archive:${a.oci.archive}:${a.version}`])) as Obj;
        expect(`${out.Os}/${out.Architecture} ${out.Digest}`).toBe(`linux/${oci} ${a.oci.index}`);
      }
    }, 180_000);

    test("umoci unpacks the arm64 image; the loader is at /lib/ld-linux-aarch64.so.1 and `version` runs under qemu-aarch64-static chrooted into the rootfs", async () => {
      const a = get();
      // umoci takes one manifest per reference: a copy of the layout whose index.json names the arm64 manifest.
      const copy = scratch("umoci");
      await must(["cp", "-al", join(layout.dir, "blobs"), join(layout.dir, "oci-layout"), copy]);
      const arm = layout.manifestFor("arm64");
      writeFileSync(join(copy, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: mediaTypes.manifest, digest: arm.digest, size: layout.blob(arm.digest).length, annotations: { "org.opencontainers.image.ref.name": "arm64" } }] }));
      const bundle = join(scratch("umoci-bundle"), "b");
      await must(["umoci", "unpack", "--image", `${copy}:arm64`, bundle], { timeoutMs: 120_000 });
      const rootfs = join(bundle, "rootfs");
      const spec = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")) as Obj;
      expect(obj(obj(spec.process).user)).toMatchObject({ uid: 65532, gid: 65532 });
      expect(obj(spec.process).args).toEqual(["/usr/bin/bao-kms-provider", "serve"]);
      expect(lstatSync(join(rootfs, "lib/ld-linux-aarch64.so.1")).isSymbolicLink()).toBe(true);
      const loader = readFileSync(join(rootfs, "lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"));
      expect(loader.readUInt16LE(18)).toBe(183); // e_machine EM_AARCH64
      expect(readFileSync(join(rootfs, "usr/bin/bao-kms-provider")).readUInt16LE(18)).toBe(183);
      // Only the rootfs: qemu is copied in, and a chroot leaves no host library to fall back on.
      copyFileSync("/usr/bin/qemu-aarch64-static", join(rootfs, "qemu-aarch64-static"));
      chmodSync(join(rootfs, "qemu-aarch64-static"), 0o755);
      // Bun finds its bundled code through /proc/self/exe: a private mount and PID namespace with its own /proc.
      mkdirSync(join(rootfs, "proc"));
      const r = await sh(["unshare", "--mount", "--pid", "--fork", `--mount-proc=${join(rootfs, "proc")}`, "chroot", "--userspec=65532:65532", rootfs, "/qemu-aarch64-static", "/usr/bin/bao-kms-provider", "version", "--output", "json"], { env: { PATH }, timeoutMs: 60_000 });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ version: a.version });
    }, 180_000);

    test("the static-pod manifest from bun run package: the template with the index digest in place of the all-zero one", () => {
      const a = get();
      const text = readFileSync(a.oci.staticPod, "utf8");
      expect(text).not.toContain(placeholderDigest);
      expect(readFileSync(staticPodTemplate, "utf8")).toContain(placeholderDigest);
      expect(text).toBe(renderStaticPodManifest(readFileSync(staticPodTemplate, "utf8"), `${imageRepository}@${a.oci.index}`));
      const pod = Bun.YAML.parse(text) as Obj;
      expect(manifestProblems(pod)).toEqual([]);
      const image = String(obj(arr(obj(pod.spec).containers)[0]).image);
      expect(image).toBe(a.oci.reference);
      // The digest exists in the archive, as the index.
      expect(existsSync(join(layout.dir, "blobs/sha256", image.split("@sha256:")[1]!))).toBe(true);
      expect(layout.imageIndex()).toBe(image.split("@")[1]!);
    });

    containerdSuite(get, () => layout);
  });
}

// ---- containerd ----

interface Containerd {
  readonly dir: string;
  readonly address: string;
  readonly proc: ReturnType<typeof Bun.spawn>;
}

async function startContainerd(): Promise<Containerd> {
  const dir = scratch("containerd");
  const address = join(dir, "containerd.sock");
  // Everything under dir. The CRI plugin answers kubelet's ImageStatus; its CNI and streaming
  // server are pointed at the temp dir and a free port (the pod uses the host network, no CNI).
  writeFileSync(join(dir, "config.toml"), `version = 2
root = "${dir}/root"
state = "${dir}/state"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/bkp-oci-test-no-sandbox:0"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${dir}/cni/bin"
    conf_dir = "${dir}/cni/net.d"
[grpc]
  address = "${address}"
[ttrpc]
  address = "${address}.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
`);
  const log = Bun.file(join(dir, "containerd.log"));
  const proc = Bun.spawn(["containerd", "--config", join(dir, "config.toml")], { stdin: "ignore", stdout: log, stderr: log, env: { PATH } });
  for (const t0 = performance.now(); !(await canConnect(address)); ) {
    if (proc.exitCode !== null || performance.now() - t0 > 20_000) throw new Error(`containerd did not start (exit ${proc.exitCode}):\n${readFileSync(join(dir, "containerd.log"), "utf8").slice(-3000)}`);
    await Bun.sleep(20);
  }
  return { dir, address, proc };
}

const socketGid = (() => {
  const used = new Set(readFileSync("/etc/group", "utf8").split("\n").map((l) => Number(l.split(":")[2])));
  for (let g = 41000 + (process.pid % 1000); ; g++) if (!used.has(g)) return g;
})();
/** The emulator's URL by host name: the provider in the image resolves it (through the /etc/hosts a host-network pod gets). */
const byName = (url: string) => {
  const u = new URL(url);
  if (u.hostname !== "127.0.0.1") throw new Error(`the emulator listens on ${u.hostname}, expected 127.0.0.1`);
  return `https://localhost:${u.port}`;
};
/** A host user that is not in the socket group (nobody in /etc/passwd has it; tests only). */
const outsider = 65533;

function configText(p: { socket: string; ca: string; jwt: string; state: string; address: string }, emu: Emulator): string {
  return `config_version = "v1"

[server]
socket_path = "${p.socket}"
socket_mode = "0660"
socket_group = "${socketGid}"
metrics_address = "127.0.0.1:0"
health_address = "127.0.0.1:0"

[openbao]
address = "${p.address}"
ca_cert_file = "${p.ca}"
tls_server_name = "${emu.serverName}"
timeout = "2s"
instance_id = "oci-test"

[auth]
method = "jwt"

[auth.jwt]
source = "file"
mount_path = "${emu.jwtMount}"
role = "${emu.jwtRole}"
jwt_file = "${p.jwt}"

[transit]
mount_path = "transit"
key_name = "kubernetes"

[transit.key_id_scope]
provider_name = "openbao-kms"
cluster_id = "oci-test"
transit_mount_id = "${emu.mountUuid("transit")}"
key_lineage_id = "0123456789abcdef0123456789abcdef"

[state]
path = "${p.state}"

[logging]
level = "info"
format = "json"
`;
}

function containerdSuite(get: () => Artifacts, layout: () => Layout): void {
  describe("containerd: air-gapped import and the static pod", () => {
    let ctd: Containerd | undefined;
    let emu: Emulator | undefined;
    const ctr = (args: string[], timeoutMs = 120_000) => sh(["ctr", "--address", ctd!.address, "--namespace", "k8s.io", ...args], { env: { PATH }, timeoutMs });
    const mustCtr = async (args: string[], timeoutMs = 120_000) => {
      const r = await ctr(args, timeoutMs);
      if (r.code !== 0) throw new Error(`ctr ${args.join(" ")} exited ${r.code}\n${r.stdout}${r.stderr}`);
      return r.stdout;
    };
    /** Host side of each hostPath (under a temp root; the socket directory under /run/openbao-kms). */
    let host: (path: string) => string = () => "";
    let hostRoot = "";
    let runDir = "";
    let pod: Obj = {};
    let rootfs = "";
    let snapshotKey = "";
    const started: string[] = [];
    const output: string[] = [];
    const timings = { container: [] as number[], host: [] as number[] };

    beforeAll(async () => {
      ctd = await startContainerd();
      emu = await startEmulator();
      emu.setDisableUpsert(true); // the operator's setup (OpenBao's default is false; serve refuses upsert)
    }, 60_000);

    afterAll(async () => {
      for (const id of started) {
        await ctr(["task", "kill", "--signal", "SIGKILL", id]);
        await ctr(["container", "rm", id]);
      }
      if (rootfs !== "") await sh(["umount", rootfs]);
      if (snapshotKey !== "" && ctd) await ctr(["snapshots", "rm", snapshotKey]);
      if (ctd && alive(ctd.proc.pid)) {
        ctd.proc.kill("SIGTERM");
        await ctd.proc.exited;
      }
      if (runDir !== "") rmSync(runDir, { recursive: true, force: true });
      // runc removes each container's cgroup; the parent this test named is left empty in each hierarchy.
      for (const h of existsSync("/sys/fs/cgroup") ? readdirSync("/sys/fs/cgroup") : []) {
        if (existsSync(`/sys/fs/cgroup/${h}/bkp-oci-test`)) await sh(["rmdir", `/sys/fs/cgroup/${h}/bkp-oci-test`]);
      }
      await emu?.stop();
    }, 60_000);

    test("preload as docs/packaging.md says: sha256sum -c SHA256SUMS, the index digest, ctr images import; the digest reference is present and complete, and CRI ImageStatus (kubelet's check) finds it", async () => {
      const a = get();
      const sums = await sh(["sha256sum", "-c", "SHA256SUMS"], { cwd: a.dir, env: { PATH } });
      expect(sums.code).toBe(0);
      expect(sums.stdout).toContain(`bao-kms-provider_${a.version}_oci.tar: OK`);
      expect(sums.stdout).toContain(`bao-kms-provider_${a.version}_oci-index.json: OK`);
      // The digest the archive's index.json names is the one beside the packages.
      const inArchive = JSON.parse(await must(["tar", "-xOf", a.oci.archive, "index.json"])) as Obj;
      expect(`sha256:${(await must(["sha256sum", a.oci.indexFile])).slice(0, 64)}`).toBe(String(obj(arr(inArchive.manifests)[0]).digest));
      const t0 = performance.now();
      await mustCtr(["images", "import", "--base-name", imageRepository, "--digests", "--all-platforms", a.oci.archive]);
      console.error(`[oci] ctr images import: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      // What the import made, and the record the CRI plugin adds under the image ID (the amd64 config digest).
      const amd64Config = String(obj(layout().manifestFor("amd64").manifest.config).digest);
      let list: string[] = [];
      for (const t1 = performance.now(); list.length < 3 && performance.now() - t1 < 10_000; await Bun.sleep(100)) list = (await mustCtr(["images", "list", "--quiet"])).trim().split("\n");
      expect(list.sort()).toEqual([`${imageRepository}:${a.version}`, a.oci.reference, amd64Config].sort());
      const check = await mustCtr(["images", "check"]);
      const line = check.split("\n").find((l) => l.startsWith(`${a.oci.reference} `));
      expect(line).toContain("complete (2/2)");
      expect(line).toContain(a.oci.index);
      const content = await mustCtr(["content", "ls", "--quiet"]);
      expect(content).toContain(a.oci.index);
      // What kubelet asks before it would pull (imagePullPolicy IfNotPresent): CRI ImageStatus
      // for the manifest's reference finds the preloaded image (CRI's image id is the config digest).
      let found = await criImageStatus(ctd!.address, a.oci.reference);
      for (const t0 = performance.now(); found === undefined && performance.now() - t0 < 10_000; found = await criImageStatus(ctd!.address, a.oci.reference)) await Bun.sleep(100);
      expect(found?.id).toBe(amd64Config);
      expect(found?.repo_digests).toContain(a.oci.reference);
      expect(found?.repo_tags).toContain(`${imageRepository}:${a.version}`);
      // ... and does not find the template's placeholder (kubelet would try to pull it).
      expect(await criImageStatus(ctd!.address, `${imageRepository}@${placeholderDigest}`)).toBeUndefined();
    }, 180_000);

    test("the image runs as the static pod: hostPath mounts, read-only rootfs, 65532 + socket group, no capabilities, host network; probe from the host passes; outsiders are refused", async () => {
      const a = get();
      pod = Bun.YAML.parse(readFileSync(a.oci.staticPod, "utf8")) as Obj;
      const spec = obj(pod.spec);
      const container = obj(arr(spec.containers)[0]);
      expect(container.image).toBe(a.oci.reference);
      // docs/packaging.md step 1: the host's socket GID replaces the example GID in supplementalGroups.
      expect(obj(spec.securityContext).supplementalGroups).toEqual([1234]);
      obj(spec.securityContext).supplementalGroups = [socketGid];

      // The host, prepared as docs/packaging.md "Static pod" says (temp paths instead of /etc, /var, /run).
      hostRoot = scratch("pod-host");
      chmodSync(hostRoot, 0o755);
      mkdirSync("/run/openbao-kms", { recursive: true, mode: 0o755 }); // as the e2e tests' makeSocketDir
      runDir = mkdtempSync("/run/openbao-kms/oci-");
      host = (p) => (p === "/run/openbao-kms" ? runDir : join(hostRoot, p));
      const jwt = emu!.mintJwt();
      registerSecret(jwt);
      const mk = (p: string, uid: number, gid: number, mode: number) => {
        mkdirSync(host(p), { recursive: true });
        chownSync(host(p), uid, gid);
        chmodSync(host(p), mode);
      };
      for (const p of ["/etc", "/var", "/var/lib"]) mk(p, 0, 0, 0o755);
      mk("/etc/openbao-kms", 0, 65532, 0o750);
      mk("/etc/openbao-kms/tls", 0, 0, 0o755);
      mk("/var/lib/openbao-kms", 0, 65532, 0o750);
      mk("/var/lib/openbao-kms/state", 65532, 65532, 0o750);
      mk("/var/lib/openbao-kms/credentials", 0, 65532, 0o750);
      mk("/run/openbao-kms", 65532, socketGid, 0o2750);
      const put = (p: string, text: string, uid: number, gid: number, mode: number) => {
        writeFileSync(host(p), text);
        chownSync(host(p), uid, gid);
        chmodSync(host(p), mode);
      };
      put("/etc/openbao-kms/tls/ca.crt", readFileSync(emu!.caFile, "utf8"), 0, 0, 0o644);
      put("/var/lib/openbao-kms/credentials/identity.jwt", jwt + "\n", 0, 65532, 0o640);
      // The container's paths (the manifest's mountPaths) in the config it reads.
      put("/etc/openbao-kms/config.toml", configText({ socket: "/run/openbao-kms/kms.sock", ca: "/etc/openbao-kms/tls/ca.crt", jwt: "/var/lib/openbao-kms/credentials/identity.jwt", state: "/var/lib/openbao-kms/state/key-registry.json", address: byName(emu!.url) }, emu!), 0, 65532, 0o640);

      // The rootfs: a writable snapshot of the imported amd64 image (as CRI prepares it), read-only at run time.
      const config = layout().manifestFor("amd64").config;
      const chainId = String(arr(obj(config.rootfs).diff_ids)[0]);
      snapshotKey = `bkp-oci-${process.pid}`;
      await mustCtr(["snapshots", "--snapshotter", "overlayfs", "prepare", snapshotKey, chainId]);
      rootfs = join(scratch("rootfs"), "r");
      mkdirSync(rootfs);
      const mountCmd = (await mustCtr(["snapshots", "--snapshotter", "overlayfs", "mounts", rootfs, snapshotKey])).trim();
      expect(mountCmd).toStartWith("mount -t overlay ");
      await must(["sh", "-c", mountCmd], { env: { PATH } });

      const t = await runPod("pod-1");
      timings.container.push(t);
      // The socket as the manifest promises: the container's user, the socket group, 0660, in the 2750 directory.
      const st = lstatSync(join(runDir, "kms.sock"));
      expect(`${st.isSocket()} ${st.uid}:${st.gid} ${(st.mode & 0o777).toString(8)}`).toBe(`true 65532:${socketGid} 660`);
      // The probe binary where an unprivileged user can execute it.
      const probeBin = join(hostRoot, "bao-kms-provider");
      try {
        linkSync(a.binaries.x64!, probeBin);
      } catch {
        copyFileSync(a.binaries.x64!, probeBin);
      }
      const as = (groups: number[]) => ["setpriv", `--reuid=${outsider}`, `--regid=${outsider}`, ...(groups.length ? [`--groups=${groups.join(",")}`] : ["--clear-groups"]), "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"];
      const member = await sh([...as([socketGid]), probeBin, "probe", "--socket", join(runDir, "kms.sock"), "--output", "json"], { env: { PATH }, timeoutMs: 30_000 });
      expect(member.stderr).toBe("");
      expect(member.code).toBe(0);
      const checks = arr(obj(JSON.parse(member.stdout)).checks).map(obj);
      expect(checks.map((c) => `${String(c.id)} ${String(c.status)}`)).toEqual(["client.identity", "socket.path", "socket.connect", "kms.status", "kms.key_id", "kms.encrypt", "kms.decrypt"].map((id) => `${id} pass`));
      const other = await sh([...as([]), probeBin, "probe", "--socket", join(runDir, "kms.sock"), "--output", "json"], { env: { PATH }, timeoutMs: 30_000 });
      expect(other.code).toBe(4);
      expect(other.stdout + other.stderr).toMatch(/permission denied|EACCES/i);

      // Inside: the process's identity and privileges, read from the host's /proc.
      const pid = Number((await mustCtr(["task", "ls"])).split("\n").find((l) => l.startsWith("pod-1 "))!.trim().split(/\s+/)[1]);
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const field = (k: string) => status.split("\n").find((l) => l.startsWith(`${k}:`))!.split(":")[1]!.trim();
      expect(field("Uid").split(/\s+/)).toEqual(["65532", "65532", "65532", "65532"]);
      expect(field("Gid").split(/\s+/)).toEqual(["65532", "65532", "65532", "65532"]);
      expect(field("Groups").split(/\s+/).map(Number).sort()).toEqual([65532, socketGid].sort((x, y) => x - y));
      for (const k of ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"]) expect(`${k} ${field(k)}`).toBe(`${k} 0000000000000000`);
      expect(field("NoNewPrivs")).toBe("1");
      expect(field("Seccomp")).toBe("2");
      // Host network: the same network namespace as this process; its own mount namespace.
      expect(readlinkNs(pid, "net")).toBe(readlinkNs(process.pid, "net"));
      expect(readlinkNs(pid, "mnt")).not.toBe(readlinkNs(process.pid, "mnt"));
      const mounts = readFileSync(`/proc/${pid}/mountinfo`, "utf8").split("\n");
      const rootLine = mounts.find((l) => l.split(" ")[4] === "/")!;
      expect(rootLine.split(" ")[5]!.split(",")).toContain("ro");
      for (const m of arr(container.volumeMounts).map(obj)) {
        const line = mounts.find((l) => l.split(" ")[4] === m.mountPath);
        expect(line).toBeDefined();
        expect(`${String(m.mountPath)} ${line!.split(" ")[5]!.split(",")[0]}`).toBe(`${String(m.mountPath)} ${m.readOnly === true ? "ro" : "rw"}`);
      }
    }, 180_000);

    test("SIGTERM to the container: calls in flight complete, the provider drains, exits 0 and removes the socket", async () => {
      const sock = join(runDir, "kms.sock");
      const client = new PyKmsClient(sock);
      try {
        const enc = await client.encrypt(new Uint8Array(32).fill(7));
        emu!.setLatency(700, "/v1/transit/decrypt");
        emu!.resetCounts();
        const burst = client.send<{ ok: boolean; results: Array<{ ok: boolean }> }>({ op: "burst", n: 4, call: { op: "decrypt", ciphertext: enc.ciphertext, key_id: enc.key_id, annotations: enc.annotations } });
        for (let t0 = performance.now(); emu!.count({ pathPrefix: "/v1/transit/decrypt" }) < 4; ) {
          if (performance.now() - t0 > 5000) throw new Error("the burst never reached OpenBao");
          await Bun.sleep(5);
        }
        await mustCtr(["task", "kill", "--signal", "SIGTERM", "pod-1"]);
        expect((await burst).results.map((r) => r.ok)).toEqual([true, true, true, true]);
        expect(await stopPod("pod-1")).toBe(0);
        expect(existsSync(sock)).toBe(false);
        const shutdown = output.filter((l) => l.includes('"serve.shutdown"'));
        expect(shutdown.some((l) => l.includes('"draining"') && l.includes("SIGTERM"))).toBe(true);
        expect(shutdown.some((l) => l.includes('"drained"'))).toBe(true);
      } finally {
        emu!.setLatency(0, "/v1/transit/decrypt");
        await client.close();
      }
      const leaks = findLeaks(output);
      if (leaks.length > 0) throw new Error(`secret-looking data in the container's log: ${describeLeaks(leaks)}`);
    }, 60_000);

    test("start-up: container start to socket accepting, against the same binary started directly (systemd-style) as 65532", async () => {
      const a = get();
      for (let i = 2; i <= 3; i++) {
        timings.container.push(await runPod(`pod-${i}`));
        await mustCtr(["task", "kill", "--signal", "SIGTERM", `pod-${i}`]);
        expect(await stopPod(`pod-${i}`)).toBe(0);
      }
      // The same files at their host paths; the process as the unit starts it: its user, the socket group, no privileges.
      const hostConfig = join(hostRoot, "etc/openbao-kms/host.toml");
      writeFileSync(hostConfig, configText({ socket: join(runDir, "kms.sock"), ca: host("/etc/openbao-kms/tls/ca.crt"), jwt: host("/var/lib/openbao-kms/credentials/identity.jwt"), state: host("/var/lib/openbao-kms/state/key-registry.json"), address: byName(emu!.url) }, emu!));
      chownSync(hostConfig, 0, 65532);
      chmodSync(hostConfig, 0o640);
      const probeBin = join(hostRoot, "bao-kms-provider");
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const p = Bun.spawn(["setpriv", "--reuid=65532", "--regid=65532", `--groups=${socketGid}`, "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--", probeBin, "serve", "--config", hostConfig], { stdin: "ignore", stdout: "ignore", stderr: "pipe", env: { PATH } });
        const err = new Response(p.stderr).text();
        while (!(await canConnect(join(runDir, "kms.sock")))) {
          if (p.exitCode !== null || performance.now() - t0 > 30_000) throw new Error(`the host process did not start:\n${await err}`);
          await Bun.sleep(2);
        }
        timings.host.push(performance.now() - t0);
        p.kill("SIGTERM");
        expect(await p.exited).toBe(0);
        await err;
      }
      const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
      const fmt = (xs: number[]) => `${xs.map((x) => x.toFixed(0)).join(", ")} ms (median ${med(xs).toFixed(0)})`;
      const size = (oci: "amd64" | "arm64") => {
        const m = layout().manifestFor(oci).manifest;
        const layer = obj(arr(m.layers)[0]);
        return `${oci} ${(Number(layer.size) / 1e6).toFixed(1)} MB compressed, ${(Bun.gunzipSync(new Uint8Array(layout().blob(String(layer.digest)))).length / 1e6).toFixed(1)} MB unpacked`;
      };
      console.error(`[oci] image: ${size("amd64")}; ${size("arm64")}; archive ${(statSync(a.oci.archive).size / 1e6).toFixed(1)} MB`);
      console.error(`[oci] start to socket accepting: container (ctr run) ${fmt(timings.container)}; host process (setpriv, as the unit) ${fmt(timings.host)}`);
      expect(timings.container.length).toBe(3);
      expect(timings.host.length).toBe(3);
    }, 180_000);

    /** `ctr run` of the pod's container with the spec CRI would make; resolves once the socket accepts (ms since the spawn). */
    async function runPod(id: string): Promise<number> {
      const spec = await podSpec(id);
      const specFile = join(hostRoot, `${id}.json`);
      writeFileSync(specFile, JSON.stringify(spec));
      const t0 = performance.now();
      const proc = Bun.spawn(["ctr", "--address", ctd!.address, "--namespace", "k8s.io", "run", "--rm", "--config", specFile, "--fifo-dir", join(ctd!.dir, "fifo"), id], { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { PATH } });
      started.push(id);
      running.set(id, { proc, pumps: Promise.all([collect(proc.stdout), collect(proc.stderr)]) });
      while (!(await canConnect(join(runDir, "kms.sock")))) {
        if (proc.exitCode !== null || performance.now() - t0 > 60_000) {
          proc.kill("SIGKILL");
          await running.get(id)!.pumps;
          throw new Error(`the container did not serve (ctr exit ${proc.exitCode}):\n${output.join("\n")}`);
        }
        await Bun.sleep(2);
      }
      return performance.now() - t0;
    }
    const running = new Map<string, { proc: ReturnType<typeof Bun.spawn>; pumps: Promise<unknown> }>();
    async function stopPod(id: string): Promise<number> {
      const r = running.get(id)!;
      const code = await r.proc.exited;
      await r.pumps;
      started.splice(started.indexOf(id), 1);
      return code;
    }
    async function collect(stream: ReadableStream<Uint8Array>): Promise<void> {
      captureProviderLines(output);
      let buf = "";
      for await (const chunk of stream) {
        buf += new TextDecoder().decode(chunk);
        for (let nl = buf.indexOf("\n"); nl !== -1; nl = buf.indexOf("\n")) {
          output.push(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      }
      if (buf) output.push(buf);
    }

    /**
     * The OCI runtime spec for the pod's container. containerd builds the base from the imported
     * image (`ctr containers create --seccomp --net-host --read-only`: the image's entrypoint,
     * User and WorkingDir, containerd's default seccomp profile = RuntimeDefault, the host
     * network with /etc/hosts and resolv.conf, a read-only root); then what CRI adds for this
     * pod: the pod's args after the entrypoint, runAsUser/runAsGroup with the supplemental
     * groups, no capabilities, no_new_privs, no /run tmpfs, the hostPath bind mounts (rbind,
     * rprivate, ro as readOnly says), and the prepared snapshot as the root.
     */
    async function podSpec(id: string): Promise<Obj> {
      const src = `${id}-spec`;
      await mustCtr(["containers", "create", "--seccomp", "--net-host", "--read-only", get().oci.reference, src]);
      const spec = obj(obj(JSON.parse(await mustCtr(["containers", "info", src]))).Spec);
      await mustCtr(["containers", "rm", src]);
      const podSpec = obj(pod.spec);
      const sc = obj(podSpec.securityContext);
      const c = obj(arr(podSpec.containers)[0]);
      const csc = obj(c.securityContext);
      const process = obj(spec.process);
      expect(process.args).toEqual(["/usr/bin/bao-kms-provider", "serve"]);
      expect(obj(process.user)).toMatchObject({ uid: 65532, gid: 65532 });
      expect(arr(obj(obj(spec.linux).seccomp).syscalls).length).toBeGreaterThan(0);
      process.args = [...arr(process.args), ...arr(c.args)].map(String);
      process.user = { uid: sc.runAsUser, gid: sc.runAsGroup, additionalGids: [sc.runAsGroup, ...arr(sc.supplementalGroups)] };
      expect(arr(obj(csc.capabilities).drop)).toContain("ALL");
      process.capabilities = { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [] };
      process.noNewPrivileges = csc.allowPrivilegeEscalation === false;
      const volumes = new Map(arr(podSpec.volumes).map(obj).map((v) => [String(v.name), obj(v.hostPath)]));
      const binds = arr(c.volumeMounts).map(obj).map((m) => {
        const hp = volumes.get(String(m.name))!;
        const hostPath = host(String(hp.path));
        // kubelet's hostPath type check.
        const st = statSync(hostPath);
        expect(`${String(hp.path)} ${hp.type === "File" ? st.isFile() : st.isDirectory()}`).toBe(`${String(hp.path)} true`);
        return { destination: String(m.mountPath), type: "bind", source: hostPath, options: ["rbind", "rprivate", m.readOnly === true ? "ro" : "rw"] };
      });
      spec.mounts = [...arr(spec.mounts).filter((m) => obj(m).destination !== "/run"), ...binds];
      spec.root = { path: rootfs, readonly: true };
      obj(spec.linux).cgroupsPath = `/bkp-oci-test/${id}`;
      return spec;
    }
  });
}

const readlinkNs = (pid: number, ns: string) => readlinkSync(`/proc/${pid}/ns/${ns}`);
