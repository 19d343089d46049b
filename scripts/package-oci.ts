// The static pod's image: `bun run package` calls buildOciImage() to write a distroless-style OCI
// image for each architecture, a multi-arch index over them, and an OCI image-layout archive of
// all of it (bao-kms-provider_<version>_oci.tar), plus the index blob on its own
// (..._oci-index.json, whose sha256 is the image digest) and the static-pod manifest pinned to
// that digest (..._static-pod.yaml). Written here rather than with umoci so every byte is ours to
// fix: tar entries sorted, owned 0:0, mtime = SOURCE_DATE_EPOCH; gzip by GNU gzip -n; JSON with a
// fixed key order. The tests validate the result with umoci, skopeo and containerd.
// Why each choice: docs/decisions/oci-image.md.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binaryPath } from "../src/install/layout.ts";
import { type GlibcFile, type GlibcOptions, type GlibcSource, glibcSource } from "./package-glibc.ts";
import { type Arch, repoRoot, run } from "./package-meta.ts";

/** The name the image is preloaded under (`ctr images import --base-name`) and the manifest uses. */
export const imageRepository = "localhost/bao-kms-provider";
/** Placeholder until the project has a public home (like the maintainer address in package-meta.ts). */
export const imageSource = "https://bao-kms-provider.invalid/bao-kms-provider";
export const nonrootId = 65532;
/** The static-pod template; its all-zero digest is replaced in the copy `bun run package` writes. */
export const staticPodTemplate = join(repoRoot, "packaging/static-pod/bao-kms-provider.yaml");
export const placeholderDigest = `sha256:${"0".repeat(64)}`;

export const mediaTypes = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

/** Per architecture: OCI's (= Debian's) name, Debian's multiarch triplet, the ELF interpreter. Where glibc comes from: package-glibc.ts. */
export const ociArch = {
  x64: { oci: "amd64", triplet: "x86_64-linux-gnu", interp: "/lib64/ld-linux-x86-64.so.2" },
  arm64: { oci: "arm64", triplet: "aarch64-linux-gnu", interp: "/lib/ld-linux-aarch64.so.1" },
} as const;

export interface OciIdentity {
  readonly version: string;
  readonly commit: string;
  readonly epoch: number;
}

export interface OciArchImage {
  readonly manifest: string;
  readonly config: string;
  readonly layer: string;
  /** Compressed layer bytes (what a node stores and what the archive mostly is). */
  readonly layerSize: number;
  /** Uncompressed layer bytes (the root file system). */
  readonly rootfsSize: number;
  /** Paths in the layer, in archive order. */
  readonly paths: readonly string[];
}

export interface OciImage {
  readonly archive: string;
  readonly indexFile: string;
  readonly staticPod: string;
  /** sha256:<hex> of the image index: the image digest. */
  readonly index: string;
  /** `localhost/bao-kms-provider@sha256:…`, as in the static-pod manifest. */
  readonly reference: string;
  readonly arches: Partial<Record<Arch, OciArchImage>>;
  /** Which Debian glibc each image carries (label io.bao-kms-provider.glibc) and the .deb it came from, if any. */
  readonly glibc: Partial<Record<Arch, { readonly label: string; readonly version: string; readonly deb?: string; readonly debSha256?: string }>>;
}

const sha = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const utf8 = (s: string) => new TextEncoder().encode(s);
/** Compact JSON: the bytes are the digest, so no whitespace that an editor might change. */
const json = (v: unknown) => utf8(JSON.stringify(v));

// ---- tar (POSIX ustar), written by hand so every header field is fixed ----

export interface TarEntry {
  readonly path: string; // relative, no leading "/" or "./"; directories without trailing "/"
  readonly type: "file" | "dir" | "symlink";
  readonly mode: number;
  readonly bytes?: Uint8Array;
  readonly target?: string;
}

function octalField(buf: Uint8Array, off: number, len: number, value: number): void {
  const s = value.toString(8).padStart(len - 1, "0");
  if (s.length > len - 1) throw new Error(`tar: ${value} does not fit in ${len - 1} octal digits`);
  buf.set(utf8(s), off); // the last byte stays NUL
}

function textField(buf: Uint8Array, off: number, len: number, value: string): void {
  const b = utf8(value);
  if (b.length > len) throw new Error(`tar: "${value}" is longer than ${len} bytes`);
  buf.set(b, off);
}

function header(e: TarEntry, mtime: number): Uint8Array {
  const h = new Uint8Array(512);
  // Every name here is short (the longest is blobs/sha256/<64 hex>); no ustar prefix, no PAX.
  textField(h, 0, 100, e.type === "dir" ? `${e.path}/` : e.path);
  octalField(h, 100, 8, e.mode);
  octalField(h, 108, 8, 0); // uid
  octalField(h, 116, 8, 0); // gid
  octalField(h, 124, 12, e.type === "file" ? e.bytes!.length : 0);
  octalField(h, 136, 12, mtime);
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  h[156] = e.type === "file" ? 0x30 : e.type === "dir" ? 0x35 : 0x32;
  if (e.type === "symlink") textField(h, 157, 100, e.target!);
  textField(h, 257, 6, "ustar");
  textField(h, 263, 2, "00");
  // uname/gname empty: ownership is the numeric 0:0 alone; devmajor/minor zero.
  octalField(h, 329, 8, 0);
  octalField(h, 337, 8, 0);
  let sum = 0;
  for (const b of h) sum += b;
  const c = sum.toString(8).padStart(6, "0");
  h.set(utf8(c), 148);
  h[154] = 0;
  h[155] = 0x20;
  return h;
}

/** A tar stream of the entries sorted by path (byte order), every mtime = epoch, owner 0:0. */
export function tar(entries: readonly TarEntry[], epoch: number): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.path === sorted[i - 1]!.path) throw new Error(`tar: ${sorted[i]!.path} twice`);
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const e of sorted) {
    const h = header(e, epoch);
    parts.push(h);
    size += 512;
    if (e.type === "file") {
      parts.push(e.bytes!);
      const pad = (512 - (e.bytes!.length % 512)) % 512;
      parts.push(new Uint8Array(pad));
      size += e.bytes!.length + pad;
    }
  }
  parts.push(new Uint8Array(1024)); // end of archive
  size += 1024;
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Every parent directory of the given paths, as 0755 entries. */
function parents(paths: readonly string[]): TarEntry[] {
  const dirs = new Set<string>();
  for (const p of paths) for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) dirs.add(p.slice(0, i));
  return [...dirs].map((path) => ({ path, type: "dir", mode: 0o755 }));
}

// ---- the glibc files a binary needs ----

/** DT_NEEDED sonames of an ELF file, from readelf. */
async function elfNeeded(file: string): Promise<string[]> {
  const dyn = await run(["readelf", "-d", "-W", file]);
  return [...dyn.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!);
}

/** The ELF interpreter and DT_NEEDED sonames of a binary, from readelf. */
export async function elfNeeds(file: string): Promise<{ interp: string; needed: string[] }> {
  const needed = await elfNeeded(file);
  const prog = await run(["readelf", "-l", "-W", file]);
  const interp = /Requesting program interpreter: ([^\]]+)\]/.exec(prog)?.[1];
  if (interp === undefined) throw new Error(`${file} has no ELF interpreter (not a dynamic executable?)`);
  return { interp, needed };
}

/** The glibc files the binary links, checked against their package's md5sums (unmodified Debian files). */
async function glibcFiles(arch: Arch, binary: string, src: GlibcSource): Promise<{ files: GlibcFile[]; symlink: TarEntry }> {
  const a = ociArch[arch];
  const { interp, needed } = await elfNeeds(binary);
  if (interp !== a.interp) throw new Error(`${binary}: ELF interpreter ${interp}, expected ${a.interp} for ${a.oci}`);
  const loader = interp.slice(interp.lastIndexOf("/") + 1);
  const want = new Set([...needed, loader]);
  // The libraries' own needs (libc.so.6 needs the loader); all of glibc, so one round suffices.
  for (const so of [...want]) for (const n of await elfNeeded(join(src.libDir, so))) want.add(n);
  const files = [...want].sort().map((so) => src.file(so));
  // The interpreter path the binary asks for points at the loader, as on a Debian host.
  const linkDir = interp.slice(1, interp.lastIndexOf("/"));
  const target = linkDir === "lib" ? `${a.triplet}/${loader}` : `/lib/${a.triplet}/${loader}`;
  return { files, symlink: { path: interp.slice(1), type: "symlink", mode: 0o777, target } };
}

// ---- one architecture's image ----

export const passwd = `nonroot:x:${nonrootId}:${nonrootId}:nonroot:/nonexistent:/sbin/nologin\n`;
export const group = `nonroot:x:${nonrootId}:\n`;

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  // GNU gzip: -n stores no name and no time; its deflate output is stable across versions and CPUs.
  const p = Bun.spawn(["gzip", "-n", "-6", "-c"], { stdin: bytes, stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C" } });
  const [out, err, code] = await Promise.all([new Response(p.stdout).arrayBuffer(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`gzip exited ${code}: ${err}`);
  return new Uint8Array(out);
}

interface Blob {
  readonly digest: string;
  readonly bytes: Uint8Array;
}

export function labels(id: OciIdentity, glibc: string): Record<string, string> {
  return {
    "org.opencontainers.image.created": new Date(id.epoch * 1000).toISOString().replace(".000Z", "Z"),
    "org.opencontainers.image.description": "Kubernetes KMS v2 plugin backed by OpenBao Transit (static pod image)",
    "org.opencontainers.image.revision": id.commit,
    "org.opencontainers.image.source": imageSource,
    "org.opencontainers.image.title": "bao-kms-provider",
    "org.opencontainers.image.version": id.version,
    // Which Debian glibc is inside: "libc6 <version>", the native package of that architecture (docs/decisions/oci-image.md).
    "io.bao-kms-provider.glibc": glibc,
  };
}

async function archImage(arch: Arch, binary: string, id: OciIdentity, src: GlibcSource): Promise<{ blobs: Blob[]; descriptor: object; info: Omit<OciArchImage, "manifest"> & { manifest: string } }> {
  const a = ociArch[arch];
  const glibc = await glibcFiles(arch, binary, src);
  const files: TarEntry[] = [
    { path: binaryPath.slice(1), type: "file", mode: 0o755, bytes: readFileSync(binary) },
    ...glibc.files.map((f): TarEntry => ({ path: f.path, type: "file", mode: f.mode, bytes: f.bytes })),
    glibc.symlink,
    { path: "etc/passwd", type: "file", mode: 0o644, bytes: utf8(passwd) },
    { path: "etc/group", type: "file", mode: 0o644, bytes: utf8(group) },
  ];
  const entries = [...parents(files.map((f) => f.path)), ...files];
  const layerTar = tar(entries, id.epoch);
  const layerGz = await gzip(layerTar);
  const created = new Date(id.epoch * 1000).toISOString().replace(".000Z", "Z");
  const config = json({
    created,
    architecture: a.oci,
    os: "linux",
    config: {
      User: `${nonrootId}:${nonrootId}`,
      // `serve` is part of the entrypoint: a pod's `args` then carry only flags (--config=…).
      Entrypoint: [binaryPath, "serve"],
      WorkingDir: "/",
      StopSignal: "SIGTERM",
      Labels: labels(id, src.label),
    },
    rootfs: { type: "layers", diff_ids: [sha(layerTar)] },
    history: [{ created, created_by: "bun run package (scripts/package-oci.ts)" }],
  });
  const cfg: Blob = { digest: sha(config), bytes: config };
  const layer: Blob = { digest: sha(layerGz), bytes: layerGz };
  const manifestBytes = json({
    schemaVersion: 2,
    mediaType: mediaTypes.manifest,
    config: { mediaType: mediaTypes.config, digest: cfg.digest, size: config.length },
    layers: [{ mediaType: mediaTypes.layer, digest: layer.digest, size: layerGz.length }],
  });
  const manifest: Blob = { digest: sha(manifestBytes), bytes: manifestBytes };
  return {
    blobs: [cfg, layer, manifest],
    descriptor: { mediaType: mediaTypes.manifest, digest: manifest.digest, size: manifestBytes.length, platform: { architecture: a.oci, os: "linux" } },
    info: { manifest: manifest.digest, config: cfg.digest, layer: layer.digest, layerSize: layerGz.length, rootfsSize: layerTar.length, paths: [...entries].map((e) => e.path).sort() },
  };
}

/** The template with its placeholder image replaced by reference; throws unless there is exactly one. */
export function renderStaticPodManifest(template: string, reference: string): string {
  const line = /^(\s+image: )\S+@sha256:0{64}$/m;
  const all = template.match(new RegExp(line.source, "gm")) ?? [];
  if (all.length !== 1) throw new Error(`the static-pod template must have exactly one placeholder image line (all-zero digest), found ${all.length}`);
  return template
    .replace(line, `$1${reference}`)
    .replace(/^# The image is pinned by digest only; the all-zero digest is a placeholder to replace\.$/m, `# The image is pinned by digest only: the index of bao-kms-provider_<version>_oci.tar (preload it first).`);
}

/** Builds both images, the index and the archive into outdir; binaries are the build outputs. */
export async function buildOciImage(binaries: Partial<Record<Arch, string>>, id: OciIdentity, outdir: string, glibcOpts: GlibcOptions = {}): Promise<OciImage> {
  const arches = (["x64", "arm64"] as const).filter((a) => binaries[a] !== undefined);
  const sources: GlibcSource[] = [];
  let built: Awaited<ReturnType<typeof archImage>>[];
  try {
    for (const a of arches) sources.push(await glibcSource(ociArch[a].oci, ociArch[a].triplet, glibcOpts));
    built = await Promise.all(arches.map((a, i) => archImage(a, binaries[a]!, id, sources[i]!)));
  } finally {
    for (const s of sources) s.cleanup();
  }
  const l = labels(id, "");
  const indexBytes = json({
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: built.map((b) => b.descriptor),
    annotations: Object.fromEntries(Object.entries(l).filter(([k]) => k.startsWith("org.opencontainers."))),
  });
  const index: Blob = { digest: sha(indexBytes), bytes: indexBytes };
  const layoutIndex = json({
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: [{ mediaType: mediaTypes.index, digest: index.digest, size: indexBytes.length, annotations: { "org.opencontainers.image.ref.name": id.version } }],
  });
  const blobs = new Map<string, Uint8Array>();
  for (const b of [...built.flatMap((x) => x.blobs), index]) blobs.set(b.digest, b.bytes);
  const entries: TarEntry[] = [
    { path: "oci-layout", type: "file", mode: 0o644, bytes: json({ imageLayoutVersion: "1.0.0" }) },
    { path: "index.json", type: "file", mode: 0o644, bytes: layoutIndex },
    { path: "blobs", type: "dir", mode: 0o755 },
    { path: "blobs/sha256", type: "dir", mode: 0o755 },
    ...[...blobs].map(([d, bytes]): TarEntry => ({ path: `blobs/sha256/${d.slice(7)}`, type: "file", mode: 0o644, bytes })),
  ];
  const archive = join(outdir, `bao-kms-provider_${id.version}_oci.tar`);
  writeFileSync(archive, tar(entries, id.epoch));
  const indexFile = join(outdir, `bao-kms-provider_${id.version}_oci-index.json`);
  writeFileSync(indexFile, indexBytes);
  const reference = `${imageRepository}@${index.digest}`;
  const staticPod = join(outdir, `bao-kms-provider_${id.version}_static-pod.yaml`);
  writeFileSync(staticPod, renderStaticPodManifest(readFileSync(staticPodTemplate, "utf8"), reference));
  const glibc = Object.fromEntries(arches.map((a, i) => [a, { label: sources[i]!.label, version: sources[i]!.version, deb: sources[i]!.deb, debSha256: sources[i]!.debSha256 }]));
  return { archive, indexFile, staticPod, index: index.digest, reference, arches: Object.fromEntries(arches.map((a, i) => [a, built[i]!.info])), glibc };
}
