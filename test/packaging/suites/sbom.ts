// The SBOM and the provenance statement of a build. The SBOM's npm components are checked
// against two sources that do not use scripts/package-sbom.ts's walk of bun.lock:
//   - the installed node_modules tree, walked with Node's lookup rules from package.json's
//     "dependencies" (name and version of each package reached), with each one's integrity
//     read from bun.lock;
//   - the modules in the binary: a non-minified bundle of src/main.ts, whose "// node_modules/..."
//     comments name every file Bun bundled, must name exactly the components marked "required".
// The Bun component is the runtime the binary reports in `version`.

import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import pkg from "../../../package.json" with { type: "json" };
import { sha256, type Artifacts } from "../../../scripts/package.ts";
import { repoRoot } from "../../../scripts/package-meta.ts";
import { must, sh, workDir } from "../artifacts.ts";

interface Component {
  type: string;
  name: string;
  version: string;
  scope: string;
  purl: string;
  hashes?: { alg: string; content: string }[];
  properties?: { name: string; value: string }[];
}
interface Sbom {
  bomFormat: string;
  specVersion: string;
  serialNumber: string;
  version: number;
  metadata: { timestamp: string; component: { name: string; version: string; properties: { name: string; value: string }[] } };
  components: Component[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

const prop = (c: Component, name: string) => c.properties?.find((p) => p.name === name)?.value;

/** name@version of every package reached from package.json's dependencies in node_modules. */
function installedClosure(): Map<string, string> {
  const found = new Map<string, string>(); // package dir → name@version
  const visit = (fromDir: string, dep: string) => {
    // Node's lookup: fromDir/node_modules/dep, then each parent's node_modules, up to the root.
    for (let dir = fromDir; ; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules", dep);
      if (existsSync(join(candidate, "package.json"))) {
        if (found.has(candidate)) return;
        const manifest = JSON.parse(readFileSync(join(candidate, "package.json"), "utf8")) as { name: string; version: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }> };
        found.set(candidate, `${manifest.name}@${manifest.version}`);
        const optionalPeers = new Set(Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n));
        for (const d of Object.keys(manifest.dependencies ?? {})) visit(candidate, d);
        for (const d of Object.keys(manifest.peerDependencies ?? {})) if (!optionalPeers.has(d)) visit(candidate, d);
        return;
      }
      if (dir === repoRoot || dir === "/") throw new Error(`${dep} (needed from ${fromDir}) is not installed`);
    }
  };
  for (const d of Object.keys(pkg.dependencies)) visit(repoRoot, d);
  return new Map([...found].map(([dir, id]) => [dir.slice(repoRoot.length + 1), id]));
}

/** bun.lock's integrity for a name@version (all entries with that id agree). */
function lockIntegrity(id: string): string {
  const lock = Bun.JSONC.parse(readFileSync(join(repoRoot, "bun.lock"), "utf8")) as { packages: Record<string, [string, string, unknown, string]> };
  const hits = new Set(Object.values(lock.packages).filter((e) => e[0] === id).map((e) => e[3]));
  if (hits.size !== 1) throw new Error(`bun.lock has ${hits.size} integrities for ${id}`);
  return [...hits][0]!;
}

/** The commit the binary was built from, as its `version` reports it (scripts/build.ts asked git). */
async function builtCommit(a: Artifacts): Promise<string> {
  const commit = /^commit: ([0-9a-f]{40})$/m.exec(await must([a.binaries.x64!, "version"]))?.[1];
  if (commit === undefined) throw new Error("the binary's version output names no commit");
  return commit;
}

export function sbomSuite(get: () => Artifacts): void {
  describe("SBOM and provenance", () => {
    const sbom = () => JSON.parse(readFileSync(get().sbom, "utf8")) as Sbom;

    test("CycloneDX 1.5: format, serial number (a name-based UUID), timestamp = SOURCE_DATE_EPOCH, the application and its commit", async () => {
      const s = sbom();
      expect(s.bomFormat).toBe("CycloneDX");
      expect(s.specVersion).toBe("1.5");
      expect(s.version).toBe(1);
      expect(s.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(s.metadata.timestamp).toBe(new Date(get().epoch * 1000).toISOString().replace(".000Z", "Z"));
      expect(s.metadata.component.name).toBe("bao-kms-provider");
      expect(s.metadata.component.version).toBe(get().version);
      expect(s.metadata.component.properties).toContainEqual({ name: "git:commit", value: await builtCommit(get()) });
      // Sorted, so two builds list them in one order.
      const keys = s.components.slice(1).map((c) => prop(c, "bun.lock:key")!);
      expect(keys).toEqual([...keys].sort());
    });

    test("the npm components are bun.lock's runtime closure: the packages installed for package.json's dependencies, with bun.lock's sha512", () => {
      const installed = installedClosure();
      const npm = sbom().components.filter((c) => c.type === "library");
      const got = npm.map((c) => `${prop(c, "bun.lock:key")} ${c.name}@${c.version}`).sort();
      const want = [...installed].map(([dir, id]) => `${dir.replace(/^node_modules\//, "").replaceAll("/node_modules/", "/")} ${id}`).sort();
      expect(got).toEqual(want);
      for (const c of npm) {
        const integrity = lockIntegrity(`${c.name}@${c.version}`);
        expect(prop(c, "bun.lock:integrity")).toBe(integrity);
        expect(c.hashes).toEqual([{ alg: "SHA-512", content: Buffer.from(integrity.slice(7), "base64").toString("hex") }]);
        expect(c.purl).toBe(`pkg:npm/${c.name.replace("@", "%40")}@${c.version}`);
      }
      // No dev dependency leaks in (typescript is only an optional peer of valibot).
      for (const dev of Object.keys(pkg.devDependencies)) expect(npm.map((c) => c.name)).not.toContain(dev);
    });

    test("the components marked required are exactly the npm packages bundled into the binary", async () => {
      // A non-minified bundle of the same entry point: Bun heads each bundled file with a
      // "// node_modules/<path>" comment, which names the package it came from.
      const dir = workDir("bundle");
      await must([process.execPath, "build", join(repoRoot, "src/main.ts"), "--target=bun", "--outfile", join(dir, "main.js")], { cwd: repoRoot, timeoutMs: 120_000 });
      const bundled = new Set<string>();
      for (const m of readFileSync(join(dir, "main.js"), "utf8").matchAll(/^\/\/ (node_modules\/\S+)$/gm)) {
        const parts = m[1]!.split("/");
        const names: string[] = [];
        for (let i = 0; parts[i] === "node_modules"; i += parts[i + 1]!.startsWith("@") ? 3 : 2) names.push(parts[i + 1]!.startsWith("@") ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1]!);
        bundled.add(names.join("/"));
      }
      expect(bundled.size).toBeGreaterThan(0);
      const npm = sbom().components.filter((c) => c.type === "library");
      const required = npm.filter((c) => c.scope === "required").map((c) => prop(c, "bun.lock:key")!).sort();
      expect(required).toEqual([...bundled].sort());
      for (const c of npm) {
        expect(prop(c, "bao-kms-provider:in-binary")).toBe(String(c.scope === "required"));
        if (c.scope !== "required") expect(c.scope).toBe("excluded");
      }
    }, 150_000);

    test("the Bun component is the runtime the binary reports, and the dependency graph starts at the application", async () => {
      const out = await must([get().binaries.x64!, "version"]);
      const bun = /^bun: (\S+)$/m.exec(out)?.[1];
      const s = sbom();
      const platform = s.components.filter((c) => c.type === "platform");
      expect(platform.map((c) => `${c.name}@${c.version}`)).toEqual([`bun@${bun}`]);
      const app = s.dependencies.find((d) => d.ref === `bao-kms-provider@${get().version}`)!;
      expect(app.dependsOn).toContain(`runtime:bun@${bun}`);
      expect(app.dependsOn.filter((r) => r.startsWith("npm:")).map((r) => r.slice(4, r.lastIndexOf("@"))).sort()).toEqual(Object.keys(pkg.dependencies).sort());
    });

    test("provenance: in-toto statement naming the commit, the command, bun.lock and every artefact's sha256", async () => {
      const a = get();
      const st = JSON.parse(readFileSync(a.provenance, "utf8")) as {
        _type: string;
        predicateType: string;
        subject: { name: string; digest: { sha256: string } }[];
        predicate: { buildDefinition: { externalParameters: { command: string; source: { digest: { gitCommit: string } } }; internalParameters: { SOURCE_DATE_EPOCH: number }; resolvedDependencies: { name?: string; digest?: Record<string, string> }[] } };
      };
      expect(st._type).toBe("https://in-toto.io/Statement/v1");
      expect(st.predicateType).toBe("https://slsa.dev/provenance/v1");
      // Every artefact in the output directory but the statement itself (and SHA256SUMS).
      const files = readdirSync(a.dir).filter((f) => f.startsWith("bao-kms-provider") && join(a.dir, f) !== a.provenance).sort();
      for (const f of [...Object.values(a.binaries), ...Object.values(a.debs), ...Object.values(a.rpms), a.sbom]) expect(files).toContain(basename(f!));
      expect(st.subject).toEqual(files.map((f) => ({ name: f, digest: { sha256: sha256(join(a.dir, f)) } })));
      const bd = st.predicate.buildDefinition;
      expect(bd.externalParameters.command).toBe("bun run package --arch all");
      expect(bd.externalParameters.source.digest.gitCommit).toBe(await builtCommit(a));
      expect(bd.internalParameters.SOURCE_DATE_EPOCH).toBe(a.epoch);
      expect(bd.resolvedDependencies).toContainEqual({ name: "bun.lock", digest: { sha256: sha256(join(repoRoot, "bun.lock")) } });
      // Both files are in SHA256SUMS, which sha256sum -c accepts.
      for (const f of [a.sbom, a.provenance]) expect(a.sums).toContain(`${sha256(f)}  ${basename(f)}\n`);
      expect((await sh(["sha256sum", "--strict", "-c", "SHA256SUMS"], { cwd: a.dir })).code).toBe(0);
      // Hashes every artefact twice (~0.5 GB with both binaries, packages and the image): 2.6–2.9 s
      // on a quiet 2-core machine, past bun's 5 s default once it is busy.
    }, 60_000);
  });
}
