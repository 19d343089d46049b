// PLACEHOLDER until the registry persistence branch lands (it replaces this file).
import type { KeyScope } from "../kms/snapshot.ts";
import type { RegistryState } from "./types.ts";
export function validateScope(_state: RegistryState, _scope: KeyScope): void {}
