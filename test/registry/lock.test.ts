// The state lock: flock(2) held by one process at a time (a second one — here a real second
// process — is refused with a clear message), released by the kernel when the holder dies,
// and only on a safe lock file in a directory this user owns.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, chownSync, linkSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { acquireStateLock } from "../../src/registry/lock.ts";
import type { RegistryErrorKind } from "../../src/registry/types.ts";

const root = mkdtempSync("/tmp/bkp-lock-");
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function dir(mode = 0o750): string {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  chmodSync(d, mode);
  return d;
}

async function holder(statePath: string) {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "support", "lock-holder.ts"), statePath], { stdout: "pipe", stderr: "pipe" });
  const { value } = await child.stdout.getReader().read();
  expect(new TextDecoder().decode(value)).toBe("locked\n");
  return child;
}

async function refused(statePath: string, kind: RegistryErrorKind, text: string) {
  await expect(acquireStateLock(statePath)).rejects.toMatchObject({ kind, message: expect.stringContaining(text) });
}

test("a second process is refused while the first holds the lock; a killed holder frees it", async () => {
  const state = join(dir(), "key-registry.json");
  const child = await holder(state);
  try {
    await refused(state, "locked", "state is locked by another process");
    await refused(state, "locked", "is another bao-kms-provider serve");
  } finally {
    child.kill("SIGKILL");
    await child.exited;
  }
  const lock = await acquireStateLock(state);
  expect(statSync(`${state}.lock`).mode & 0o777).toBe(0o600);
  lock.release();
  lock.release(); // idempotent
});

test("within one process too, the lock is exclusive until released; the file stays", async () => {
  const state = join(dir(), "key-registry.json");
  const a = await acquireStateLock(state);
  // A second open file description conflicts even in the same process (flock semantics).
  await refused(state, "locked", "state is locked");
  a.release();
  const b = await acquireStateLock(state);
  b.release();
  expect(statSync(`${state}.lock`).isFile()).toBe(true);
});

test("unsafe lock files and directories are refused", async () => {
  const d1 = dir();
  symlinkSync(join(d1, "elsewhere"), join(d1, "key-registry.json.lock"));
  await refused(join(d1, "key-registry.json"), "permission", "is a symlink");

  const d2 = dir();
  writeFileSync(join(d2, "key-registry.json.lock"), "");
  chmodSync(join(d2, "key-registry.json.lock"), 0o644);
  await refused(join(d2, "key-registry.json"), "permission", "must have mode 0600");

  const d3 = dir();
  writeFileSync(join(d3, "key-registry.json.lock"), "", { mode: 0o600 });
  linkSync(join(d3, "key-registry.json.lock"), join(d3, "other-name"));
  await refused(join(d3, "key-registry.json"), "permission", "has 2 links");

  const d4 = dir();
  mkdirSync(join(d4, "key-registry.json.lock"));
  await refused(join(d4, "key-registry.json"), "io", "cannot open lock file");

  await refused(join(dir(0o770), "key-registry.json"), "permission", "must not be group- or world-writable");
  await refused("relative/key-registry.json", "permission", "must be absolute");
  await refused(join(root, "missing", "key-registry.json"), "permission", "does not exist");
});

test("a state directory owned by another user is refused with the fix in the message", async () => {
  if (process.geteuid?.() !== 0) return; // needs root to chown (CI runs as root)
  const d = dir();
  chownSync(d, 4242, 4242);
  await refused(join(d, "key-registry.json"), "permission", "run as the service user");
});

test("under MemoryDenyWriteExecute (no JIT) the lock cannot be taken, and that fails closed (why the unit sets MDWE=no)", async () => {
  const { mdwePrefix } = await import("../../scripts/package-mdwe.ts");
  const state = join(dir(), "key-registry.json");
  const child = Bun.spawn([...mdwePrefix("prctl"), process.execPath, join(import.meta.dir, "support", "lock-holder.ts"), state], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect(out).not.toContain("locked");
  expect(code).not.toBe(0);
  expect(err).toContain("refusing to run without the state lock");
});
