// Compile entry point: argv → command → exit code. The only place that calls process.exit.

import { runCli } from "./cli/root.ts";
import { scrubProcessEnvironment } from "./platform/environment.ts";

// Before anything can make a request: Bun's fetch would otherwise follow *_PROXY variables.
scrubProcessEnvironment(process.env);

const exitNow = (code: number): never => process.exit(code);

// An unhandled rejection or uncaught exception means a bug: say so without the error's text (it could carry data),
// and exit non-zero so systemd restarts a clean process.
const dieOnBug = (event: string) => (reason: unknown) => {
  const name = reason instanceof Error ? reason.name : typeof reason;
  process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), level: "error", message: event, error_kind: name }) + "\n");
  exitNow(1);
};
process.on("unhandledRejection", dieOnBug("process.unhandled_rejection"));
process.on("uncaughtException", dieOnBug("process.uncaught_exception"));

// No top-level await: `bun build --bytecode` compiles to a format that does not allow it.
void runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
  exitNow,
}).then(exitNow);
