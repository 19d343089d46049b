// Contract: Transit key versions below min_decryption_version are archived (not listed in
// keys/<name>, refused on decrypt) and come back unchanged when the minimum is lowered; and
// soft-deleted keys (keys/<name>/soft-delete) refuse every use until soft-delete-restore.
// Sources: sdk/helper/keysutil/policy.go (handleArchiving, DecryptWithFactory, ErrTooOld,
// ErrSoftDeleted, Rotate), internal/builtin/logical/transit/path_keys.go (formatKeyPolicy,
// pathPolicySoftDelete, pathPolicySoftDeleteRestore). See docs/openbao-compat.md.
// Runs against a real OpenBao with BAO_ADDR/BAO_TOKEN (test/support/bao-target.ts).
import { afterAll, describe, expect, test } from "bun:test";
import { openTarget } from "../support/bao-target.ts";

const t = await openTarget();
afterAll(() => t.close());
const transit = `/v1/${t.transitMount}`;
const b64 = (s: string) => Buffer.from(s).toString("base64");
const tooOld = "ciphertext or signature version is disallowed by policy (too old)";
const softDeleted = "refusing to use soft-deleted key";

const read = async (name: string) => (await t.call("GET", `${transit}/keys/${name}`)).json.data;
const config = (name: string, body: Record<string, unknown>) => t.call("POST", `${transit}/keys/${name}/config`, { body });
const encrypt = (name: string, text: string) => t.call("POST", `${transit}/encrypt/${name}`, { body: { plaintext: b64(text) } });
const decrypt = (name: string, ciphertext: string) => t.call("POST", `${transit}/decrypt/${name}`, { body: { ciphertext } });

/** A key with versions 1..3 and one ciphertext per version. */
async function threeVersions(prefix: string): Promise<{ name: string; sealed: string[] }> {
  const name = await t.createKey(prefix);
  const sealed: string[] = [];
  for (let v = 1; v <= 3; v++) {
    if (v > 1) expect((await t.call("POST", `${transit}/keys/${name}/rotate`)).status).toBe(200);
    const r = await encrypt(name, `v${v}`);
    expect(r.json.data.ciphertext).toStartWith(`vault:v${v}:`);
    sealed.push(r.json.data.ciphertext);
  }
  return { name, sealed };
}

describe("archived versions (below min_decryption_version)", () => {
  test("raising the minimum removes older versions from keys; lowering it lists them again with the same creation times", async () => {
    const { name } = await threeVersions("arch");
    const before = await read(name);
    expect(Object.keys(before.keys)).toEqual(["1", "2", "3"]);

    const raised = await config(name, { min_decryption_version: 3 });
    expect(raised.status).toBe(200);
    // The config reply is formatted after the persist that archived the versions.
    expect(Object.keys(raised.json.data.keys)).toEqual(["3"]);
    const after = await read(name);
    expect(after).toMatchObject({ latest_version: 3, min_decryption_version: 3 });
    expect(after.keys).toEqual({ "3": before.keys["3"] });

    expect((await config(name, { min_decryption_version: 2 })).status).toBe(200);
    expect((await read(name)).keys).toEqual({ "2": before.keys["2"], "3": before.keys["3"] });
    expect((await config(name, { min_decryption_version: 1 })).status).toBe(200);
    expect((await read(name)).keys).toEqual(before.keys);
  });

  test("a rotation while versions are archived lists only the new range", async () => {
    const { name } = await threeVersions("arch-rot");
    await config(name, { min_decryption_version: 2 });
    const r = await t.call("POST", `${transit}/keys/${name}/rotate`);
    expect(Object.keys(r.json.data.keys)).toEqual(["2", "3", "4"]);
  });

  test("decrypting an archived version → 400 with OpenBao's exact text; lowering the minimum decrypts it again", async () => {
    const { name, sealed } = await threeVersions("arch-dec");
    await config(name, { min_decryption_version: 3 });
    for (const c of sealed.slice(0, 2)) {
      const r = await decrypt(name, c);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ errors: [tooOld] });
    }
    expect((await decrypt(name, sealed[2]!)).json.data.plaintext).toBe(b64("v3"));
    await config(name, { min_decryption_version: 1 });
    for (let v = 1; v <= 3; v++) expect((await decrypt(name, sealed[v - 1]!)).json.data.plaintext).toBe(b64(`v${v}`));
  });

  test("encrypting with an explicit archived key_version → 400 no such key version (handleArchiving deletes it from the policy's keys); lowering the minimum allows it again", async () => {
    const { name } = await threeVersions("arch-enc");
    await config(name, { min_decryption_version: 3 });
    for (const v of [1, 2]) {
      const r = await t.call("POST", `${transit}/encrypt/${name}`, { body: { plaintext: b64("x"), key_version: v } });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ errors: ["no such key version"] });
    }
    const batch = await t.call("POST", `${transit}/encrypt/${name}`, { body: { batch_input: [{ plaintext: b64("a"), key_version: 1 }, { plaintext: b64("b"), key_version: 3 }] } });
    expect(batch.json.data.batch_results[0].error).toBe("no such key version");
    expect(batch.json.data.batch_results[1].ciphertext).toStartWith("vault:v3:");
    expect((await t.call("POST", `${transit}/encrypt/${name}`, { body: { plaintext: b64("x"), key_version: 3 } })).status).toBe(200);
    await config(name, { min_decryption_version: 1 });
    const back = await t.call("POST", `${transit}/encrypt/${name}`, { body: { plaintext: b64("x"), key_version: 1 } });
    expect(back.status).toBe(200);
    expect(back.json.data.ciphertext).toStartWith("vault:v1:");
  });

  test("export version parsing: a leading v is accepted, anything non-numeric is invalid key version", async () => {
    const name = await t.createKey("arch-exp-ver", { exportable: true });
    await t.call("POST", `${transit}/keys/${name}/rotate`);
    const v2 = await t.call("GET", `${transit}/export/encryption-key/${name}/v2`);
    expect(v2.status).toBe(200);
    expect(Object.keys(v2.json.data.keys)).toEqual(["2"]);
    const bad = await t.call("GET", `${transit}/export/encryption-key/${name}/two`);
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ errors: ["invalid key version"] });
  });

  test("exporting an archived version is refused", async () => {
    const name = await t.createKey("arch-exp", { exportable: true });
    await t.call("POST", `${transit}/keys/${name}/rotate`);
    await config(name, { min_decryption_version: 2 });
    const one = await t.call("GET", `${transit}/export/encryption-key/${name}/1`);
    expect(one.status).toBe(400);
    expect(one.json).toEqual({ errors: ["version for export is below minimum decryption version"] });
    const all = await t.call("GET", `${transit}/export/encryption-key/${name}`);
    expect(Object.keys(all.json.data.keys)).toEqual(["2"]);
  });
});

describe("soft-deleted keys", () => {
  test("soft-delete marks the key (still readable), refuses encrypt, decrypt and rotate; restore undoes it", async () => {
    const name = await t.createKey("soft");
    const sealed = (await encrypt(name, "kept")).json.data.ciphertext as string;

    const del = await t.call("DELETE", `${transit}/keys/${name}/soft-delete`);
    expect(del.status).toBe(200);
    expect(del.json.data).toMatchObject({ name, soft_deleted: true });
    expect(del.json.warnings).toBeNull();
    const again = await t.call("DELETE", `${transit}/keys/${name}/soft-delete`);
    expect(again.json.warnings).toEqual(["key was already marked as soft deleted"]);

    const meta = await t.call("GET", `${transit}/keys/${name}`);
    expect(meta.status).toBe(200);
    expect(meta.json.data).toMatchObject({ soft_deleted: true, latest_version: 1 });

    for (const r of [await encrypt(name, "x"), await decrypt(name, sealed)]) {
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ errors: [softDeleted] });
    }
    const batch = await t.call("POST", `${transit}/encrypt/${name}`, { body: { batch_input: [{ plaintext: b64("a") }] } });
    expect(batch.json.data.batch_results[0].error).toBe(softDeleted);
    // Policy.Rotate returns the bare error, so core answers 500 with its multierror text.
    const rot = await t.call("POST", `${transit}/keys/${name}/rotate`);
    expect(rot.status).toBe(500);
    expect(rot.json).toEqual({ errors: [`1 error occurred:\n\t* ${softDeleted}\n\n`] });

    const restore = await t.call("POST", `${transit}/keys/${name}/soft-delete-restore`);
    expect(restore.status).toBe(200);
    expect(restore.json.data.soft_deleted).toBe(false);
    expect(restore.json.warnings).toBeNull();
    expect((await t.call("POST", `${transit}/keys/${name}/soft-delete-restore`)).json.warnings).toEqual(["key was already restored"]);
    expect((await decrypt(name, sealed)).json.data.plaintext).toBe(b64("kept"));
    expect((await encrypt(name, "y")).status).toBe(200);
  });

  test("soft-delete of a missing key → 204, nothing created", async () => {
    const name = t.newKeyName("soft-none");
    const r = await t.call("DELETE", `${transit}/keys/${name}/soft-delete`);
    expect(r.status).toBe(204);
    expect((await t.call("GET", `${transit}/keys/${name}`)).status).toBe(404);
  });
});
