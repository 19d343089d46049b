// The parts of the unit's sandbox a test can rebuild without systemd as PID 1, so the installed
// binary is run the way the unit would run it: the unit's SystemCallFilter= lines expanded with
// `systemd-analyze syscall-filter` into an allow-list (other calls fail with EPERM, as with
// SystemCallErrorNumber=EPERM), and MemoryDenyWriteExecute= (when the unit sets it) as systemd
// 252 installs it (seccomp).
// Both are loaded by a small python3-seccomp launcher that then execs the command.

import { mdwePrefix } from "../../scripts/package-mdwe.ts";
import { must } from "./artifacts.ts";

/** Values of every `Key=` line of a unit, per section ("Service.User" → ["openbao-kms"]). */
export function parseUnit(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = s[1]!;
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) throw new Error(`not a Key=value line: ${line}`);
    const key = `${section}.${line.slice(0, eq).trim()}`;
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return out;
}

/** Every @group of `systemd-analyze syscall-filter`, expanded to plain system call names. */
async function syscallGroups(): Promise<Map<string, string[]>> {
  const text = await must(["systemd-analyze", "syscall-filter"]);
  const direct = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (/^@[a-z-]+$/.test(line) && !raw.startsWith(" ")) direct.set(line, (current = []));
    else if (current && line !== "" && !line.startsWith("#")) current.push(line);
  }
  const expand = (name: string, seen: Set<string>): string[] => {
    if (!name.startsWith("@")) return [name];
    if (seen.has(name)) return [];
    seen.add(name);
    const members = direct.get(name);
    if (members === undefined) throw new Error(`systemd-analyze does not know ${name}`);
    return members.flatMap((m) => expand(m, seen));
  };
  return new Map([...direct.keys()].map((g) => [g, [...new Set(expand(g, new Set()))]]));
}

/** The system calls the unit allows, from its SystemCallFilter= lines in order (systemd's rules). */
export async function unitSyscalls(unitText: string): Promise<string[]> {
  const lines = parseUnit(unitText).get("Service.SystemCallFilter") ?? [];
  if (lines.length === 0 || lines[0]!.startsWith("~")) throw new Error("the unit has no SystemCallFilter= allow-list first");
  const groups = await syscallGroups();
  const names = (items: string) => items.split(/\s+/).filter(Boolean).flatMap((i) => (i.startsWith("@") ? groups.get(i) ?? [] : [i]));
  const allowed = new Set<string>();
  for (const line of lines) {
    if (line.startsWith("~")) for (const n of names(line.slice(1))) allowed.delete(n);
    else for (const n of names(line)) allowed.add(n);
  }
  return [...allowed].sort();
}

/**
 * Command prefix: MDWE (seccomp, only when the unit sets MemoryDenyWriteExecute=yes) and the
 * allow-list, then exec (the next argv item is an absolute path).
 */
export function sandboxPrefix(allowed: readonly string[], memoryDenyWriteExecute: boolean): string[] {
  const [python, , mdwe] = mdwePrefix(memoryDenyWriteExecute ? "seccomp" : "none");
  // The MDWE launcher's program without its final execv; the allow-list filter is loaded last,
  // after which only the execv itself has to be allowed.
  const mdweFilter = mdwe!.replace(/\nos\.execv\(.*\)\s*$/, "");
  const code = `${mdweFilter}
import seccomp
allow = seccomp.SyscallFilter(defaction=seccomp.ERRNO(1))
for name in ${JSON.stringify(allowed)}:
    try:
        allow.add_rule(seccomp.ALLOW, name)
    except Exception:
        pass  # not a system call on this architecture (e.g. chown32), as systemd skips it
allow.load()
os.execv(sys.argv[1], sys.argv[1:])`;
  return [python!, "-c", code];
}

/**
 * A /bin/sh program for `unshare --mount --propagation private` that rebuilds the unit's file
 * system view, then execs its arguments: ProtectSystem=strict (every mount read-only but /dev,
 * /proc and /sys) with the unit's ReadWritePaths= kept writable, PrivateTmp= (a fresh /tmp) and
 * ProtectProc=/ProcSubset= (a /proc mounted with hidepid=/subset=).
 */
export function unitMountScript(unitText: string): string {
  const unit = parseUnit(unitText);
  const first = (k: string) => unit.get(`Service.${k}`)?.[0];
  if (first("ProtectSystem") !== "strict") throw new Error("the unit does not use ProtectSystem=strict");
  const rw = (unit.get("Service.ReadWritePaths") ?? []).flatMap((l) => l.split(/\s+/)).filter(Boolean);
  for (const p of rw) if (!/^\/[A-Za-z0-9._/-]+$/.test(p)) throw new Error(`unexpected ReadWritePaths entry ${p}`);
  const procOpts = [first("ProtectProc") === "invisible" ? "hidepid=invisible" : "", first("ProcSubset") === "pid" ? "subset=pid" : ""].filter(Boolean);
  const keep = ["/dev", "/dev/*", "/proc", "/proc/*", "/sys", "/sys/*", ...rw].join("|");
  return [
    "set -eu",
    ...rw.map((p) => `mount --bind '${p}' '${p}'`),
    "mount -o remount,bind,ro /",
    `findmnt -rn -o TARGET | while read -r t; do case "$t" in /|${keep}) ;; *) mount -o remount,bind,ro "$t" ;; esac; done`,
    ...(first("PrivateTmp") === "yes" ? ["mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp"] : []),
    `mount -t proc ${procOpts.length > 0 ? `-o ${procOpts.join(",")} ` : ""}proc /proc`,
    'exec "$@"',
  ].join("\n");
}
