// What a command may touch of the process: its output streams, its environment, and (for serve's
// second signal only) an immediate exit. Commands never reach for process.* themselves, so tests
// run them in-process and src/main.ts stays the one place that exits.

export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly env: Record<string, string | undefined>;
  readonly exitNow: (code: number) => never;
}
