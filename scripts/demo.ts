// `bun run demo`: build the binary, start the OpenBao emulator, write a throwaway config, run
// the provider, probe it the way kube-apiserver would, run `doctor`, show the results, and shut
// down cleanly. The emulator enforces ACL policies, and the role's policy is exactly what
// `bao-kms-provider policy openbao` prints for this config (set up as init's setup script does),
// so a green doctor here means the generated policy is sufficient and least-privilege.

import { chmodSync } from "node:fs";
import { dirname } from "node:path";
import { build } from "./build.ts";
import { startEmulator } from "../test/support/emulator/server.ts";
import { startProvider, writeProviderFiles } from "../test/helpers/provider.ts";

const step = (s: string) => console.log(`\n==> ${s}`);

const args = process.argv.slice(2);
if (args.includes("-h") || args.includes("--help")) {
  console.log("Usage: bun run demo [--ha]\n\n  (no flag)  one emulator node: serve, probe, doctor, SIGTERM\n  --ha       three emulator nodes: the active is killed while probe keeps running");
  process.exit(0);
}
const unknown = args.filter((a) => a !== "--ha");
if (unknown.length > 0) {
  console.error(`unknown argument ${unknown[0]}; see bun run demo --help`);
  process.exit(2);
}
if (args.includes("--ha")) {
  await import("./demo-ha.ts");
  process.exit(1); // demo-ha exits itself
}

step("building the single executable");
const binary = await build("x64");

step("starting the OpenBao emulator (HTTPS, CA generated now)");
const emu = await startEmulator();
console.log(`    address ${emu.url}  server name ${emu.serverName}  CA ${emu.caFile}`);

const files = writeProviderFiles(emu, { logLevel: "info" });
console.log("    operator setup: transit/config/keys disable_upsert=true; role policy = `bao-kms-provider policy openbao` output");
// As installed (tmpfiles.d): the socket group may search the socket directory.
chmodSync(dirname(files.socketPath), 0o2750);
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

  step(`checking the whole setup: ${binary} doctor --config ${files.configPath}`);
  const doctor = Bun.spawn([binary, "doctor", "--config", files.configPath], { stdout: "pipe", stderr: "inherit" });
  const [doctorReport, doctorCode] = await Promise.all([new Response(doctor.stdout).text(), doctor.exited]);
  process.stdout.write(doctorReport.replace(/^(?=.)/gm, "    "));
  // Green means exit 0 and no [fail] or [warn]; the EncryptionConfiguration check is skipped
  // (there is no kube-apiserver here).
  const notGreen = doctorReport.split("\n").filter((l) => /^\[(fail|warn)\]/.test(l));
  if (doctorCode !== 0 || notGreen.length > 0) {
    console.log(`    doctor exited ${doctorCode} with ${notGreen.length} fail/warn line(s)`);
    exitCode = exitCode === 0 ? Math.max(doctorCode, 1) : exitCode;
  }

  step("stopping the provider with SIGTERM");
  const code = await provider.stop("SIGTERM");
  for (const line of provider.output.filter((l) => l.includes("serve.shutdown"))) console.log(`    log: ${line}`);
  console.log(`    provider exited ${code}`);
  if (code !== 0) exitCode = 1;
} finally {
  await emu.stop();
  files.cleanup();
}

step(exitCode === 0 ? "demo passed: Status → Encrypt → Decrypt round trip through OpenBao Transit, doctor all pass" : `demo FAILED (exit ${exitCode})`);
process.exit(exitCode);
