// The SBOM and the provenance statement `bun run package` writes beside the packages.
//
// SBOM: CycloneDX 1.5 JSON, generated from bun.lock (no maintained generator reads bun.lock
// offline). Its components are the runtime dependency closure of package.json's
// "dependencies" as bun.lock resolved it, each with its version, purl and the sha512 integrity
// bun.lock pinned, plus the Bun runtime the executable is built on. The build's metafile
// (`bun build --metafile`, written by the same compile that made the binary) says which of them
// are compiled into the binary: those have scope "required", the rest of the closure (code a
// dependency ships but nothing we import reaches, e.g. @grpc/proto-loader's CLI needs yargs)
// "excluded". docs/decisions/sbom.md explains the choice.
//
// Provenance: an in-toto Statement v1 with a SLSA v1 provenance predicate naming the source
// commit, the build command and the sha256 of every artefact.
//
// Both are deterministic: timestamps from SOURCE_DATE_EPOCH, sorted components, a serial number
// derived from the content, no paths of the build machine.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };

export interface LockPackage {
  /** bun.lock's key: the install path below node_modules ("@grpc/proto-loader/protobufjs"). */
  readonly key: string;
  readonly name: string;
  readonly version: string;
  /** "sha512-<base64>", as bun.lock pinned it. */
  readonly integrity: string;
  /** Keys of the packages this one depends on at run time, resolved as Bun installed them. */
  readonly deps: readonly string[];
}

export interface Lock {
  /** Direct runtime dependencies of the root package (keys). */
  readonly direct: readonly string[];
  /** The runtime closure, by key. */
  readonly closure: ReadonlyMap<string, LockPackage>;
}

type RawEntry = [string, string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string>; optionalPeers?: string[] }, string];

/** Splits "a/@s/b/c" into its package names ["a", "@s/b", "c"]. */
function keyNames(key: string): string[] {
  const parts = key.split("/");
  const names: string[] = [];
  for (let i = 0; i < parts.length; i++) names.push(parts[i]!.startsWith("@") ? `${parts[i]}/${parts[++i]}` : parts[i]!);
  return names;
}

/** Resolves `dep` required from the package at `from` the way node_modules lookup does. */
function resolveKey(packages: Record<string, RawEntry>, from: string, dep: string): string | undefined {
  const names = from === "" ? [] : keyNames(from);
  for (let i = names.length; i >= 0; i--) {
    const key = [...names.slice(0, i), dep].join("/");
    if (packages[key] !== undefined) return key;
  }
  return undefined;
}

/** Parses bun.lock text and walks the runtime (non-dev) dependency closure of the root package. */
export function readLock(text: string): Lock {
  const lock = Bun.JSONC.parse(text) as { lockfileVersion: number; workspaces: Record<string, { dependencies?: Record<string, string> }>; packages: Record<string, RawEntry> };
  if (lock.lockfileVersion !== 1 && lock.lockfileVersion !== 2) throw new Error(`bun.lock: lockfileVersion ${lock.lockfileVersion} is not one this generator knows`);
  const root = lock.workspaces[""];
  if (root === undefined) throw new Error("bun.lock: no root workspace");
  const closure = new Map<string, LockPackage>();
  const need = (from: string, dep: string): string => {
    const key = resolveKey(lock.packages, from, dep);
    if (key === undefined) throw new Error(`bun.lock: ${dep} (needed by ${from || "the root package"}) is not in the lock`);
    return key;
  };
  const direct = Object.keys(root.dependencies ?? {}).sort().map((d) => need("", d));
  const queue = [...direct];
  while (queue.length > 0) {
    const key = queue.shift()!;
    if (closure.has(key)) continue;
    const [id, , info, integrity] = lock.packages[key]!;
    const at = id.lastIndexOf("@");
    if (at <= 0 || !/^sha512-[A-Za-z0-9+/]+=*$/.test(integrity ?? "")) throw new Error(`bun.lock: ${key} has no name@version or no sha512 integrity`);
    const optionalPeers = new Set(info.optionalPeers ?? []);
    const wanted = [
      ...Object.keys(info.dependencies ?? {}),
      ...Object.keys(info.optionalDependencies ?? {}).filter((d) => resolveKey(lock.packages, key, d) !== undefined),
      ...Object.keys(info.peerDependencies ?? {}).filter((d) => !optionalPeers.has(d)),
    ];
    const deps = [...new Set(wanted.map((d) => need(key, d)))].sort();
    closure.set(key, { key, name: id.slice(0, at), version: id.slice(at + 1), integrity, deps });
    queue.push(...deps);
  }
  return { direct, closure };
}

/** bun.lock keys of the npm packages whose files a `bun build --metafile` output lists as inputs. */
export function bundledKeys(metafile: { inputs: Record<string, unknown> }): string[] {
  const keys = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.indexOf("node_modules/");
    if (at < 0) continue;
    // node_modules/a/node_modules/@s/b/lib/x.js → "a/@s/b"
    const parts = input.slice(at).split("/");
    const names: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (parts[i] !== "node_modules") break;
      const scoped = parts[i + 1]!.startsWith("@");
      names.push(scoped ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1]!);
      i += scoped ? 2 : 1;
    }
    keys.add(names.join("/"));
  }
  return [...keys].sort();
}

const purl = (name: string, version: string) => `pkg:npm/${name.replace(/^@/, "%40")}@${version}`;
/** bom-ref: bun.lock's key (unique, unlike name@version when two versions are installed). */
const ref = (p: LockPackage) => `npm:${p.key}@${p.version}`;
const hex = (integrity: string) => Buffer.from(integrity.slice("sha512-".length), "base64").toString("hex");
const iso = (epoch: number) => new Date(epoch * 1000).toISOString().replace(/\.000Z$/, "Z");

/** A name-based (version 5, SHA-1) UUID, as RFC 9562 defines it, in the URL namespace. */
export function uuidV5(name: string): string {
  const ns = Buffer.from("6ba7b8119dad11d180b400c04fd430c8", "hex");
  const h = createHash("sha1").update(ns).update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function licenseOf(nodeModules: string, key: string): string | undefined {
  const file = join(nodeModules, ...keyNames(key).flatMap((n, i) => (i === 0 ? [n] : ["node_modules", n])), "package.json");
  if (!existsSync(file)) return undefined;
  const l = (JSON.parse(readFileSync(file, "utf8")) as { license?: unknown }).license;
  return typeof l === "string" && l !== "" ? l : undefined;
}

export interface SbomInput {
  readonly version: string;
  readonly commit: string;
  readonly epoch: number;
  readonly bunVersion: string;
  readonly bunRevision: string;
  readonly lockText: string;
  /** Keys of the packages compiled into the binary (bundledKeys of the build's metafile). */
  readonly bundled: readonly string[];
  /** node_modules, to read each package's declared license (optional information). */
  readonly nodeModules?: string;
}

/** The CycloneDX 1.5 document, as canonical JSON text (2-space indent, trailing newline). */
export function makeSbom(input: SbomInput): string {
  const lock = readLock(input.lockText);
  const bundled = new Set(input.bundled);
  for (const k of bundled) if (!lock.closure.has(k)) throw new Error(`the binary contains ${k}, which is not in bun.lock's runtime dependency closure`);
  const pkgs = [...lock.closure.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const appRef = `${pkg.name}@${input.version}`;
  const bunRef = `runtime:bun@${input.bunVersion}`;
  const components = [
    {
      type: "platform",
      "bom-ref": bunRef,
      name: "bun",
      version: input.bunVersion,
      description: "The Bun runtime the single executable is built on (bun build --compile)",
      scope: "required",
      purl: `pkg:npm/bun@${input.bunVersion}`,
      properties: [{ name: "bun:revision", value: input.bunRevision }],
    },
    ...pkgs.map((p) => {
      const license = input.nodeModules === undefined ? undefined : licenseOf(input.nodeModules, p.key);
      return {
        type: "library",
        "bom-ref": ref(p),
        name: p.name,
        version: p.version,
        scope: bundled.has(p.key) ? "required" : "excluded",
        hashes: [{ alg: "SHA-512", content: hex(p.integrity) }],
        ...(license === undefined ? {} : { licenses: [{ expression: license }] }),
        purl: purl(p.name, p.version),
        properties: [
          { name: "bun.lock:key", value: p.key },
          { name: "bun.lock:integrity", value: p.integrity },
          { name: "bao-kms-provider:in-binary", value: String(bundled.has(p.key)) },
        ],
      };
    }),
  ];
  const dependencies = [
    { ref: appRef, dependsOn: [bunRef, ...lock.direct.map((k) => ref(lock.closure.get(k)!))].sort() },
    ...pkgs.map((p) => ({ ref: ref(p), dependsOn: p.deps.map((k) => ref(lock.closure.get(k)!)).sort() })),
  ];
  const body = {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    serialNumber: "",
    version: 1,
    metadata: {
      timestamp: iso(input.epoch),
      tools: { components: [{ type: "application", name: "scripts/package-sbom.ts", version: input.version }] },
      component: {
        type: "application",
        "bom-ref": appRef,
        name: pkg.name,
        version: input.version,
        purl: purl(pkg.name, input.version),
        properties: [{ name: "git:commit", value: input.commit }],
      },
    },
    components,
    dependencies,
  };
  // The serial number names this exact content: the same inputs always give the same document.
  const withoutSerial = JSON.stringify(body);
  body.serialNumber = `urn:uuid:${uuidV5(`bao-kms-provider-sbom:${createHash("sha256").update(withoutSerial).digest("hex")}`)}`;
  return `${JSON.stringify(body, null, 2)}\n`;
}

export interface ProvenanceInput {
  readonly version: string;
  readonly commit: string;
  readonly dirty: boolean;
  readonly epoch: number;
  readonly bunVersion: string;
  /** The command as an operator types it (no output directory: it does not change the bytes). */
  readonly command: string;
  readonly lockSha256: string;
  /** Artefact file name → sha256 (hex). */
  readonly subjects: ReadonlyMap<string, string>;
}

/** An in-toto Statement v1 with a SLSA provenance v1 predicate, as canonical JSON text. */
export function makeProvenance(input: ProvenanceInput): string {
  const statement = {
    _type: "https://in-toto.io/Statement/v1",
    subject: [...input.subjects].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, sha256]) => ({ name, digest: { sha256 } })),
    predicateType: "https://slsa.dev/provenance/v1",
    predicate: {
      buildDefinition: {
        buildType: "https://bao-kms-provider.invalid/buildtypes/bun-run-package/v1",
        externalParameters: {
          command: input.command,
          source: { name: "bao-kms-provider", digest: { gitCommit: input.commit } },
        },
        internalParameters: {
          SOURCE_DATE_EPOCH: input.epoch,
          // true: the work tree had uncommitted changes, so the commit does not describe the source.
          workTreeDirty: input.dirty,
        },
        resolvedDependencies: [
          { name: "bao-kms-provider", digest: { gitCommit: input.commit } },
          { name: "bun.lock", digest: { sha256: input.lockSha256 } },
          { uri: `pkg:npm/bun@${input.bunVersion}`, name: "bun" },
        ],
      },
      runDetails: {
        // No start/finish times: they would make two builds of one commit differ.
        builder: { id: "https://bao-kms-provider.invalid/builders/local-bun-run-package" },
      },
    },
  };
  return `${JSON.stringify(statement, null, 2)}\n`;
}
