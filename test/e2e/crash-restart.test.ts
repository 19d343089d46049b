// End to end on the compiled binary: SIGKILL at random moments while the provider observes and
// promotes rotations (saving generations), then restart on the same state. Every restart must
// load the state (never a half-written file) and serve a key_id that is the one on disk, and
// every ciphertext returned before a kill must still decrypt after it.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";
import { fastProbesToml, startProvider, writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";
import { PyKmsClient, type EncryptReply } from "../helpers/py-kms-client.ts";

const quick = fastProbesToml({ maxStaleness: "2s", activationDelay: "1ms", stableObservations: 1 });

let emu: Emulator;
let files: ProviderFiles;

beforeAll(async () => {
  emu = await startEmulator();
  files = writeProviderFiles(emu, { extraToml: quick, logLevel: "warn" });
});

afterAll(async () => {
  await emu?.stop();
  files?.cleanup();
});

test("12 SIGKILLs during rotation: every restart loads the state and all earlier ciphertext decrypts", async () => {
  const kept: Array<{ plaintext: Uint8Array; reply: EncryptReply }> = [];
  let lastGeneration = 0;
  for (let round = 0; round < 12; round++) {
    const provider = await startProvider(files);
    const client = new PyKmsClient(files.socketPath);
    try {
      // The restart loaded what is on disk: it serves, and the generation never goes back.
      const state = JSON.parse(readFileSync(files.statePath, "utf8"));
      expect(state.generation).toBeGreaterThanOrEqual(lastGeneration);
      lastGeneration = state.generation;
      // Status reports the key the state on disk has as active (once healthy; it may promote
      // a version it now sees as stable right after, so read the file again if they differ).
      const st = await client.status();
      if (st.healthz === "ok" && st.key_id !== state.activeKeyId) {
        expect(st.key_id).toBe(JSON.parse(readFileSync(files.statePath, "utf8")).activeKeyId);
      }
      for (const k of kept) {
        const back = await client.decrypt(k.reply);
        expect(back.ok).toBe(true);
        expect(Buffer.from(back.plaintext as string, "base64").equals(Buffer.from(k.plaintext))).toBe(true);
      }
      const deadline = performance.now() + 5000;
      let reply: EncryptReply | undefined;
      while (performance.now() < deadline) {
        const plaintext = crypto.getRandomValues(new Uint8Array(16));
        const r = await client.encrypt(plaintext);
        if (r.ok) {
          kept.push({ plaintext, reply: r });
          reply = r;
          break;
        }
        await Bun.sleep(20);
      }
      expect(reply?.ok).toBe(true);
      // Rotate, then kill at a random moment while the provider observes, saves and promotes.
      emu.rotateKey("kubernetes");
      await Bun.sleep(Math.floor(Math.random() * 250));
      provider.signal("SIGKILL");
      expect(await provider.proc.exited).not.toBe(0);
      await provider.stop();
    } finally {
      await client.close();
    }
  }
  // One last clean start: it catches up to the latest version and everything still decrypts.
  const provider = await startProvider(files);
  const client = new PyKmsClient(files.socketPath);
  try {
    const latest = emu.keyInfo("kubernetes")!.latestVersion;
    const deadline = performance.now() + 10_000;
    while (JSON.parse(readFileSync(files.statePath, "utf8")).snapshots[0].transitVersion !== latest) {
      if (performance.now() > deadline) throw new Error("did not catch up to the latest version");
      await Bun.sleep(50);
    }
    for (const k of kept) expect((await client.decrypt(k.reply)).ok).toBe(true);
    expect(new Set(kept.map((k) => k.reply.key_id)).size).toBeGreaterThan(3);
  } finally {
    await client.close();
    expect(await provider.stop()).toBe(0);
  }
}, 60_000);
