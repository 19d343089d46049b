// Standard process_* metrics (the names Prometheus client libraries use), read at scrape time
// from /proc/self and the runtime: start time, CPU seconds, resident and virtual memory, fds.

import { readdirSync, readFileSync } from "node:fs";
import type { Registry } from "./registry.ts";

/** Reads a "Name:   123 kB" line of /proc/self/status, in bytes; undefined when unavailable. */
function statusBytes(field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function openFds(): number | undefined {
  try {
    // The listing itself holds one descriptor open while it reads.
    return readdirSync("/proc/self/fd").length - 1;
  } catch {
    return undefined;
  }
}

function maxFds(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const one = (v: number | undefined) => (v === undefined ? [] : [[[], v] as const]);

export function registerProcessMetrics(r: Registry): void {
  const startSeconds = performance.timeOrigin / 1000;
  r.gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.").set([], startSeconds);
  r.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", [], {
    collect: () => {
      const u = process.cpuUsage();
      return [[[], (u.user + u.system) / 1e6]];
    },
  });
  r.gauge("process_resident_memory_bytes", "Resident memory size in bytes.", [], {
    collect: () => one(statusBytes("VmRSS") ?? process.memoryUsage.rss()),
  });
  r.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", [], { collect: () => one(statusBytes("VmSize")) });
  r.gauge("process_open_fds", "Number of open file descriptors.", [], { collect: () => one(openFds()) });
  r.gauge("process_max_fds", "Maximum number of open file descriptors.", [], { collect: () => one(maxFds()) });
}
