// Last-resort handlers: an unhandled rejection or uncaught exception means a bug. Log one line
// that names only the error's type (its text could carry request data or a secret), then end
// the process with a non-zero code so systemd (or the kubelet) restarts a clean one.

export type FatalEvent = "process.unhandled_rejection" | "process.uncaught_exception";

/** The one log line for a fatal event: ts, level, message and the error's type only. */
export function fatalLine(event: FatalEvent, reason: unknown, nowMs = Date.now()): string {
  const kind = reason instanceof Error ? reason.name : reason === null ? "null" : typeof reason;
  // The name of a plain Error subclass is code, but a thrown object's `name` may be anything.
  const safeKind = /^[A-Za-z0-9_.$-]{1,64}$/.test(kind) ? kind : "unknown";
  return JSON.stringify({ ts: new Date(nowMs).toISOString(), level: "error", message: event, error_kind: safeKind });
}

/** Installs both handlers on `proc`; each writes fatalLine and calls exitNow(1). */
export function installFatalHandlers(
  exitNow: (code: number) => never,
  write: (line: string) => void = (line) => process.stderr.write(line + "\n"),
  proc: Pick<NodeJS.Process, "on"> = process,
): void {
  const die = (event: FatalEvent) => (reason: unknown) => {
    try {
      write(fatalLine(event, reason));
    } finally {
      exitNow(1);
    }
  };
  proc.on("unhandledRejection", die("process.unhandled_rejection"));
  proc.on("uncaughtException", die("process.uncaught_exception"));
}
