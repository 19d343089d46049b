// src/openbao/key-presence.ts: what counts as "the key is missing", and what bounds the reads.
// The HTTP part runs against the emulator: a missing key's read is a 404 with an empty `errors`
// list, an unknown namespace a 404 with a text (OpenBao internal/http/logical.go respondLogical for
// a nil response; internal/vault/request_handling.go "namespace not found").
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TransitError } from "../../src/kms/errors.ts";
import { createOpenBaoHttp } from "../../src/openbao/http.ts";
import { createKeyPresenceMemo, keyPresenceTtlMs } from "../../src/openbao/key-presence.ts";
import { startEmulator, type Emulator } from "../support/emulator/server.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu?.stop());

const http = (namespace: string) => createOpenBaoHttp({ address: emu.url, caPem: emu.caPem, tlsServerName: emu.serverName, namespace, timeoutMs: 2000 });
const readWith = (namespace: string) => (token: string) => http(namespace).request("GET", "transit/keys/nope", "transit.read_key", { token });

describe("against the emulator", () => {
  test("a missing key's read is a bare 404 → missing", async () => {
    const e = await readWith("")(emu.rootToken).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: "not_found", status: 404, emptyErrors: true });
    expect(await createKeyPresenceMemo(readWith("")).check(emu.rootToken, true)).toBe("missing");
  });

  test("404 namespace not found is not a missing key", async () => {
    const e = await readWith("no-such-ns")(emu.rootToken).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: "not_found", status: 404 });
    expect((e as TransitError).emptyErrors).toBeUndefined();
    expect(await createKeyPresenceMemo(readWith("no-such-ns")).check(emu.rootToken, true)).toBe("unknown");
  });

  test("a refused read (revoked token) is unknown", async () => {
    expect(await createKeyPresenceMemo(readWith("")).check("hvs.not-a-token", true)).toBe("unknown");
  });
});

describe("bounds", () => {
  const bare404 = () => new TransitError("not_found", "transit.read_key", 404, { emptyErrors: true });

  test("concurrent checks for one token share one read; the answer is remembered for the TTL, for every token", async () => {
    const clock = { ms: 0 };
    let reads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const memo = createKeyPresenceMemo(async () => {
      reads++;
      await gate;
      throw bare404();
    }, () => clock.ms);
    const pending = Array.from({ length: 20 }, () => memo.check("t1", true));
    release();
    expect(await Promise.all(pending)).toEqual(Array(20).fill("missing"));
    expect(reads).toBe(1);
    expect(await memo.check("t2", true)).toBe("missing");
    clock.ms += keyPresenceTtlMs - 1;
    expect(await memo.check("t1", true)).toBe("missing");
    expect(reads).toBe(1);
    clock.ms += 1;
    expect(await memo.check("t1", true)).toBe("missing");
    expect(reads).toBe(2);
  });

  test("no read when the caller may not read (recovery throttled)", async () => {
    let reads = 0;
    const memo = createKeyPresenceMemo(async () => void reads++);
    expect(await memo.check("t", false)).toBe("unknown");
    expect(reads).toBe(0);
    expect(await memo.check("t", true)).toBe("present");
    expect(await memo.check("t", false)).toBe("present"); // a remembered answer is still used
    expect(reads).toBe(1);
  });

  test("a failed read is remembered for that token only", async () => {
    let reads = 0;
    const memo = createKeyPresenceMemo(async (token) => {
      reads++;
      if (token === "revoked") throw new TransitError("permission_denied", "transit.read_key", 403);
      throw bare404();
    }, () => 0);
    expect(await memo.check("revoked", true)).toBe("unknown");
    expect(await memo.check("revoked", true)).toBe("unknown");
    expect(reads).toBe(1);
    expect(await memo.check("fresh", true)).toBe("missing");
    expect(reads).toBe(2);
  });

  test("a caller's abort ends its wait, not the shared read", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const memo = createKeyPresenceMemo(async () => {
      await gate;
    });
    const ac = new AbortController();
    const aborted = memo.check("t", true, ac.signal);
    const other = memo.check("t", true);
    ac.abort(new Error("caller gone"));
    await expect(aborted).rejects.toThrow("caller gone");
    release();
    expect(await other).toBe("present");
  });
});
