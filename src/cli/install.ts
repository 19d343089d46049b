// `install systemd [--root DIR] [--force]`: writes this binary, the unit, sysusers.d, tmpfiles.d
// and the examples from the copies embedded in the binary (the packages' bytes), applies the
// tmpfiles.d layout, and keeps an existing config unless --force. Never enables or starts anything.

import { chmodSync, existsSync, lstatSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { readAccounts } from "../install/accounts.ts";
import { copyFileAtomic, ensureDirectory, setOwner, writeFileAtomic, type Outcome } from "../install/files.ts";
import { binaryMode, binaryPath, configFile, systemFiles, tmpfilesText, unitName } from "../install/layout.ts";
import { parseTmpfiles, type TmpfilesEntry } from "../install/tmpfiles.ts";
import { formatFlags, parseFlags } from "./args.ts";
import { CliError, exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import type { Io } from "./io.ts";

const flags = {
  root: { type: "string", value: "DIR", description: "install into this directory as the root file system", default: "/" },
  force: { type: "boolean", description: `overwrite an existing ${configFile.path}` },
} as const;

export const installHelp = `Usage: bao-kms-provider install systemd [--root DIR] [--force]

Installs this binary as ${binaryPath} with the systemd unit, the sysusers.d and tmpfiles.d
files and the examples, all from copies inside the binary (the same bytes as the .deb and
.rpm). Creates the directories of the host layout with their modes, writes
${configFile.path} from the example unless it exists, and prints the next steps.
On the running system (no --root) it also creates the users with systemd-sysusers and runs
systemctl daemon-reload. It never enables or starts the service.

Owners are set only for users and groups defined in DIR/etc/passwd and DIR/etc/group;
the others are listed (systemd-sysusers and systemd-tmpfiles --create set them at boot).

Flags:
${formatFlags(flags)}

Exit codes: 0 installed, 1 a write failed (nothing after it was done), 2 usage.
`;

type Row = readonly [action: string, path: string, detail: string];

class InstallError extends Error {
  constructor(readonly path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code;
    super(`cannot install ${path}: ${code ?? (cause instanceof Error ? cause.message : "failed")}`);
  }
}

/** Runs one step against `path`, turning any error into an InstallError that names it. */
function at<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new InstallError(path, e);
  }
}

const octal = (mode: number) => mode.toString(8).padStart(4, "0");
const isCompiled = () => Bun.main.startsWith("/$bunfs/");

async function run(cmd: string[], io: Io): Promise<boolean> {
  const p = Bun.spawn(cmd, { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
  if (code !== 0) io.err(`bao-kms-provider: warning: ${cmd.join(" ")} exited ${code}${err.trim() ? `: ${err.trim()}` : ""}\n`);
  return code === 0;
}

export async function runInstall(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [target, ...rest] = argv;
  if (target === "--help" || target === "-h" || (target === "systemd" && parseFlags(rest, flags).help)) {
    io.out(installHelp);
    return exitCodes.ok;
  }
  if (target !== "systemd") throw usageError(target === undefined ? 'install needs a target: "install systemd"' : `unknown install target "${target}": expected systemd`);
  const f = parseFlags(rest, flags);
  const root = resolve(f.root ?? "/");
  const rootStat = lstatSync(root, { throwIfNoEntry: false });
  if (rootStat === undefined) {
    // A new image tree: create it (and its parents) like `mkdir -p`.
    try {
      mkdirSync(root, { recursive: true, mode: 0o755 });
    } catch (e) {
      throw new CliError(exitCodes.error, `--root ${root} cannot be created (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
  } else if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new CliError(exitCodes.error, `--root ${root} is not a directory`);
  const onHost = root === "/";
  const canChown = process.geteuid?.() === 0;
  const host = (p: string) => join(root, p);
  const rows: Row[] = [];
  const notOwned: string[] = [];

  try {
    if (isCompiled()) {
      const o: Outcome = at(binaryPath, () => copyFileAtomic(process.execPath, host(binaryPath), binaryMode));
      rows.push([o, binaryPath, octal(binaryMode)]);
    } else {
      rows.push(["skipped", binaryPath, "not running as the compiled binary"]);
    }
    for (const file of systemFiles) {
      rows.push([at(file.path, () => writeFileAtomic(host(file.path), file.bytes, file.mode)), file.path, octal(file.mode)]);
    }

    if (onHost && canChown) {
      if (Bun.which("systemd-sysusers")) await run(["systemd-sysusers", "/usr/lib/sysusers.d/openbao-kms.conf"], io);
      else io.err("bao-kms-provider: warning: systemd-sysusers not found: create the users and groups listed in /usr/lib/sysusers.d/openbao-kms.conf\n");
    }
    const accounts = readAccounts(root);
    /** Sets the owner when it can; false (and listed under "Owners not set") otherwise. */
    const own = (e: TmpfilesEntry): boolean => {
      const uid = accounts.uid(e.user);
      const gid = accounts.gid(e.group);
      if (uid !== undefined && gid !== undefined && canChown) {
        at(e.path, () => setOwner(host(e.path), uid, gid));
        return true;
      }
      notOwned.push(`${e.user}:${e.group} ${e.path}`);
      return false;
    };

    const entries = parseTmpfiles(tmpfilesText);
    for (const e of entries.filter((x) => x.type === "d")) {
      const o = at(e.path, () => ensureDirectory(host(e.path), e.mode));
      const owned = own(e);
      at(e.path, () => ensureDirectory(host(e.path), e.mode)); // chown may drop the setgid bit
      // The owner only when it was set; otherwise it is listed once, under "Owners not set".
      rows.push([o === "written" ? "created" : "directory", e.path, owned ? `${octal(e.mode)} ${e.user}:${e.group}` : `${octal(e.mode)}, owner not set`]);
    }

    const configExists = lstatSync(host(configFile.path), { throwIfNoEntry: false }) !== undefined;
    if (configExists && !f.force) rows.push(["kept", configFile.path, "exists; --force overwrites it with the example"]);
    else rows.push([at(configFile.path, () => writeFileAtomic(host(configFile.path), configFile.bytes, configFile.mode)), configFile.path, "the example: edit every value"]);

    for (const e of entries.filter((x) => x.type === "z")) {
      const st = lstatSync(host(e.path), { throwIfNoEntry: false });
      if (st === undefined) continue;
      if (st.isSymbolicLink()) {
        io.err(`bao-kms-provider: warning: ${e.path} is a symlink; its owner and mode were left alone\n`);
        continue;
      }
      own(e);
      at(e.path, () => ensureMode(host(e.path), e.mode));
    }

    if (onHost && existsSync("/run/systemd/system") && Bun.which("systemctl")) await run(["systemctl", "daemon-reload"], io);
  } catch (e) {
    for (const [a, p, d] of rows) io.out(`  ${a.padEnd(10)} ${p} (${d})\n`);
    if (e instanceof InstallError) {
      io.err(`bao-kms-provider: ${e.message}\n`);
      return exitCodes.error;
    }
    throw e;
  }

  io.out(report(root, rows, notOwned, canChown));
  return exitCodes.ok;
}

function ensureMode(path: string, mode: number): void {
  // Regular files only (z entries name files); chmod after chown, which clears set-id bits.
  const st = lstatSync(path);
  if (st.isFile() && (st.mode & 0o7777) !== mode) chmodSync(path, mode);
}

function report(root: string, rows: readonly Row[], notOwned: readonly string[], canChown: boolean): string {
  const inRoot = root === "/" ? "" : ` into ${root}`;
  const lines = [`bao-kms-provider install systemd${inRoot}:`, ...rows.map(([a, p, d]) => `  ${a.padEnd(10)} ${p} (${d})`)];
  if (notOwned.length > 0) {
    const why = canChown ? `these users or groups are not defined in ${join(root, "etc/passwd")} / ${join(root, "etc/group")}` : "not running as root";
    lines.push("", `Owners not set (${why}):`, ...notOwned.map((n) => `  ${n}`));
    lines.push(root === "/" ? "Create the users (systemd-sysusers), then run: systemd-tmpfiles --create /usr/lib/tmpfiles.d/openbao-kms.conf" : `At the first boot of that system systemd-sysusers and systemd-tmpfiles set them; or now: systemd-sysusers --root ${root} && systemd-tmpfiles --root ${root} --create`);
  }
  lines.push(
    "",
    "Nothing was enabled or started. Next steps:",
    `  1. edit ${configFile.path}: replace every example value`,
    "  2. put OpenBao's CA in /etc/openbao-kms/tls/ca.crt (root:root 0644) and the JWT in",
    "     /var/lib/openbao-kms/identity.jwt (root:openbao-kms 0640)",
    "  3. add kube-apiserver's user to the group openbao-kms-socket (and to no other provider group)",
    `  4. try it as the service user: runuser -u openbao-kms -- ${binaryPath} serve  (Ctrl-C stops it)`,
    `  5. systemctl enable --now ${unitName}`,
    "",
  );
  return lines.join("\n");
}
