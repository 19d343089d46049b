// Child process for the lock tests: takes the state lock, says so, and holds it until killed.
import { acquireStateLock } from "../../../src/registry/lock.ts";

const lock = await acquireStateLock(process.argv[2] as string);
process.stdout.write("locked\n");
setInterval(() => {}, 1000);
process.on("SIGTERM", () => {
  lock.release();
  process.exit(0);
});
