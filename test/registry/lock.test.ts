// The state lock: flock(2) through bun:ffi, exclusive across processes (a child Bun process
// holds it), released by the kernel when the holder dies, and the lock file checks of §4.7.

import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, linkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { acquireStateLock } from "../../src/registry/store/lock.ts";
import { failure, tempDir, type TempDir } from "./helpers.ts";

let t: TempDir;
afterEach(() => t?.cleanup());

const child = join(import.meta.dir, "children", "hold-lock.ts");

interface Holder {
  readonly proc: Bun.Subprocess<"pipe", "pipe", "inherit">;
  /** The next line the child prints. */
  line(): Promise<string>;
}

function spawnHolder(statePath: string): Holder {
  const proc = Bun.spawn([process.execPath, child, statePath], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  let buffered = "";
  return {
    proc,
    async line() {
      for (;;) {
        const nl = buffered.indexOf("\n");
        if (nl >= 0) {
          const l = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          return l;
        }
        const { value, done } = await reader.read();
        if (done) return buffered === "" ? "<eof>" : buffered;
        buffered += new TextDecoder().decode(value);
      }
    },
  };
}

describe("across processes", () => {
  test("a second process is refused with a clear message while a child holds the lock", async () => {
    t = tempDir();
    const h = spawnHolder(t.statePath);
    try {
      expect(await h.line()).toBe("held");
      const e = await failure(acquireStateLock(t.statePath));
      expect(e.kind).toBe("locked");
      expect(e.message).toContain("state is locked by another process (key-registry.json.lock in");
      expect(e.message).toContain("is another bao-kms-provider serve");
    } finally {
      h.proc.kill("SIGKILL");
      await h.proc.exited;
    }
  });

  test("the lock is released when the holder is killed (SIGKILL): the next acquire succeeds", async () => {
    t = tempDir();
    const h = spawnHolder(t.statePath);
    expect(await h.line()).toBe("held");
    expect((await failure(acquireStateLock(t.statePath))).kind).toBe("locked");
    h.proc.kill("SIGKILL");
    await h.proc.exited;
    const lock = await acquireStateLock(t.statePath);
    lock.release();
  });

  test("the lock is released on a normal exit after release()", async () => {
    t = tempDir();
    const h = spawnHolder(t.statePath);
    expect(await h.line()).toBe("held");
    h.proc.stdin.end();
    expect(await h.line()).toBe("released");
    expect(await h.proc.exited).toBe(0);
    (await acquireStateLock(t.statePath)).release();
  });

  test("a child is refused while this process holds the lock, and gets it after release", async () => {
    t = tempDir();
    const lock = await acquireStateLock(t.statePath);
    const refused = spawnHolder(t.statePath);
    expect(await refused.line()).toBe("error locked");
    await refused.proc.exited;
    lock.release();
    const h = spawnHolder(t.statePath);
    expect(await h.line()).toBe("held");
    h.proc.kill("SIGKILL");
    await h.proc.exited;
  });
});

describe("in one process", () => {
  test("a second acquire (another open file description) is refused; release is idempotent; the file stays, 0600", async () => {
    t = tempDir();
    const a = await acquireStateLock(t.statePath);
    expect((await failure(acquireStateLock(t.statePath))).kind).toBe("locked");
    a.release();
    a.release();
    const lockPath = `${t.statePath}.lock`;
    expect(existsSync(lockPath)).toBe(true);
    expect(statSync(lockPath).mode & 0o777).toBe(0o600);
    (await acquireStateLock(t.statePath)).release();
  });
});

describe("lock file and directory checks", () => {
  test("relative state path → permission", async () => {
    expect((await failure(acquireStateLock("state/key-registry.json"))).kind).toBe("permission");
  });

  test("lock file with group/other bits → permission", async () => {
    t = tempDir();
    writeFileSync(`${t.statePath}.lock`, "");
    chmodSync(`${t.statePath}.lock`, 0o640);
    const e = await failure(acquireStateLock(t.statePath));
    expect(e.kind).toBe("permission");
    expect(e.message).toContain("mode 0600");
  });

  test("lock file is a symlink → permission (the target is not created)", async () => {
    t = tempDir();
    symlinkSync(join(t.dir, "elsewhere"), `${t.statePath}.lock`);
    const e = await failure(acquireStateLock(t.statePath));
    expect(e.kind).toBe("permission");
    expect(existsSync(join(t.dir, "elsewhere"))).toBe(false);
  });

  test("lock file with a second hard link → permission", async () => {
    t = tempDir();
    writeFileSync(`${t.statePath}.lock`, "");
    chmodSync(`${t.statePath}.lock`, 0o600);
    linkSync(`${t.statePath}.lock`, join(t.dir, "other-name"));
    const e = await failure(acquireStateLock(t.statePath));
    expect(e.kind).toBe("permission");
    expect(e.message).toContain("2 links");
  });

  // chown to another uid needs root; reported as skipped otherwise.
  test.skipIf(process.geteuid?.() !== 0)("lock file owned by another user → permission", async () => {
    t = tempDir();
    writeFileSync(`${t.statePath}.lock`, "");
    chmodSync(`${t.statePath}.lock`, 0o600);
    chownSync(`${t.statePath}.lock`, 4321, 4321);
    const e = await failure(acquireStateLock(t.statePath));
    expect(e.kind).toBe("permission");
    expect(e.message).toContain("owned by uid 4321");
  });

  test.skipIf(process.geteuid?.() !== 0)("state directory owned by another user → permission", async () => {
    t = tempDir();
    chownSync(t.dir, 4321, 4321);
    const e = await failure(acquireStateLock(t.statePath));
    expect(e.kind).toBe("permission");
    expect(e.message).toContain("owned by uid 4321");
  });

  test("group-writable state directory → permission", async () => {
    t = tempDir();
    chmodSync(t.dir, 0o770);
    expect((await failure(acquireStateLock(t.statePath))).kind).toBe("permission");
  });

  test("missing state directory → permission, nothing created", async () => {
    t = tempDir();
    const e = await failure(acquireStateLock(join(t.dir, "nope", "key-registry.json")));
    expect(e.kind).toBe("permission");
    expect(existsSync(join(t.dir, "nope"))).toBe(false);
  });
});

test("under MemoryDenyWriteExecute (no JIT, so no bun:ffi) the lock cannot be taken and that fails closed: why the unit sets MDWE=no", async () => {
  const { mdwePrefix } = await import("../../scripts/package-mdwe.ts");
  t = tempDir();
  const proc = Bun.spawn([...mdwePrefix("prctl"), process.execPath, child, t.statePath], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  proc.stdin.end();
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  expect(out).toBe("error io\n");
  expect(existsSync(`${t.statePath}.lock`)).toBe(false);
  // The operator is told the real cause, not "cannot load the C library".
  const direct = Bun.spawn([...mdwePrefix("prctl"), process.execPath, "-e", `import { acquireStateLock } from ${JSON.stringify(join(import.meta.dir, "../../src/registry/store/lock.ts"))}; acquireStateLock(${JSON.stringify(t.statePath)}).catch((e) => { console.log(e.message); process.exit(3); });`], { stdout: "pipe", stderr: "pipe" });
  const message = await new Response(direct.stdout).text();
  expect(await direct.exited).toBe(3);
  expect(message).toContain("needs the JavaScript JIT: remove MemoryDenyWriteExecute=yes");
});
