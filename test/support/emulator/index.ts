// Entry point of the OpenBao emulator for tests and scripts: `startEmulator`, `startCluster` and their types.
export { startEmulator } from "./server.ts";
export { startCluster, type EmulatorCluster } from "./cluster.ts";
export type { CreateKeyOptions, Emulator, EmulatorOptions, KeyConfig, KeyInfo, RequestRecord } from "./types.ts";
