// Installs the amd64 .deb on this machine (root, CI) and checks the result as an operator would:
// users and groups, the directory layout of docs/design.md, the unit (`systemd-analyze verify`
// prints nothing), `install systemd --root` giving the same layout; then runs the installed
// binary as openbao-kms inside the unit's sandbox as far as it can be rebuilt without systemd
// (file system view, syscall filter, and MemoryDenyWriteExecute if the unit sets it;
// test/packaging/sandbox.ts) against
// the emulator with the installed paths: it serves on /run/openbao-kms/kms.sock, a member of
// openbao-kms-socket can use it, others cannot, nobody but the service reads the config or the
// JWT, and it restarts after a SIGKILL. Then dpkg --remove keeps config and state, dpkg --purge
// removes them, and the bare binary's `install systemd` on the host gives dpkg's layout again.
// Serialised by a lock file that records the machine's state before the run; afterAll (or the
// next run, if this one was killed) purges and puts back whatever it changed.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, copyFileSync, chmodSync, chownSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, rmdirSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Artifacts } from "../../../scripts/package.ts";
import { debDocExtras } from "../../../scripts/package-deb.ts";
import { packageOnlyPaths } from "../../../scripts/package-extras.ts";
import { repoRoot } from "../../../scripts/package-meta.ts";
import { startEmulator, type Emulator } from "../../support/emulator/server.ts";
import { captureProviderLines, describeLeaks, findLeaks, registerSecret } from "../../helpers/log-capture.ts";
import { alive, must, octal, sh, workDir } from "../artifacts.ts";
import { parseUnit, sandboxPrefix, unitMountScript, unitSyscalls } from "../sandbox.ts";
import { designLayout, walk } from "./install-cli.ts";
import { binaryPath, docDir, systemFiles } from "../../../src/install/layout.ts";

const lockFile = "/run/lock/bao-kms-provider-packaging-test.lock";
const bin = "/usr/bin/bao-kms-provider";
const unitPath = "/usr/lib/systemd/system/bao-kms-provider.service";
const socketPath = "/run/openbao-kms/kms.sock";
const configPath = "/etc/openbao-kms/config.toml";
const jwtPath = "/var/lib/openbao-kms/identity.jwt";
const caPath = "/etc/openbao-kms/tls/ca.crt";
const nobody = 65534;

interface Before {
  users: Record<string, boolean>;
  groups: Record<string, boolean>;
  run?: { mode: number; uid: number; gid: number };
}

const getent = async (db: "passwd" | "group", name: string) => {
  const r = await sh(["getent", db, name]);
  return r.code === 0 ? r.stdout.trim().split(":") : undefined;
};
const pkgStatus = async () => (await sh(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}", "bao-kms-provider"])).stdout.trim();

/** Runs argv as uid/gid with exactly `groups` as supplementary groups, no privileges. */
const as = (uid: number | string, gid: number | string, groups: Array<number | string> | "init", argv: string[]) => [
  "setpriv", `--reuid=${uid}`, `--regid=${gid}`, ...(groups === "init" ? ["--init-groups"] : groups.length === 0 ? ["--clear-groups"] : [`--groups=${groups.join(",")}`]),
  "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--", ...argv,
];
/** `test -r/-w/-x PATH` as someone: the answer only, never the file's content. */
const canAccess = async (who: string[], flag: "-r" | "-w" | "-x", path: string) => (await sh([...who, "/bin/sh", "-c", `test ${flag} '${path}'`])).code === 0;

/** The installed files (binary, unit, ...) as the layout table names them, for clean-up and comparison. */
const installedFiles = [binaryPath, ...systemFiles.map((f) => f.path)];

/** "path type mode user:group sha256" for each path, owners by name (IDs may differ between installs). */
async function snapshot(paths: readonly string[]): Promise<string[]> {
  const out = await must(["stat", "-c", "%n %F %a %U:%G", ...paths]);
  const sums = new Map((await must(["sha256sum", ...paths.filter((p) => lstatSync(p).isFile())])).trim().split("\n").map((l) => [l.slice(66), l.slice(0, 64)] as const));
  return out.trim().split("\n").map((l) => `${l} ${sums.get(l.split(" ")[0]!) ?? "-"}`);
}

/** What the lock file holds: its owner, and once known, the machine's state before the test. */
interface Lock {
  pid: number;
  before?: Before;
  /** The provider the run started (so a later run can end exactly that process). */
  provider?: number;
}

function writeLock(lock: Lock, flag: "wx" | "w"): void {
  const fd = openSync(lockFile, flag, 0o644);
  try {
    writeSync(fd, JSON.stringify(lock));
  } finally {
    closeSync(fd);
  }
}

/** Purges the package whatever its state, then undoes what the purge keeps (users, groups, /run). */
async function restore(before: Before): Promise<void> {
  if ((await pkgStatus()) !== "") await sh(["dpkg", "--purge", "bao-kms-provider"], { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", DEBIAN_FRONTEND: "noninteractive" } });
  rmSync("/etc/openbao-kms", { recursive: true, force: true });
  rmSync("/var/lib/openbao-kms", { recursive: true, force: true });
  rmSync(socketPath, { force: true });
  // What `install systemd` (no package manager) put there; none of it existed before the run.
  for (const f of installedFiles) rmSync(f, { force: true });
  rmSync(docDir, { recursive: true, force: true });
  if (!before.users["openbao-kms"] && (await getent("passwd", "openbao-kms"))) await sh(["userdel", "openbao-kms"]);
  for (const g of ["openbao-kms-socket", "openbao-kms"]) if (!before.groups[g] && (await getent("group", g))) await sh(["groupdel", g]);
  if (before.run) {
    if (existsSync("/run/openbao-kms")) {
      chownSync("/run/openbao-kms", before.run.uid, before.run.gid);
      chmodSync("/run/openbao-kms", before.run.mode);
    }
  } else if (existsSync("/run/openbao-kms") && readdirSync("/run/openbao-kms").length === 0) {
    rmdirSync("/run/openbao-kms");
  }
}

export function systemInstallSuite(get: () => Artifacts): void {
  describe("dpkg -i on this machine, the service user, dpkg --remove and --purge", () => {
    let before: Before | undefined;
    let locked = false;
    let emu: Emulator | undefined;
    let provider: ReturnType<typeof Bun.spawn> | undefined;
    const output: string[] = [];
    let ids: { uid: number; gid: number; socketGid: number } | undefined;
    let dpkgLayout: string[] = [];

    /**
     * Starts the installed binary as the unit would: in its own mount namespace with the unit's
     * file system view (read-only but ReadWritePaths, private /tmp, /proc hidepid), as openbao-kms
     * with its groups, no privileges, systemd's environment for a User= service, UMask, the
     * syscall allow-list and MDWE when the unit sets it. Waits for serve.ready, then checks the socket and the process.
     */
    async function startService(): Promise<void> {
      const unitText = readFileSync(unitPath, "utf8");
      const allowed = await unitSyscalls(unitText);
      const env = ["HOME=/var/lib/openbao-kms", "USER=openbao-kms", "LOGNAME=openbao-kms", "SHELL=/usr/sbin/nologin", "PATH=/usr/bin:/bin"];
      const argv = [
        "unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", unitMountScript(unitText), "sh",
        ...as("openbao-kms", "openbao-kms", "init", ["/usr/bin/env", "-i", ...env, "/bin/sh", "-c", 'umask 0027 && exec "$@"', "sh", ...sandboxPrefix(allowed, parseUnit(unitText).get("Service.MemoryDenyWriteExecute")?.[0] === "yes"), bin, "serve", "--config", configPath]),
      ];
      const start = output.length;
      provider = Bun.spawn(argv, { cwd: "/", stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" } });
      writeLock({ pid: process.pid, before, provider: provider.pid }, "w");
      const pump = async (st: ReadableStream<Uint8Array>) => {
        for await (const chunk of st) output.push(...new TextDecoder().decode(chunk).split("\n").filter(Boolean));
      };
      void pump(provider.stdout as ReadableStream<Uint8Array>);
      void pump(provider.stderr as ReadableStream<Uint8Array>);
      const deadline = performance.now() + 20_000;
      while (!output.slice(start).some((l) => l.includes('"serve.ready"'))) {
        if (provider.exitCode !== null || performance.now() > deadline) throw new Error(`the provider did not start (exit ${provider.exitCode}):\n${output.join("\n")}`);
        await Bun.sleep(20);
      }
      const st = lstatSync(socketPath);
      expect(`${st.isSocket()} ${octal(st.mode & 0o7777)} ${st.uid}:${st.gid}`).toBe(`true 0660 ${ids!.uid}:${ids!.socketGid}`);
      const status = readFileSync(`/proc/${provider.pid}/status`, "utf8");
      expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe(String(ids!.uid));
      expect(/^NoNewPrivs:\s+(\d)/m.exec(status)?.[1]).toBe("1");
      expect(/^Seccomp:\s+(\d)/m.exec(status)?.[1]).toBe("2");
      expect(/^CapEff:\s+(\w+)/m.exec(status)?.[1]).toBe("0000000000000000");
      // It really runs read-only outside ReadWritePaths: its mount namespace says so.
      const mounts = readFileSync(`/proc/${provider.pid}/mounts`, "utf8").split("\n").map((l) => l.split(" "));
      expect(mounts.find((m) => m[1] === "/")?.[3]?.split(",")[0]).toBe("ro");
      expect(mounts.find((m) => m[1] === "/run/openbao-kms")?.[3]?.split(",")[0]).toBe("rw");
    }

    beforeAll(async () => {
      expect(process.getuid?.()).toBe(0); // dpkg -i needs root: CI runs as root
      mkdirSync("/run/lock", { recursive: true });
      let stale: Lock | undefined;
      try {
        writeLock({ pid: process.pid }, "wx");
      } catch {
        stale = JSON.parse(readFileSync(lockFile, "utf8")) as Lock;
        if (alive(stale.pid)) throw new Error(`another packaging test (pid ${stale.pid}) holds ${lockFile}`);
        writeLock({ pid: process.pid }, "w");
      }
      locked = true;
      // A run that died mid-way (killed, timed out) left its lock with what the machine was like
      // before it: finish its clean-up first, and keep that record as this run's.
      if (stale?.before) {
        if (stale.provider !== undefined && alive(stale.provider) && readFileSync(`/proc/${stale.provider}/cmdline`, "utf8").startsWith(bin)) process.kill(stale.provider, "SIGKILL");
        await restore(stale.before);
      }
      captureProviderLines(output); // the run-wide redaction check reads the provider's log too
      // Never clobber a real installation or real config on the machine.
      expect(await pkgStatus()).not.toMatch(/^[ir]/);
      for (const p of ["/etc/openbao-kms", "/var/lib/openbao-kms", docDir, ...installedFiles]) expect(`${p} ${existsSync(p)}`).toBe(`${p} false`);
      const run = lstatSync("/run/openbao-kms", { throwIfNoEntry: false });
      before = stale?.before ?? {
        users: { "openbao-kms": (await getent("passwd", "openbao-kms")) !== undefined },
        groups: {
          "openbao-kms": (await getent("group", "openbao-kms")) !== undefined,
          "openbao-kms-socket": (await getent("group", "openbao-kms-socket")) !== undefined,
        },
        run: run ? { mode: run.mode & 0o7777, uid: run.uid, gid: run.gid } : undefined,
      };
      writeLock({ pid: process.pid, before }, "w");
    });

    afterAll(async () => {
      if (provider && provider.exitCode === null) {
        provider.kill("SIGKILL");
        await provider.exited;
      }
      await emu?.stop();
      if (!locked) return;
      if (before !== undefined) await restore(before);
      rmSync(lockFile, { force: true });
    });

    test("dpkg -i: installs, creates users and directories, enables and starts nothing", async () => {
      const r = await sh(["dpkg", "-i", get().debs.x64!], { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", DEBIAN_FRONTEND: "noninteractive" }, timeoutMs: 120_000 });
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain("warning");
      expect(r.stderr).toContain("bao-kms-provider: installed, not enabled and not started.");
      expect(await pkgStatus()).toBe("ii");
      // Not enabled: no symlink to the unit anywhere under /etc/systemd; not started: no process.
      const links = existsSync("/etc/systemd/system") ? walk("/etc/systemd/system").filter((p) => p.endsWith("/bao-kms-provider.service")) : [];
      expect(links).toEqual([]);
      const running = readdirSync("/proc").filter((p) => /^[0-9]+$/.test(p)).filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, "utf8").startsWith(bin);
        } catch {
          return false;
        }
      });
      expect(running).toEqual([]);
    }, 120_000);

    test("users and groups: openbao-kms (nologin, home /var/lib/openbao-kms) is the only member of openbao-kms-socket", async () => {
      const user = await getent("passwd", "openbao-kms");
      const group = await getent("group", "openbao-kms");
      const socketGroup = await getent("group", "openbao-kms-socket");
      expect(user).toBeDefined();
      expect(group).toBeDefined();
      expect(socketGroup).toBeDefined();
      const [, , uid, gid, , home, shell] = user!;
      expect(`${home} ${shell}`).toBe("/var/lib/openbao-kms /usr/sbin/nologin");
      expect(gid).toBe(group![2]);
      expect(Number(uid)).toBeLessThan(1000); // a system user
      expect(socketGroup![3]).toBe("openbao-kms");
      expect((await must(["id", "-nG", "openbao-kms"])).trim().split(" ").sort()).toEqual(["openbao-kms", "openbao-kms-socket"]);
      ids = { uid: Number(uid), gid: Number(gid), socketGid: Number(socketGroup![2]) };
    });

    test("the layout of docs/design.md, root-owned package files, the unit from packaging/", async () => {
      const owner: Record<string, number> = { root: 0, "openbao-kms": ids!.uid };
      const group: Record<string, number> = { root: 0, "openbao-kms": ids!.gid, "openbao-kms-socket": ids!.socketGid };
      for (const [path, o, g, mode] of designLayout) {
        const st = lstatSync(path);
        expect(`${path} ${st.isDirectory()} ${octal(st.mode & 0o7777)} ${st.uid}:${st.gid}`).toBe(`${path} true ${octal(mode)} ${owner[o]}:${group[g]}`);
      }
      const b = statSync(bin);
      expect(`${octal(b.mode & 0o7777)} ${b.uid}:${b.gid}`).toBe("0755 0:0");
      expect(readFileSync(unitPath, "utf8")).toBe(readFileSync(join(repoRoot, "packaging/systemd/bao-kms-provider.service"), "utf8"));
      // No config is shipped: the operator writes it.
      expect(existsSync(configPath)).toBe(false);
      dpkgLayout = await snapshot([...installedFiles, ...designLayout.map(([d]) => d)]);
    });

    test("systemd-analyze verify on the installed unit prints nothing", async () => {
      const r = await sh(["systemd-analyze", "verify", unitPath]);
      expect(r.stdout + r.stderr).toBe("");
      expect(r.code).toBe(0);
    });

    test("install systemd --root with the installed binary gives the same files, owners and modes as dpkg", async () => {
      const root = workDir("same-as-dpkg");
      mkdirSync(join(root, "etc"));
      copyFileSync("/etc/passwd", join(root, "etc/passwd"));
      copyFileSync("/etc/group", join(root, "etc/group"));
      const r = await sh([bin, "install", "systemd", "--root", root]);
      expect(r.code).toBe(0);
      const listed = (await must(["dpkg-query", "-L", "bao-kms-provider"])).trim().split("\n");
      const files = listed.filter((p) => lstatSync(p).isFile() && !debDocExtras.includes(p) && !packageOnlyPaths.includes(p));
      expect(files.length).toBeGreaterThanOrEqual(7);
      const describe = (base: string, p: string) => {
        const st = lstatSync(join(base, p));
        return `${p} ${st.isDirectory() ? "dir" : "file"} ${octal(st.mode & 0o7777)} ${st.uid}:${st.gid} ${st.isFile() ? Bun.hash(readFileSync(join(base, p))).toString(16) : ""}`;
      };
      for (const p of [...files, ...designLayout.map(([d]) => d)]) expect(describe(root, p)).toBe(describe("/", p));
    }, 60_000);

    test("the installed binary serves as openbao-kms on /run/openbao-kms/kms.sock (0660, openbao-kms-socket), under the unit's syscall filter", async () => {
      emu = await startEmulator();
      emu.setDisableUpsert(true); // the operator's setup (OpenBao's default is false; serve refuses upsert)
      const jwt = emu.mintJwt();
      registerSecret(jwt);
      writeFileSync(caPath, readFileSync(emu.caFile));
      chmodSync(caPath, 0o644);
      writeFileSync(jwtPath, jwt + "\n");
      chownSync(jwtPath, 0, ids!.gid);
      chmodSync(jwtPath, 0o640);
      writeFileSync(configPath, `config_version = "v1"

[server]
socket_path = "${socketPath}"
socket_mode = "0660"
socket_group = "openbao-kms-socket"
metrics_address = "127.0.0.1:0"
health_address = "127.0.0.1:0"

[openbao]
address = "${emu.url}"
ca_cert_file = "${caPath}"
tls_server_name = "${emu.serverName}"
timeout = "2s"
instance_id = "packaging-test"

[auth]
method = "jwt"

[auth.jwt]
source = "file"
mount_path = "${emu.jwtMount}"
role = "${emu.jwtRole}"
jwt_file = "${jwtPath}"

[transit]
mount_path = "transit"
key_name = "kubernetes"

[transit.key_id_scope]
provider_name = "openbao-kms"
cluster_id = "packaging-test"
transit_mount_id = "${emu.mountUuid("transit")}"
key_lineage_id = "0123456789abcdef0123456789abcdef"

[logging]
level = "info"
format = "json"
`);
      chownSync(configPath, 0, ids!.gid);
      chmodSync(configPath, 0o640);

      const service = (argv: string[]) => as("openbao-kms", "openbao-kms", "init", argv);
      const check = await sh(service([bin, "config", "check", "--config", configPath]));
      expect(`${check.code} ${check.stdout}${check.stderr}`).toMatch(/^0 /);
      await startService();
      expect(findLeaks(output).map((l) => describeLeaks([l]))).toEqual([]);
    }, 60_000);

    test("a member of openbao-kms-socket can use the socket; a non-member cannot; neither reads the config, JWT or state", async () => {
      const member = as(nobody, nobody, [ids!.socketGid], []);
      const stranger = as(nobody, nobody, [], []);
      const ok = await sh([...member, bin, "probe", "--socket", socketPath], { timeoutMs: 30_000 });
      expect(`${ok.code} ${ok.stdout}${ok.stderr}`).toMatch(/^0 /);
      const denied = await sh([...stranger, bin, "probe", "--socket", socketPath], { timeoutMs: 30_000 });
      expect(denied.code).toBe(4);
      expect(denied.stdout).toContain("[fail] socket.path: socket exists - permission denied reaching /run/openbao-kms/kms.sock");
      // The kernel's answer to a bare connect(): allowed for the member, EACCES for the stranger.
      const connect = ["/usr/bin/python3", "-c", `import socket, sys\ns = socket.socket(socket.AF_UNIX)\ntry:\n    s.connect("${socketPath}")\nexcept OSError as e:\n    sys.exit("errno %d" % e.errno)`];
      expect((await sh([...member, ...connect])).stderr).toBe("");
      expect((await sh([...stranger, ...connect])).stderr.trim()).toBe("errno 13");
      for (const who of [member, stranger]) {
        expect(await canAccess(who, "-r", configPath)).toBe(false);
        expect(await canAccess(who, "-r", jwtPath)).toBe(false);
        expect(await canAccess(who, "-x", "/var/lib/openbao-kms/state")).toBe(false);
        expect(await canAccess(who, "-w", "/run/openbao-kms")).toBe(false);
      }
      // The service user reads both, writes state, cannot change its config or its JWT.
      const svc = as("openbao-kms", "openbao-kms", "init", []);
      expect(await canAccess(svc, "-r", configPath)).toBe(true);
      expect(await canAccess(svc, "-r", jwtPath)).toBe(true);
      expect(await canAccess(svc, "-w", "/var/lib/openbao-kms/state")).toBe(true);
      expect(await canAccess(svc, "-w", configPath)).toBe(false);
      expect(await canAccess(svc, "-w", jwtPath)).toBe(false);
      expect(await canAccess(svc, "-w", "/etc/openbao-kms")).toBe(false);
    }, 60_000);

    test("after a crash (SIGKILL leaves the socket behind) it starts again in the same sandbox: the stale socket is removed", async () => {
      provider!.kill("SIGKILL");
      await provider!.exited;
      expect(lstatSync(socketPath).isSocket()).toBe(true);
      await startService();
      expect(output.some((l) => l.includes('"socket.stale_removed"'))).toBe(true);
      const ok = await sh([...as(nobody, nobody, [ids!.socketGid], []), bin, "probe", "--socket", socketPath], { timeoutMs: 30_000 });
      expect(ok.code).toBe(0);
    }, 60_000);

    test("SIGTERM stops it cleanly and removes the socket", async () => {
      provider!.kill("SIGTERM");
      expect(await provider!.exited).toBe(0);
      expect(existsSync(socketPath)).toBe(false);
    }, 30_000);

    test("dpkg --remove keeps config, CA, JWT, state and users; removes the program and the unit", async () => {
      const r = await sh(["dpkg", "--remove", "bao-kms-provider"], { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", DEBIAN_FRONTEND: "noninteractive" } });
      expect(r.code).toBe(0);
      expect(await pkgStatus()).toBe("rc");
      for (const p of [bin, unitPath, "/usr/lib/sysusers.d/openbao-kms.conf", "/usr/lib/tmpfiles.d/openbao-kms.conf"]) expect(`${p} ${existsSync(p)}`).toBe(`${p} false`);
      for (const p of [configPath, caPath, jwtPath, "/var/lib/openbao-kms/state"]) expect(`${p} ${existsSync(p)}`).toBe(`${p} true`);
      expect(octal(statSync(configPath).mode & 0o7777)).toBe("0640");
      expect(await getent("passwd", "openbao-kms")).toBeDefined();
    }, 60_000);

    test("dpkg --purge removes config, credentials, state and the socket directory; only the users stay (documented)", async () => {
      const r = await sh(["dpkg", "--purge", "bao-kms-provider"], { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", DEBIAN_FRONTEND: "noninteractive" } });
      expect(r.code).toBe(0);
      expect(await pkgStatus()).toBe("");
      for (const p of ["/etc/openbao-kms", "/var/lib/openbao-kms", socketPath, bin, unitPath, "/usr/share/doc/bao-kms-provider", "/usr/share/man/man1/bao-kms-provider.1.gz"]) {
        expect(`${p} ${existsSync(p)}`).toBe(`${p} false`);
      }
      // /run/openbao-kms goes too, unless something else put files there (then it is left).
      if (before!.run === undefined) expect(existsSync("/run/openbao-kms")).toBe(false);
      // Users and groups stay: their IDs may own files elsewhere (docs/packaging.md).
      expect(await getent("passwd", "openbao-kms")).toBeDefined();
      expect(await getent("group", "openbao-kms-socket")).toBeDefined();
    }, 60_000);

    test("install systemd on the host from the bare binary (users deleted first) gives what dpkg -i gave, and the config", async () => {
      await must(["userdel", "openbao-kms"]);
      for (const g of ["openbao-kms-socket", "openbao-kms"]) if (await getent("group", g)) await must(["groupdel", g]);
      const bare = workDir("bare");
      copyFileSync(get().binaries.x64!, join(bare, "bao-kms-provider"));
      chmodSync(join(bare, "bao-kms-provider"), 0o755);
      const r = await sh([join(bare, "bao-kms-provider"), "install", "systemd"], { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" } });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain("Owners not set");
      expect((await must(["id", "-nG", "openbao-kms"])).trim().split(" ").sort()).toEqual(["openbao-kms", "openbao-kms-socket"]);
      expect(await snapshot([...installedFiles, ...designLayout.map(([d]) => d)])).toEqual(dpkgLayout);
      expect(await snapshot([configPath])).toEqual([`${configPath} regular file 640 root:openbao-kms ${(await must(["sha256sum", join(repoRoot, "packaging/examples/config.toml")])).slice(0, 64)}`]);
      const v = await sh(["systemd-analyze", "verify", unitPath]);
      expect(v.stdout + v.stderr).toBe("");
    }, 60_000);
  });
}
