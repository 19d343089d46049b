// Compile entry point: argv → command → exit code. The only place that calls process.exit.

import { runCli } from "./cli/root.ts";
import { scrubProcessEnvironment } from "./platform/environment.ts";
import { installFatalHandlers } from "./platform/fatal.ts";

// Before anything can make a request: Bun's fetch would otherwise follow *_PROXY variables.
scrubProcessEnvironment(process.env);

const exitNow = (code: number): never => process.exit(code);

// An unhandled rejection or uncaught exception means a bug: logged without the error's text, exit 1.
installFatalHandlers(exitNow);

// No top-level await: `bun build --bytecode` compiles to a format that does not allow it.
void runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
  exitNow,
}).then(exitNow);
