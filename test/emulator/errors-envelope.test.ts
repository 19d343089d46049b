// Contract: OpenBao's response and error envelopes, status-code mapping, routing errors,
// token headers, request-body decoding errors and the unknown-parameter warning.
// docs/openbao-compat.md §Other behaviours the provider depends on (source files listed there).
import { afterAll, describe, expect, test } from "bun:test";
import { openTarget } from "../support/bao-target.ts";

const t = await openTarget();
afterAll(() => t.close());
const transit = `/v1/${t.transitMount}`;
const key = await t.createKey("env");

const envelopeShape =
  /^\{"request_id":"[0-9a-f-]{36}","lease_id":"","renewable":false,"lease_duration":0,"data":(.*),"wrap_info":null,"warnings":(null|\[.*\]),"auth":null\}\n$/s;

describe("response envelope", () => {
  test("success: Go field order, trailing newline, JSON content type, no-store", async () => {
    const r = await t.call("POST", `${transit}/encrypt/${key}`, { body: { plaintext: "aGVsbG8=" } });
    expect(r.status).toBe(200);
    expect(r.text).toMatch(envelopeShape);
    expect(r.text).toMatch(/"data":\{"ciphertext":"vault:v1:[A-Za-z0-9+/]+=*","key_version":1\}/);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.headers.get("cache-control")).toBe("no-store");
  });

  test("data map keys come out sorted", async () => {
    const r = await t.call("GET", `${transit}/keys/${key}`);
    const wireOrder = Object.keys(r.json.data); // JSON.parse keeps the wire order of non-numeric keys
    expect(wireOrder.length).toBeGreaterThan(10);
    expect(wireOrder).toEqual([...wireOrder].sort());
  });

  test("unknown parameters are ignored with a sorted warning", async () => {
    const r = await t.call("POST", `${transit}/encrypt/${key}`, { body: { plaintext: "aGVsbG8=", zeta: 1, alpha: "x" } });
    expect(r.status).toBe(200);
    expect(r.json.warnings).toEqual(["Endpoint ignored these unrecognized parameters: [alpha zeta]"]);
  });

  test("Go escapes <, > and & inside strings", async () => {
    const r = await t.call("GET", "/v1/<a&b>/x");
    expect(r.status).toBe(404);
    expect(r.text).toBe('{"errors":["no handler for route \\"\\u003ca\\u0026b\\u003e/x\\". route entry not found."]}\n');
  });

  test("nil write response is 204 with no body", async () => {
    const name = await t.createKey("del");
    await t.call("POST", `${transit}/keys/${name}/config`, { body: { deletion_allowed: true } });
    const r = await t.call("DELETE", `${transit}/keys/${name}`);
    expect(r.status).toBe(204);
    expect(r.text).toBe("");
  });
});

describe("error envelope and routing", () => {
  test("missing key read → 404 with an empty errors array", async () => {
    const r = await t.call("GET", `${transit}/keys/${t.newKeyName("absent")}`);
    expect(r.status).toBe(404);
    expect(r.text).toBe('{"errors":[]}\n');
  });

  test("path outside /v1/ → 404 with an empty errors array", async () => {
    const r = await t.call("GET", "/v2/anything");
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ errors: [] });
  });

  test("invalid key-name syntax → 404 unsupported path (multierror text)", async () => {
    for (const name of ["bad!name", "-lead", "trail.", "sp ace"]) {
      const r = await t.call("POST", `${transit}/encrypt/${encodeURIComponent(name)}`, { body: { plaintext: "" } });
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ errors: ["1 error occurred:\n\t* unsupported path\n\n"] });
    }
  });

  test("unknown path inside a mount → 404 unsupported path", async () => {
    const r = await t.call("GET", `${transit}/no-such-endpoint`);
    expect(r.status).toBe(404);
    expect(r.json.errors).toEqual(["1 error occurred:\n\t* unsupported path\n\n"]);
  });

  test("wrong method on a known path → 405 unsupported operation", async () => {
    const r = await t.call("GET", `${transit}/encrypt/${key}`);
    expect(r.status).toBe(405);
    expect(r.json).toEqual({ errors: ["1 error occurred:\n\t* unsupported operation\n\n"] });
  });

  test("unsupported HTTP method → 405 with empty errors", async () => {
    const r = await t.call("OPTIONS", `${transit}/encrypt/${key}`);
    expect(r.status).toBe(405);
    expect(r.json).toEqual({ errors: [] });
  });

  test("writing to a path ending in '/' → 400", async () => {
    const r = await t.call("POST", `${transit}/keys/`, { body: {} });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["cannot write to a path ending in '/'"] });
  });

  test("GET with a bad list flag → 400 with empty errors", async () => {
    const r = await t.call("GET", `${transit}/keys?list=maybe`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: [] });
  });
});

describe("tokens on ordinary requests", () => {
  test("no token → 403 permission denied (plain text)", async () => {
    const r = await t.call("POST", `${transit}/encrypt/${key}`, { body: { plaintext: "" }, token: null });
    expect(r.status).toBe(403);
    expect(r.text).toBe('{"errors":["permission denied"]}\n');
  });

  test("unknown token → 403 permission denied", async () => {
    const r = await t.call("POST", `${transit}/encrypt/${key}`, { body: { plaintext: "" }, token: "hvs.not-a-token" });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ errors: ["permission denied"] });
  });

  test("Authorization: Bearer is accepted; X-Vault-Token wins when both are set", async () => {
    const bearer = await t.call("GET", `${transit}/keys/${key}`, { token: null, headers: { Authorization: `Bearer ${t.token}` } });
    expect(bearer.status).toBe(200);
    const both = await t.call("GET", `${transit}/keys/${key}`, { token: "hvs.bogus", headers: { Authorization: `Bearer ${t.token}` } });
    expect(both.status).toBe(403);
    const lower = await t.call("GET", `${transit}/keys/${key}`, { token: null, headers: { Authorization: `bearer ${t.token}` } });
    expect(lower.status).toBe(403);
  });
});

describe("request body decoding", () => {
  const post = (raw: string, headers?: Record<string, string>) => t.call("POST", `${transit}/encrypt/${key}`, { raw, headers });

  test.each([
    ["{bad", "invalid character 'b' looking for beginning of object key string"],
    ['{"plaintext":', "unexpected EOF"],
    ['{"plaintext":"x",}', "invalid character '}' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
    ['{"a":[1 2]}', "invalid character '2' after array element"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":-x}', "invalid character 'x' in numeric literal"],
    ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
  ])("invalid JSON %p → 400 with Go's decoder text", async (raw, detail) => {
    const r = await post(raw);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: [`failed to decode JSON input: ${detail}`] });
  });

  test("a JSON array body → 400 cannot unmarshal", async () => {
    const r = await post("[1,2]");
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual(["failed to decode JSON input: json: cannot unmarshal array into Go value of type map[string]interface {}"]);
  });

  test("an empty body is no data (encrypt then reports the missing plaintext)", async () => {
    const r = await post("");
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: ["missing plaintext to encrypt"] });
  });

  test("Content-Type is not required; a form body is read as a form", async () => {
    const form = await post("plaintext=aGVsbG8%3D", { "Content-Type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(200);
    expect(form.json.data.key_version).toBe(1);
    const jsonAsForm = await post('{"plaintext":"aGVsbG8="}', { "Content-Type": "application/x-www-form-urlencoded" });
    expect(jsonAsForm.status).toBe(200);
  });

  test("weak typing: a numeric string is accepted for an int field", async () => {
    const r = await t.call("POST", `${transit}/encrypt/${key}`, { body: { plaintext: "aGVsbG8=", key_version: "1" } });
    expect(r.status).toBe(200);
    expect(r.json.data.key_version).toBe(1);
  });
});
