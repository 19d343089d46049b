// Runs a command the way systemd's MemoryDenyWriteExecute=yes would: a command prefix that puts
// the restriction on a small Python launcher and then execs the command, which inherits it.
// Used by scripts/package-mdwe-bench.ts (the measurement) and test/packaging (the installed
// binary serves under it). Two mechanisms, as systemd has two:
//   - "seccomp": what systemd 252 (Debian 12) installs: EPERM for mmap with PROT_WRITE|PROT_EXEC,
//     for mprotect/pkey_mprotect with PROT_EXEC, and for shmat with SHM_EXEC (needs python3-seccomp);
//   - "prctl": PR_SET_MDWE(PR_MDWE_REFUSE_EXEC_GAIN), which newer systemd uses on kernels >= 6.3.
// "none" runs the same launcher with no restriction, so start-up times compare fairly.

export type MdweKind = "none" | "prctl" | "seccomp";

export const python = "/usr/bin/python3";

const launchers: Record<MdweKind, string> = {
  none: `import os, sys
os.execv(sys.argv[1], sys.argv[1:])`,
  prctl: `import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(65, 1, 0, 0, 0) != 0: sys.exit("PR_SET_MDWE failed: errno %d" % ctypes.get_errno())
os.execv(sys.argv[1], sys.argv[1:])`,
  seccomp: `import os, sys, seccomp
PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000
f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
eperm = seccomp.ERRNO(1)
f.add_rule(eperm, "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC))
for name in ("mprotect", "pkey_mprotect"):
    f.add_rule(eperm, name, seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
f.add_rule(eperm, "shmat", seccomp.Arg(2, seccomp.MASKED_EQ, SHM_EXEC, SHM_EXEC))
f.load()
os.execv(sys.argv[1], sys.argv[1:])`,
};

/** Prefix for argv: `[...mdwePrefix(kind), "/abs/command", ...args]` (the command path must be absolute). */
export function mdwePrefix(kind: MdweKind): string[] {
  return [python, "-c", launchers[kind]];
}

/** A tiny probe: exits 0 when a W+X mapping is refused, 3 when it is allowed (to prove a prefix works). */
export const rwxProbe = `import mmap, sys
try:
    mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
except OSError:
    sys.exit(0)
sys.exit(3)`;
