// Structured logs: one JSON object per line (or key=value text), with `ts`, `level`,
// `message` and allow-listed fields only. Anything not on the list is dropped, so a secret
// cannot reach a log by being passed in a field. `duration_ms` is rounded to µs.

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "json" | "text";
export type LogValue = string | number | boolean;

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names that may appear in a log line. Values are hashes, classes, numbers or paths. */
export const allowedLogFields = new Set([
  "event",
  "operation",
  "method",
  "status",
  "grpc_code",
  "duration_ms",
  "key_id_hash",
  "uid_hash",
  "error_class",
  "error_kind",
  "http_status",
  "transit_version",
  "socket_path",
  "config_path",
  "version",
  "commit",
  "reason",
  "signal",
  "in_flight",
  "outcome",
  "startup_ms",
  "probe_kind",
  "healthz",
  // key.promoted / status.probe (the status controller)
  "transit_key_version",
  "previous_key_id_hash",
  "previous_transit_version",
  "generation",
  // serve.ready: where the health and metrics listeners really listen (port 0 = picked by the kernel)
  "metrics_address",
  "health_address",
  // auth.login / auth.renewal
  "token_ttl_seconds",
  // serve.bootstrap: which start-up attempt failed
  "attempt",
  // status.probe reason=state_save_failed: the registry error kind, the errno and the state path
  "save_error",
  "errno",
  "state_path",
  // key.versions_archived: retained versions below Transit min_decryption_version
  "archived_versions",
  "min_decryption_version",
  // openbao.endpoint: a configured OpenBao address and its role change (several addresses only)
  "endpoint",
  "previous_role",
  "role",
]);

export interface Logger {
  debug(message: string, fields?: Record<string, LogValue | undefined>): void;
  info(message: string, fields?: Record<string, LogValue | undefined>): void;
  warn(message: string, fields?: Record<string, LogValue | undefined>): void;
  error(message: string, fields?: Record<string, LogValue | undefined>): void;
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  readonly write?: (line: string) => void;
  readonly nowMs?: () => number;
}

export function createLogger(opts: LoggerOptions): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const now = opts.nowMs ?? Date.now;
  const min = levelRank[opts.level];

  function emit(level: LogLevel, message: string, fields: Record<string, LogValue | undefined> = {}): void {
    if (levelRank[level] < min) return;
    const record: Record<string, LogValue> = { ts: new Date(now()).toISOString(), level, message };
    for (const [k, val] of Object.entries(fields)) {
      if (val !== undefined && allowedLogFields.has(k) && (typeof val !== "number" || Number.isFinite(val))) {
        // duration_ms is always a float with µs precision, whoever computed it.
        record[k] = k === "duration_ms" && typeof val === "number" ? Math.round(val * 1000) / 1000 : val;
      }
    }
    write(opts.format === "json" ? JSON.stringify(record) : toText(record));
  }

  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    enabled: (level) => levelRank[level] >= min,
  };
}

function toText(record: Record<string, LogValue>): string {
  const { ts, level, message, ...rest } = record;
  const tail = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "string" && /[\s"=]/.test(v) ? JSON.stringify(v) : String(v)}`);
  return [ts, String(level).toUpperCase().padEnd(5), message, ...tail].join(" ");
}
