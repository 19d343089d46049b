// PLACEHOLDER until the registry persistence branch lands (it replaces this file).
export async function acquireStateLock(_statePath: string): Promise<{ release(): void }> {
  return { release() {} };
}
