// `bun run demo`: build the binary, start the OpenBao emulator, write a throwaway config, run
// the provider, probe it the way kube-apiserver would, show the result, and shut down cleanly.

import { build } from "./build.ts";
import { startEmulator } from "../test/support/emulator/server.ts";
import { startProvider, writeProviderFiles } from "../test/helpers/provider.ts";

const step = (s: string) => console.log(`\n==> ${s}`);

step("building the single executable");
const binary = await build("x64");

step("starting the OpenBao emulator (HTTPS, CA generated now)");
const emu = await startEmulator();
console.log(`    address ${emu.url}  server name ${emu.serverName}  CA ${emu.caFile}`);

const files = writeProviderFiles(emu, { logLevel: "info" });
let exitCode = 1;
try {
  step(`starting: ${binary} serve --config ${files.configPath}`);
  const provider = await startProvider(files, { binary });
  console.log(`    socket ${files.socketPath} accepting after ${provider.readyAfterMs.toFixed(1)} ms`);
  for (const line of provider.output) console.log(`    log: ${line}`);

  step(`probing like kube-apiserver: ${binary} probe --socket ${files.socketPath}`);
  // Asynchronous on purpose: the emulator runs in this process and must keep answering.
  const probe = Bun.spawn([binary, "probe", "--socket", files.socketPath], { stdout: "pipe", stderr: "inherit" });
  const [report, probeCode] = await Promise.all([new Response(probe.stdout).text(), probe.exited]);
  process.stdout.write(report.replace(/^(?=.)/gm, "    "));
  exitCode = probeCode;

  step("stopping the provider with SIGTERM");
  const code = await provider.stop("SIGTERM");
  for (const line of provider.output.filter((l) => l.includes("serve.shutdown"))) console.log(`    log: ${line}`);
  console.log(`    provider exited ${code}`);
  if (code !== 0) exitCode = 1;
} finally {
  await emu.stop();
  files.cleanup();
}

step(exitCode === 0 ? "demo passed: Status → Encrypt → Decrypt round trip through OpenBao Transit" : `demo FAILED (exit ${exitCode})`);
process.exit(exitCode);
