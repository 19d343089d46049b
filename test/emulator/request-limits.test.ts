// Contract: listener limits — at most 1000 JSON strings per body (object keys count), so
// 499 plaintext items pass and 500 fail; bodies over 32 MiB get 413.
// docs/openbao-compat.md §Other behaviours the provider depends on (source files listed there).
import { afterAll, describe, expect, test } from "bun:test";
import { emulatorTest, openTarget } from "../support/bao-target.ts";

const t = await openTarget();
afterAll(() => t.close());
const transit = `/v1/${t.transitMount}`;
const key = await t.createKey("limits");
const complexity = "refused JSON input due to high complexity: exceeded maximum number of strings";
const items = (n: number, extra: Record<string, string> = {}) =>
  Array.from({ length: n }, () => ({ plaintext: "aGk=", ...extra }));

describe("JSON string-count limit", () => {
  test("{batch_input:[{plaintext}] × 499} = 999 strings → accepted", async () => {
    const r = await t.call("POST", `${transit}/encrypt/${key}`, { body: { batch_input: items(499) } });
    expect(r.status).toBe(200);
    expect(r.json.data.batch_results).toHaveLength(499);
  });

  test("× 500 = 1001 strings → 400 high complexity", async () => {
    const r = await t.call("POST", `${transit}/encrypt/${key}`, { body: { batch_input: items(500) } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: [complexity] });
  });

  test("keys count too: with a reference per item the limit is 249 items", async () => {
    const ok = await t.call("POST", `${transit}/encrypt/${key}`, { body: { batch_input: items(249, { reference: "r" }) } });
    expect(ok.status).toBe(200);
    const tooMany = await t.call("POST", `${transit}/encrypt/${key}`, { body: { batch_input: items(250, { reference: "r" }) } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.errors).toEqual([complexity]);
  });

  test("decrypt batches count the same way", async () => {
    const ct = (await t.call("POST", `${transit}/encrypt/${key}`, { body: { plaintext: "aGk=" } })).json.data.ciphertext;
    const batch = (n: number) => Array.from({ length: n }, () => ({ ciphertext: ct }));
    expect((await t.call("POST", `${transit}/decrypt/${key}`, { body: { batch_input: batch(499) } })).status).toBe(200);
    const r = await t.call("POST", `${transit}/decrypt/${key}`, { body: { batch_input: batch(500) } });
    expect(r.json.errors).toEqual([complexity]);
  });
});

describe("body size limit", () => {
  test("a body over 32 MiB → 413 request body too large", async () => {
    const raw = new Uint8Array(32 * 1024 * 1024 + 1).fill(0x20);
    const r = await t.call("POST", `${transit}/encrypt/${key}`, { raw, timeoutMs: 20_000 });
    expect(r.status).toBe(413);
    expect(r.json.errors[0]).toContain("http: request body too large");
  });

  emulatorTest("exactly at the limit is read (and then judged as JSON)", async () => {
    const raw = new Uint8Array(32 * 1024 * 1024).fill(0x20);
    raw.set(new TextEncoder().encode('{"plaintext":"aGk="}'), 0);
    const r = await t.call("POST", `${transit}/encrypt/${key}`, { raw, timeoutMs: 20_000 });
    expect(r.status).toBe(200);
  });

  emulatorTest("deep nesting is refused without blowing the stack", async () => {
    const depth = 20_000;
    const r = await t.call("POST", `${transit}/encrypt/${key}`, { raw: `{"a":${"[".repeat(depth)}${"]".repeat(depth)}}` });
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual(["failed to decode JSON input: invalid character '[' exceeded max depth"]);
  });
});
