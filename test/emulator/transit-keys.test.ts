// Contract: transit key management — key data of a fresh key, create (200 + "already existed"),
// rotate, keys/<name>/config rules and warnings, list, delete, export, config/keys.
import { afterAll, describe, expect, test } from "bun:test";
import { emulatorTest, openTarget } from "../support/bao-target.ts";

const t = await openTarget();
afterAll(() => t.close());
const transit = `/v1/${t.transitMount}`;
const config = (name: string, body: Record<string, unknown>) => t.call("POST", `${transit}/keys/${name}/config`, { body });

describe("read", () => {
  test("a fresh key has exactly OpenBao's symmetric key data", async () => {
    const before = Math.floor(Date.now() / 1000);
    const name = await t.createKey("fresh");
    const r = await t.call("GET", `${transit}/keys/${name}`);
    expect(r.status).toBe(200);
    const { keys, ...rest } = r.json.data;
    expect(rest).toEqual({
      allow_plaintext_backup: false, auto_rotate_period: 0, deletion_allowed: false, derived: false, exportable: false,
      imported_key: false, latest_version: 1, min_available_version: 0, min_decryption_version: 1,
      min_encryption_version: 0, name, soft_deleted: false, supports_decryption: true, supports_derivation: true,
      supports_encryption: true, supports_signing: false, type: "aes256-gcm96",
    });
    expect(Object.keys(keys)).toEqual(["1"]);
    expect(Number.isInteger(keys["1"])).toBe(true);
    expect(keys["1"]).toBeGreaterThanOrEqual(before - 5);
    expect(keys["1"]).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 5);
  });

  test("a bad base64 context query parameter → 400", async () => {
    const name = await t.createKey("ctxq");
    const r = await t.call("GET", `${transit}/keys/${name}?context=%21%21`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["failed to base64-decode context"] });
  });
});

describe("create", () => {
  test("create answers 200 with the key data; again → same data plus a warning", async () => {
    const name = t.newKeyName("create");
    const first = await t.call("POST", `${transit}/keys/${name}`, { body: { type: "aes128-gcm96" } });
    expect(first.status).toBe(200);
    expect(first.json.data).toMatchObject({ name, type: "aes128-gcm96", latest_version: 1 });
    expect(first.json.warnings).toBeNull();
    const again = await t.call("POST", `${transit}/keys/${name}`, { body: {} });
    expect(again.status).toBe(200);
    expect(again.json.warnings).toEqual([`key ${name} already existed`]);
    expect(again.json.data.type).toBe("aes128-gcm96");
    await config(name, { deletion_allowed: true });
    await t.call("DELETE", `${transit}/keys/${name}`);
  });

  test.each([
    ["unknown type", { type: "nope" }, "unknown key type nope"],
    ["short auto-rotate period", { auto_rotate_period: "30m" }, "auto rotate period must be 0 to disable or at least an hour"],
    ["convergent without derived", { convergent_encryption: true }, "convergent encryption requires derivation to be enabled"],
  ])("invalid create (%s) → 400", async (_what, body, error) => {
    const r = await t.call("POST", `${transit}/keys/${t.newKeyName("bad")}`, { body });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: [error] });
  });
});

describe("rotate", () => {
  test("adds a version with its creation time and keeps min_decryption_version", async () => {
    const name = await t.createKey("rot");
    const r = await t.call("POST", `${transit}/keys/${name}/rotate`);
    expect(r.status).toBe(200);
    expect(r.json.data.latest_version).toBe(2);
    expect(Object.keys(r.json.data.keys)).toEqual(["1", "2"]);
    expect(r.json.data.keys["2"]).toBeGreaterThanOrEqual(r.json.data.keys["1"]);
    expect(r.json.data.min_decryption_version).toBe(1);
  });

  test("rotate a missing key → 400 key not found", async () => {
    const r = await t.call("POST", `${transit}/keys/${t.newKeyName("none")}/rotate`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["key not found"] });
  });
});

describe("config", () => {
  test("validations and their exact texts", async () => {
    const name = await t.createKey("cfg");
    await t.call("POST", `${transit}/keys/${name}/rotate`);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ min_decryption_version: -1 }, "min decryption version cannot be negative"],
      [{ min_decryption_version: 3 }, "cannot set min decryption version of 3, latest key version is 2"],
      [{ min_encryption_version: -1 }, "min encryption version cannot be negative"],
      [{ min_encryption_version: 3 }, "cannot set min encryption version of 3, latest key version is 2"],
      [{ min_decryption_version: 2, min_encryption_version: 1 },
        "cannot set min encryption/decryption values; min encryption version of 1 must be greater than or equal to min decryption version of 2"],
      [{ auto_rotate_period: 60 }, "auto rotate period must be 0 to disable or at least an hour"],
    ];
    for (const [body, error] of cases) {
      const r = await config(name, body);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ errors: [error] });
    }
    const after = await t.call("GET", `${transit}/keys/${name}`);
    expect(after.json.data).toMatchObject({ min_decryption_version: 1, min_encryption_version: 0 });
  });

  test("min_decryption_version 0 is forced to 1 with a warning; success returns key data", async () => {
    const name = await t.createKey("cfg0");
    const r = await config(name, { min_decryption_version: 0, auto_rotate_period: "2h" });
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ name, min_decryption_version: 1, auto_rotate_period: 7200 });
    expect(r.json.warnings).toEqual([
      "since Vault 0.3 (prior to the OpenBao fork), transit key numbering starts at 1; forcing minimum to 1",
    ]);
  });

  test("config of a missing key → 400", async () => {
    const name = t.newKeyName("nokey");
    const r = await config(name, { min_decryption_version: 1 });
    expect(r.json).toEqual({ errors: [`no existing key named ${name} could be found`] });
  });
});

describe("list, delete, export", () => {
  test("LIST (GET ?list=true) returns names including ours", async () => {
    const name = await t.createKey("list");
    const r = await t.call("GET", `${transit}/keys?list=true`);
    expect(r.status).toBe(200);
    expect(r.json.data.keys).toContain(name);
  });

  test("delete needs deletion_allowed", async () => {
    const name = await t.createKey("delete");
    const refused = await t.call("DELETE", `${transit}/keys/${name}`);
    expect(refused.status).toBe(400);
    expect(refused.json.errors[0]).toContain("deletion is not allowed for this key");
    await config(name, { deletion_allowed: true });
    expect((await t.call("DELETE", `${transit}/keys/${name}`)).status).toBe(204);
    expect((await t.call("GET", `${transit}/keys/${name}`)).status).toBe(404);
  });

  test("export of a non-exportable key is refused", async () => {
    const name = await t.createKey("noexp");
    const r = await t.call("GET", `${transit}/export/encryption-key/${name}`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["key is not exportable"] });
  });
});

describe("emulator state (no HTTP)", () => {
  emulatorTest("an empty key list → 404; createKey/rotateKey/keyInfo/configureKey agree with HTTP", async () => {
    const e = t.emulator!;
    e.mountTransit("transit-empty");
    expect((await t.call("GET", "/v1/transit-empty/keys?list=true")).status).toBe(404);
    e.createKey("direct", { mount: "transit-empty" });
    expect(e.rotateKey("direct", { mount: "transit-empty" })).toBe(2);
    e.configureKey("direct", { minDecryptionVersion: 2 }, "transit-empty");
    const info = e.keyInfo("direct", "transit-empty")!;
    expect(info).toMatchObject({ latestVersion: 2, minDecryptionVersion: 2, minEncryptionVersion: 0, type: "aes256-gcm96" });
    const http = await t.call("GET", "/v1/transit-empty/keys/direct");
    // keyInfo holds every version; HTTP lists only those not archived by min_decryption_version.
    expect(Object.keys(info.keys)).toEqual(["1", "2"]);
    expect(http.json.data.keys).toEqual({ "2": info.keys["2"] });
    expect(() => e.configureKey("direct", { minDecryptionVersion: 5 }, "transit-empty")).toThrow(
      "cannot set min decryption version of 5, latest key version is 2",
    );
    expect(e.keyInfo("missing", "transit-empty")).toBeUndefined();
    expect(() => e.rotateKey("direct", { mount: "no-such-mount" })).toThrow("no transit mount");
  });
});
