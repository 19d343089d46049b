// Emulator-only: AppRole login with OpenBao's error texts, secret-ID use limits and TTL on the
// injected clock, and the issued token's TTL / max TTL.
// docs/openbao-compat.md §Other behaviours the provider depends on (source files listed there).
import { afterAll, describe, expect, test } from "bun:test";
import { startEmulator } from "../support/emulator/server.ts";

let now = 1_800_000_000_000;
const emu = await startEmulator({ nowMs: () => now, approle: { tokenTtlSeconds: 30, tokenMaxTtlSeconds: 90 } });
afterAll(() => emu.stop());

async function login(body: Record<string, unknown>) {
  const res = await fetch(`${emu.url}/v1/${emu.approle.mount}/login`, {
    method: "POST",
    body: JSON.stringify(body),
    tls: { ca: emu.caPem, serverName: emu.serverName },
  } as RequestInit);
  return { status: res.status, json: (await res.json()) as { errors?: string[]; auth?: { client_token: string; lease_duration: number; renewable: boolean; metadata: Record<string, string> } } };
}

describe("approle login", () => {
  test("the configured role and secret ID log in with the role's TTL", async () => {
    const r = await login({ role_id: emu.approle.roleId, secret_id: emu.approle.secretId });
    expect(r.status).toBe(200);
    expect(r.json.auth).toMatchObject({ lease_duration: 30, renewable: true, metadata: { role_name: emu.approle.roleName } });
    expect(emu.isTokenValid(r.json.auth!.client_token)).toBe(true);
  });

  test.each([
    [{ secret_id: "x" }, "missing role_id"],
    [{ role_id: "nope", secret_id: "x" }, "invalid role or secret ID"],
    [{ role_id: "ROLE" }, "missing secret_id"],
    [{ role_id: "ROLE", secret_id: "wrong" }, "invalid role or secret ID"],
  ])("refuses %j with 400 %s", async (body, text) => {
    const r = await login((body as Record<string, unknown>).role_id === "ROLE" ? { ...body, role_id: emu.approle.roleId } : body);
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([text]);
  });

  test("a secret ID with 2 uses works twice, then fails like an unknown one", async () => {
    const sid = emu.issueSecretId({ numUses: 2 });
    for (let i = 0; i < 2; i++) expect((await login({ role_id: emu.approle.roleId, secret_id: sid })).status).toBe(200);
    const r = await login({ role_id: emu.approle.roleId, secret_id: sid });
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual(["invalid role or secret ID"]);
  });

  test("a secret ID with a 60 s TTL expires on the injected clock", async () => {
    const sid = emu.issueSecretId({ ttlSeconds: 60 });
    expect((await login({ role_id: emu.approle.roleId, secret_id: sid })).status).toBe(200);
    now += 60_000;
    expect((await login({ role_id: emu.approle.roleId, secret_id: sid })).json.errors).toEqual(["invalid role or secret ID"]);
  });
});
