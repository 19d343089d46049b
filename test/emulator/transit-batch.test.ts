// Contract: transit batch_input — item order and references, item error fields, the
// 200 / 400 / 500 / partial_failure_response_code rules with raw bodies, decode errors.
// docs/openbao-compat.md §Other behaviours the provider depends on (source files listed there).
import { afterAll, describe, expect, test } from "bun:test";
import { openTarget } from "../support/bao-target.ts";

const t = await openTarget();
afterAll(() => t.close());
const transit = `/v1/${t.transitMount}`;
const b64 = (s: string) => Buffer.from(s).toString("base64");
const key = await t.createKey("batch");
const encrypt = (body: Record<string, unknown>) => t.call("POST", `${transit}/encrypt/${key}`, { body });
const decrypt = (body: Record<string, unknown>) => t.call("POST", `${transit}/decrypt/${key}`, { body });
const rawEnvelope = /^\{"request_id":"[0-9a-f-]{36}","lease_id":"","renewable":false,"lease_duration":0,"data":\{"batch_results":\[.*\]\},"wrap_info":null,"warnings":null,"auth":null\}$/s;

describe("all items succeed", () => {
  test("200, normal envelope with newline, results in input order, references echoed", async () => {
    const r = await encrypt({ batch_input: [{ plaintext: b64("a"), reference: "r1" }, { plaintext: b64("b") }] });
    expect(r.status).toBe(200);
    expect(r.text.endsWith("}\n")).toBe(true);
    const [x, y] = r.json.data.batch_results;
    expect(Object.keys(x)).toEqual(["ciphertext", "key_version", "reference"]);
    expect(x.reference).toBe("r1");
    expect(y.reference).toBe("");
    const d = await decrypt({ batch_input: [{ ciphertext: y.ciphertext, reference: "second" }, { ciphertext: x.ciphertext }] });
    expect(d.status).toBe(200);
    expect(d.json.data.batch_results).toEqual([
      { plaintext: b64("b"), reference: "second" },
      { plaintext: b64("a"), reference: "" },
    ]);
  });
});

describe("failures", () => {
  test("a user error in one item → 400 raw envelope (no newline), item has only error + reference", async () => {
    const r = await encrypt({ batch_input: [{ plaintext: b64("ok"), reference: "good" }, { plaintext: "%%", reference: "bad" }] });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(rawEnvelope);
    const [good, bad] = r.json.data.batch_results;
    expect(good.key_version).toBe(1);
    expect(bad).toEqual({ error: "illegal base64 data at input byte 0", reference: "bad" });
    expect(r.text).toContain('{"error":"illegal base64 data at input byte 0","reference":"bad"}');
  });

  test("decrypt error items carry plaintext \"\" first", async () => {
    const r = await decrypt({ batch_input: [{ ciphertext: "vault:v1:AAAA", reference: "x" }, { ciphertext: "", reference: "y" }] });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(rawEnvelope);
    expect(r.text).toContain('[{"plaintext":"","error":"invalid ciphertext length","reference":"x"},{"plaintext":"","error":"missing ciphertext to decrypt","reference":"y"}]');
  });

  test("only internal errors → 500 raw envelope", async () => {
    const r = await encrypt({ batch_input: [{ plaintext: b64("a"), associated_data: "!" }] });
    expect(r.status).toBe(500);
    expect(r.text).toMatch(rawEnvelope);
    expect(r.json.data.batch_results[0].error).toBe("unable to get associated_data/additional_data from factory[0]: illegal base64 data at input byte 0");
  });

  test("user and internal errors together → 400", async () => {
    const r = await encrypt({ batch_input: [{ plaintext: b64("a"), associated_data: "!" }, { plaintext: "!" }] });
    expect(r.status).toBe(400);
  });

  test("partial_failure_response_code is used when at least one item succeeded", async () => {
    const mixed = [{ plaintext: b64("a") }, { plaintext: "!" }];
    const r = await encrypt({ batch_input: mixed, partial_failure_response_code: 207 });
    expect(r.status).toBe(207);
    expect(r.text).toMatch(rawEnvelope);
    const allBad = await encrypt({ batch_input: [{ plaintext: "!" }], partial_failure_response_code: 207 });
    expect(allBad.status).toBe(400);
    const outOfRange = await encrypt({ batch_input: mixed, partial_failure_response_code: 600 });
    expect(outOfRange.status).toBe(400);
  });
});

describe("whole-request errors", () => {
  test("empty batch → 400 missing batch input", async () => {
    for (const call of [encrypt, decrypt]) {
      const r = await call({ batch_input: [] });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ errors: ["missing batch input to process"] });
    }
  });

  test("structural item problems → 500 'failed to parse batch input' (multierror)", async () => {
    const r = await encrypt({ batch_input: [{ reference: "no-plaintext" }] });
    expect(r.status).toBe(500);
    expect(r.json.errors).toEqual(["1 error occurred:\n\t* failed to parse batch input: '[0].plaintext' missing plaintext to encrypt\n\n"]);
    const typed = await encrypt({ batch_input: [{ plaintext: "", context: 5 }, { plaintext: "", key_version: "2" }, "x"] });
    expect(typed.status).toBe(500);
    expect(typed.json.errors[0]).toContain("'[0].context' expected type 'string', got unconvertible type 'float64'");
    expect(typed.json.errors[0]).toContain("'[1].key_version' expected type 'int', got unconvertible type 'string'");
    expect(typed.json.errors[0]).toContain("[2] expected a map, got 'string'");
    const dec = await decrypt({ batch_input: [{}] });
    expect(dec.json.errors).toEqual(["1 error occurred:\n\t* failed to parse batch input: '[0].ciphertext' missing ciphertext to decrypt\n\n"]);
  });

  test("context set in some items only → 400 for the whole request", async () => {
    const r = await encrypt({ batch_input: [{ plaintext: "", context: b64("c") }, { plaintext: "" }] });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["context should be set either in all the request blocks or in none"] });
  });

  test("batch_input wins over top-level plaintext", async () => {
    const r = await encrypt({ plaintext: "!!!", batch_input: [{ plaintext: b64("x") }] });
    expect(r.status).toBe(200);
    expect(r.json.data.batch_results).toHaveLength(1);
    expect(r.json.data.ciphertext).toBeUndefined();
  });
});
