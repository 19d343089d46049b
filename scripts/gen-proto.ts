// Single regeneration command for src/gen (proto/ -> protoc-gen-es, via the local buf in node_modules).
// `--check` regenerates into a temp dir and exits 1 if src/gen differs (stale, missing or extra files).
// Guarantees: never touches the network, never half-succeeds silently (any buf error -> exit != 0).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const GEN_DIR = "src/gen";
const EXPECTED = ["kms/v2/api_pb.ts"]; // must exist after generation (relative to src/gen)

function fail(msg: string): never {
  console.error(`gen:proto: ${msg}`);
  process.exit(1);
}

function runBuf(outBase: string | null): void {
  const buf = join(root, "node_modules/.bin/buf");
  if (!existsSync(buf)) fail(`${buf} not found; run \`bun install\` first`);
  const args = [buf, "generate", "--template", "buf.gen.yaml", ...(outBase ? ["-o", outBase] : [])];
  // protoc-gen-es is resolved by buf from PATH: make sure the local one is found first.
  const env = { ...process.env, PATH: `${join(root, "node_modules/.bin")}:${process.env.PATH ?? ""}` };
  const r = Bun.spawnSync(args, { cwd: root, env, stdout: "inherit", stderr: "inherit" });
  if (!r.success) fail(`buf generate failed (exit ${r.exitCode ?? r.signalCode})`);
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

function verify(genDir: string): void {
  for (const f of EXPECTED) {
    const p = join(genDir, f);
    if (!existsSync(p) || statSync(p).size === 0) fail(`expected generated file missing or empty: ${p}`);
  }
}

const check = process.argv.includes("--check");
const unknown = process.argv.slice(2).filter((a) => a !== "--check");
if (unknown.length) fail(`unknown argument(s): ${unknown.join(" ")} (usage: gen-proto.ts [--check])`);

if (!check) {
  runBuf(null);
  verify(join(root, GEN_DIR));
  console.log(`gen:proto: regenerated ${GEN_DIR} (${listFiles(join(root, GEN_DIR)).length} files)`);
  process.exit(0);
}

const tmp = mkdtempSync(join(tmpdir(), "gen-proto-check-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true })); // also runs on fail()
{
  runBuf(tmp);
  const fresh = join(tmp, GEN_DIR);
  const current = join(root, GEN_DIR);
  verify(fresh);
  const a = listFiles(fresh);
  const b = listFiles(current);
  const problems: string[] = [];
  for (const f of a) {
    if (!b.includes(f)) problems.push(`missing: ${GEN_DIR}/${f}`);
    else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(current, f)))) problems.push(`stale:   ${GEN_DIR}/${f}`);
  }
  for (const f of b) if (!a.includes(f)) problems.push(`extra:   ${GEN_DIR}/${f} (not produced from proto/)`);
  if (problems.length) {
    console.error(problems.join("\n"));
    fail(`${GEN_DIR} is out of date with proto/; run \`bun run gen:proto\` and commit the result`);
  }
  console.log(`gen:proto --check: ${GEN_DIR} is up to date (${a.length} files)`);
}
