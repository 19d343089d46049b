// Every socket-path case of the safe bind, each on its own temporary directory, through
// prepareSocketPath itself: unsafe parents and non-sockets are refused, a live socket is never
// taken, a dead one is removed exactly once, and anything indeterminate touches nothing.

import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { prepareSocketPath, SocketError, unixSocketBound, type SocketErrorKind, type SocketProbes } from "../../src/platform/unix-socket.ts";

const euid = process.geteuid?.() ?? 0;
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fresh 0700 directory owned by us. */
function tempDir(): string {
  const dir = mkdtempSync("/tmp/bkp-sock-");
  chmodSync(dir, 0o700);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function refusal(run: Promise<unknown>): Promise<SocketErrorKind> {
  try {
    await run;
  } catch (e) {
    if (e instanceof SocketError) return e.kind;
    throw e;
  }
  throw new Error("expected a SocketError, but the path was accepted");
}

function listen(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(path, () => resolve(server));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  });
}

/** Runs a python3 snippet that binds `path`, prints "ready" and keeps the socket until killed. */
async function python(code: string, path: string): Promise<void> {
  const p = Bun.spawn(["/usr/bin/python3", "-c", code, path], { stdout: "pipe", stderr: "inherit" });
  cleanups.push(async () => {
    p.kill("SIGKILL");
    await p.exited;
  });
  const reader = p.stdout.getReader();
  const first = await reader.read();
  reader.releaseLock();
  expect(new TextDecoder().decode(first.value)).toContain("ready");
}

/** Binds a stream socket at `path` and exits without unlinking it: a verifiably dead socket. */
async function deadSocket(path: string): Promise<void> {
  const p = Bun.spawn(["/usr/bin/python3", "-c", "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)", path]);
  expect(await p.exited).toBe(0);
  expect(lstatSync(path).isSocket()).toBe(true);
}

describe("the parent directory", () => {
  test("missing → refused", async () => {
    const dir = tempDir();
    expect(await refusal(prepareSocketPath(join(dir, "nope", "kms.sock")))).toBe("parent_missing");
  });

  test("a symlink (even to a safe directory) → refused", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "real"), { mode: 0o700 });
    symlinkSync(join(dir, "real"), join(dir, "link"));
    expect(await refusal(prepareSocketPath(join(dir, "link", "kms.sock")))).toBe("parent_unsafe");
  });

  test("not a directory → refused", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "file"), "x");
    expect(await refusal(prepareSocketPath(join(dir, "file", "kms.sock")))).toBe("parent_unsafe");
  });

  test("group-writable → refused", async () => {
    const dir = tempDir();
    chmodSync(dir, 0o770);
    expect(await refusal(prepareSocketPath(join(dir, "kms.sock")))).toBe("parent_unsafe");
  });

  test("world-writable → refused", async () => {
    const dir = tempDir();
    chmodSync(dir, 0o703);
    expect(await refusal(prepareSocketPath(join(dir, "kms.sock")))).toBe("parent_unsafe");
  });

  test.skipIf(euid !== 0)("owned by another user (chowned to nobody) → refused", async () => {
    const dir = tempDir();
    chownSync(dir, 65534, 65534);
    expect(await refusal(prepareSocketPath(join(dir, "kms.sock")))).toBe("parent_unsafe");
  });

  test("owned by another uid than the effective one (as passed in) → refused", async () => {
    const dir = tempDir();
    expect(await refusal(prepareSocketPath(join(dir, "kms.sock"), euid + 1))).toBe("parent_unsafe");
  });

  test("a safe parent (0700, 0750, setgid 2750) with no socket yet → accepted, nothing removed", async () => {
    for (const mode of [0o700, 0o750, 0o2750]) {
      const dir = tempDir();
      chmodSync(dir, mode);
      expect(await prepareSocketPath(join(dir, "kms.sock"))).toBe(false);
    }
  });
});

describe("an existing path", () => {
  test("a regular file → refused and left as it was", async () => {
    const dir = tempDir();
    const path = join(dir, "kms.sock");
    writeFileSync(path, "not a socket");
    expect(await refusal(prepareSocketPath(path))).toBe("path_not_socket");
    expect(readFileSync(path, "utf8")).toBe("not a socket");
  });

  test("a directory → refused", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "kms.sock"));
    expect(await refusal(prepareSocketPath(join(dir, "kms.sock")))).toBe("path_not_socket");
    expect(lstatSync(join(dir, "kms.sock")).isDirectory()).toBe(true);
  });

  test("a symlink to a socket → refused, never followed", async () => {
    const dir = tempDir();
    await deadSocket(join(dir, "real.sock"));
    symlinkSync(join(dir, "real.sock"), join(dir, "kms.sock"));
    expect(await refusal(prepareSocketPath(join(dir, "kms.sock")))).toBe("path_not_socket");
    expect(lstatSync(join(dir, "kms.sock")).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, "real.sock")).isSocket()).toBe(true);
  });

  test("a socket with a live listener → refused; it keeps serving", async () => {
    const dir = tempDir();
    const path = join(dir, "kms.sock");
    const server = await listen(path);
    expect(await refusal(prepareSocketPath(path))).toBe("socket_in_use");
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(server.listening).toBe(true);
  });

  test("a live listener whose accept backlog is full (Bun says ECONNREFUSED) → refused, not removed", async () => {
    const dir = tempDir();
    const path = join(dir, "kms.sock");
    // listen(0) and never accept; fill the backlog with non-blocking connects.
    await python(
      `import socket,sys,time
s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(0); held=[]
while True:
    c=socket.socket(socket.AF_UNIX); c.setblocking(False)
    try: c.connect(sys.argv[1]); held.append(c)
    except BlockingIOError: break
print("ready", flush=True); time.sleep(60)`,
      path,
    );
    expect(await refusal(prepareSocketPath(path))).toBe("socket_in_use");
    expect(lstatSync(path).isSocket()).toBe(true);
  });

  test("a datagram socket in use (connect fails, Bun says ECONNREFUSED) → refused, not removed", async () => {
    const dir = tempDir();
    const path = join(dir, "kms.sock");
    await python(`import socket,sys,time\ns=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); print("ready", flush=True); time.sleep(60)`, path);
    expect(await refusal(prepareSocketPath(path))).toBe("socket_in_use");
    expect(lstatSync(path).isSocket()).toBe(true);
  });

  test("a dead socket (ECONNREFUSED, no live socket bound) → removed once, returns true", async () => {
    const dir = tempDir();
    const path = join(dir, "kms.sock");
    writeFileSync(join(dir, "neighbour"), "untouched");
    await deadSocket(path);
    expect(await prepareSocketPath(path)).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(await prepareSocketPath(path)).toBe(false);
    expect(readFileSync(join(dir, "neighbour"), "utf8")).toBe("untouched");
  });
});

describe("anything indeterminate → refused, nothing touched", () => {
  const refusedWith = async (probes: SocketProbes) => {
    const dir = tempDir();
    const path = join(dir, "kms.sock");
    await deadSocket(path);
    const before = lstatSync(path);
    const kind = await refusal(prepareSocketPath(path, euid, probes));
    const after = lstatSync(path);
    expect(after.ino).toBe(before.ino);
    return kind;
  };

  test("the connect probe cannot tell (e.g. EACCES, timeout)", async () => {
    expect(await refusedWith({ connect: async () => "unknown", bound: () => false })).toBe("socket_state_unknown");
  });

  test("refused, but the kernel's socket table cannot be read", async () => {
    expect(await refusedWith({ connect: async () => "dead", bound: () => undefined })).toBe("socket_state_unknown");
  });

  test("refused, but the kernel still lists a socket bound there", async () => {
    expect(await refusedWith({ connect: async () => "dead", bound: () => true })).toBe("socket_in_use");
  });
});

describe("unixSocketBound (/proc/net/unix)", () => {
  const header = "Num       RefCount Protocol Flags    Type St Inode Path\n";
  const row = (flags: string, path: string) => `0000000000000000: 00000002 00000000 ${flags} 0001 01 12345 ${path}\n`;

  test("finds a listener, a connected or a datagram socket by exact path; ignores other paths", () => {
    const dir = tempDir();
    const path = join(dir, "kms.sock");
    expect(unixSocketBound(path, header + row("00010000", path))).toBe(true);
    expect(unixSocketBound(path, header + row("00000000", path))).toBe(true);
    expect(unixSocketBound(path, header + row("00010000", join(dir, "other.sock")) + row("00000000", ""))).toBe(false);
  });

  test("matches the same socket reached through a symlinked directory", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "real"), { mode: 0o700 });
    symlinkSync(join(dir, "real"), join(dir, "alias"));
    expect(unixSocketBound(join(dir, "real", "kms.sock"), header + row("00010000", join(dir, "alias", "kms.sock")))).toBe(true);
  });

  test("reads the live table: a listener we hold is listed", async () => {
    const dir = tempDir();
    const path = join(dir, "kms.sock");
    await listen(path);
    expect(unixSocketBound(path)).toBe(true);
    expect(unixSocketBound(join(dir, "absent.sock"))).toBe(false);
  });
});
