// Builds the single executable: `bun run build [--target x64|arm64|all] [--outdir dist]`.
// Version, commit and build date are baked in; the date comes from SOURCE_DATE_EPOCH or the
// commit time, so two builds of one commit are identical. Never strip the output.

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import pkg from "../package.json" with { type: "json" };

const targets = { x64: "bun-linux-x64", arm64: "bun-linux-arm64" } as const;
type Arch = keyof typeof targets;

function git(args: string[]): string | undefined {
  const r = Bun.spawnSync(["git", ...args], { stderr: "ignore" });
  return r.exitCode === 0 ? r.stdout.toString().trim() : undefined;
}

export function buildIdentity() {
  const commit = git(["rev-parse", "HEAD"]) ?? "unknown";
  const epoch = process.env.SOURCE_DATE_EPOCH ?? git(["log", "-1", "--format=%ct"]) ?? "0";
  return { version: pkg.version, commit, buildDate: new Date(Number(epoch) * 1000).toISOString() };
}

/** The arch this machine runs: the default target, and the one that gets the plain name. */
export const hostArch: Arch = process.arch === "arm64" ? "arm64" : "x64";

/** Output path of the binary for an arch; the host arch gets the plain name. */
export function binaryPath(outdir: string, arch: Arch): string {
  return resolve(outdir, arch === hostArch ? "bao-kms-provider" : `bao-kms-provider-linux-${arch}`);
}

/** metafile: also write `bun build --metafile` (the modules compiled in) to that path. */
export async function build(arch: Arch, outdir = "dist", metafile?: string): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  const id = buildIdentity();
  const out = binaryPath(outdir, arch);
  const define = (name: string, value: string) => ["--define", `${name}=${JSON.stringify(value)}`];
  const args = [
    "build", "src/main.ts", "--compile", "--bytecode", "--minify",
    "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig",
    `--target=${targets[arch]}`, "--outfile", out,
    ...define("BAO_KMS_BUILD_VERSION", id.version),
    ...define("BAO_KMS_BUILD_COMMIT", id.commit),
    ...define("BAO_KMS_BUILD_DATE", id.buildDate),
    // Bun inlines the build machine's absolute path for CommonJS __dirname (grpc-js uses it only
    // to find channelz/orca .proto files, which we never load): pin it so a build does not
    // depend on where the checkout lives (docs/packaging.md, "Reproducible builds").
    ...define("__dirname", "/$bunfs/root"),
    ...define("__filename", "/$bunfs/root/bao-kms-provider"),
    ...(metafile === undefined ? [] : [`--metafile=${metafile}`]),
  ];
  const r = Bun.spawnSync([process.execPath, ...args], { stdout: "inherit", stderr: "inherit" });
  if (r.exitCode !== 0) throw new Error(`bun build failed for ${arch} (exit ${r.exitCode})`);
  return out;
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const t = argv.includes("--target") ? argv[argv.indexOf("--target") + 1] : hostArch;
  const outdir = argv.includes("--outdir") ? (argv[argv.indexOf("--outdir") + 1] ?? "dist") : "dist";
  const metafile = argv.includes("--metafile") ? argv[argv.indexOf("--metafile") + 1] : undefined;
  const arches: Arch[] = t === "all" ? ["x64", "arm64"] : t === "x64" || t === "arm64" ? [t] : [];
  if (arches.length === 0 || (metafile !== undefined && arches.length !== 1)) {
    console.error(arches.length === 0 ? `unknown --target ${t}: expected x64, arm64 or all` : "--metafile needs a single --target");
    process.exit(2);
  }
  for (const a of arches) console.log(await build(a, outdir, metafile));
}
