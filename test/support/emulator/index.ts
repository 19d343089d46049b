// Entry point of the OpenBao emulator for tests and scripts: `startEmulator` and its types.
export { startEmulator } from "./server.ts";
export type { CreateKeyOptions, Emulator, EmulatorOptions, KeyConfig, KeyInfo, RequestRecord } from "./types.ts";
