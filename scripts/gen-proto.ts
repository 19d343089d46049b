// Single regeneration command for src/gen: each proto set below → protobufjs static code
// (pbjs static-module, ES module) plus its types (pbts), using the CLIs in node_modules.
// `--check` regenerates into a temp dir and exits 1 if src/gen differs (stale, missing, extra).
// One post-process step (fixEmptyMapBytes) patches a known pbjs quirk; nothing else is edited.
// Never touches the network; any generator error → exit 1, src/gen untouched.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const genDir = join(root, "src/gen");
/** One generated module per set: its output directory under src/gen, and its proto files. */
const SETS: ReadonlyArray<{ readonly dir: string; readonly protos: readonly string[]; readonly bytesMaps: boolean }> = [
  // The KMS v2 service kube-apiserver calls (kms/grpc only).
  { dir: "kms/v2", protos: ["proto/kms/v2/api.proto"], bytesMaps: true },
  // etcd's KV.Range and KV.Put (src/etcd only).
  { dir: "etcd", protos: ["proto/etcd/kv.proto"], bytesMaps: false },
  // kube-apiserver's storage formats: the KMS v2 envelope and the objects recover renders.
  { dir: "k8s", protos: ["proto/k8s/storage.proto", "proto/k8s/objects.proto"], bytesMaps: true },
];

function fail(msg: string): never {
  console.error(`gen:proto: ${msg}`);
  process.exit(1);
}

function run(tool: string, args: string[]): void {
  const bin = join(root, "node_modules/.bin", tool);
  if (!existsSync(bin)) fail(`${bin} not found; run \`bun install\` first`);
  const r = Bun.spawnSync([bin, ...args], { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (!r.success) fail(`${tool} failed (exit ${r.exitCode ?? r.signalCode})`);
}

/**
 * pbjs decodes a map entry whose bytes value is absent (legal on the wire: map entry fields
 * are optional) to `[]`, a plain Array, although the types promise Uint8Array (protobuf.js
 * #1012); the core would read `byteLength` as undefined. Replace that default with an empty
 * buffer, exactly as the generated prototype defaults for bytes fields already do.
 */
function fixEmptyMapBytes(js: string): void {
  const src = readFileSync(js, "utf8");
  const pattern = /^(\s+)value = \[\];$/gm;
  const count = src.match(pattern)?.length ?? 0;
  if (count === 0) fail("post-process: pbjs no longer emits `value = [];` for bytes map values; re-check fixEmptyMapBytes");
  writeFileSync(js, src.replace(pattern, "$1value = $util.newBuffer([]);"));
}

/** Generates every set into `<base>/<dir>/api.{js,d.ts}`. Keeps comments: pbts builds the types from them. */
function generate(base: string): void {
  for (const set of SETS) {
    const dir = join(base, set.dir);
    mkdirSync(dir, { recursive: true });
    const js = join(dir, "api.js");
    // No create/verify/convert/delimited/service code: we only encode and decode messages.
    run("pbjs", ["-t", "static-module", "-w", "es6", "--no-create", "--no-verify", "--no-convert", "--no-delimited", "--no-service", "-o", js, ...set.protos]);
    if (set.bytesMaps) fixEmptyMapBytes(js);
    run("pbts", ["-o", join(dir, "api.d.ts"), js]);
    for (const f of ["api.js", "api.d.ts"]) {
      const p = join(dir, f);
      if (!existsSync(p) || statSync(p).size === 0) fail(`expected generated file missing or empty: ${p}`);
    }
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const check = process.argv.includes("--check");
const unknown = process.argv.slice(2).filter((a) => a !== "--check");
if (unknown.length) fail(`unknown argument(s): ${unknown.join(" ")} (usage: gen-proto.ts [--check])`);

const tmp = mkdtempSync(join(tmpdir(), "gen-proto-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true })); // also runs on fail()
const fresh = join(tmp, "gen");
generate(fresh);

if (!check) {
  rmSync(genDir, { recursive: true, force: true });
  cpSync(fresh, genDir, { recursive: true }); // a copy: /tmp may be another filesystem
  console.log(`gen:proto: regenerated src/gen (${listFiles(genDir).length} files)`);
  process.exit(0);
}

const a = listFiles(fresh);
const b = listFiles(genDir);
const problems: string[] = [];
for (const f of a) {
  if (!b.includes(f)) problems.push(`missing: src/gen/${f}`);
  else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(genDir, f)))) problems.push(`stale:   src/gen/${f}`);
}
for (const f of b) if (!a.includes(f)) problems.push(`extra:   src/gen/${f} (not produced from proto/)`);
if (problems.length) {
  console.error(problems.join("\n"));
  fail("src/gen is out of date with proto/; run `bun run gen:proto` and commit the result");
}
console.log(`gen:proto --check: src/gen is up to date (${a.length} files)`);
