// Go wire details the emulator reproduces: encoding/json output (escaping, struct vs map order),
// the JSON decoder's texts and limits, base64 error offsets, Duration/%q/RFC 3339 formatting.
import { describe, expect, test } from "bun:test";
import { goEncode, goMarshal, goStruct } from "../support/emulator/go-json.ts";
import { GoNumber, parseGoJson } from "../support/emulator/json-input.ts";
import { goBase64Decode, goDuration, goQuote, parseGoDurationSeconds, rfc3339Nano } from "../support/emulator/go-format.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("encoding/json output", () => {
  test("HTML-safe escaping, \\b/\\f short forms, U+2028/9, lone surrogates", () => {
    expect(goMarshal("<a href='x'>&</a>")).toBe('"\\u003ca href=\'x\'\\u003e\\u0026\\u003c/a\\u003e"');
    expect(goMarshal("\b\f\n\r\t\u0001\"\\")).toBe('"\\b\\f\\n\\r\\t\\u0001\\"\\\\"');
    expect(goMarshal("\u2028\u2029")).toBe('"\\u2028\\u2029"');
    expect(goMarshal("x\ud800y")).toBe('"x\ufffdy"');
    expect(goMarshal("😀")).toBe('"😀"');
  });

  test("maps are sorted by key, structs keep field order and omit undefined; Encode adds a newline", () => {
    expect(goMarshal({ b: 1, a: { d: true, c: null }, "10": 0, "2": 0 })).toBe('{"10":0,"2":0,"a":{"c":null,"d":true},"b":1}');
    expect(goMarshal(goStruct([["z", 1], ["skip", undefined], ["a", [1, "x"]]]))).toBe('{"z":1,"a":[1,"x"]}');
    expect(goEncode(null)).toBe("null\n");
  });
});

describe("JSON request decoding", () => {
  test("numbers stay as text; duplicate keys: last wins; trailing data after the value is not read", () => {
    const v = parseGoJson(bytes('{"n":1.50,"a":1,"a":2} garbage'), 1000) as Map<string, unknown>;
    expect((v.get("n") as GoNumber).text).toBe("1.50");
    expect((v.get("a") as GoNumber).text).toBe("2");
  });

  test("escapes and UTF-8 decode like Go; empty body is EOF", () => {
    const v = parseGoJson(bytes('{"s":"\\u00e9\\ud83d\\ude00\\n\\/"}'), 1000) as Map<string, unknown>;
    expect(v.get("s")).toBe("é😀\n/");
    expect(parseGoJson(bytes("  \n"), 1000)).toBeUndefined();
  });

  test("the string cap counts keys and values", () => {
    expect(() => parseGoJson(bytes('{"a":"b","c":"d"}'), 4)).not.toThrow();
    expect(() => parseGoJson(bytes('{"a":"b","c":"d"}'), 3)).toThrow("exceeded maximum number of strings");
  });

  test("control characters inside strings are refused with Go's quoting", () => {
    expect(() => parseGoJson(bytes('{"a":"x\ny"}'), 10)).toThrow("invalid character '\\n' in string literal");
    expect(() => parseGoJson(bytes("{'a':1}"), 10)).toThrow("invalid character '\\'' looking for beginning of object key string");
    expect(() => parseGoJson(bytes('{"a":"\\u12G4"}'), 10)).toThrow("invalid character 'G' in \\u hexadecimal character escape");
    expect(() => parseGoJson(bytes('{"a":1.}'), 10)).toThrow("invalid character '}' in numeric literal");
    expect(() => parseGoJson(bytes('{"a":-'), 10)).toThrow("unexpected EOF");
  });
});

describe("formatting and parsing helpers", () => {
  test.each([
    ["aGVsbG8=", "hello"], ["aGVs\nbG8=", "hello"], ["", ""],
  ])("base64 %p decodes", (input, out) => {
    const r = goBase64Decode(input);
    expect(typeof r).not.toBe("string");
    expect(Buffer.from(r as Uint8Array).toString()).toBe(out);
  });

  test.each([
    ["a", 0], ["ab=", 3], ["a===", 1], ["AAA=AAAA", 4], ["AAAA!", 4], ["aGVsbG8=x", 8], ["YQ==YQ==", 4],
  ])("base64 %p fails at byte %d", (input, at) => {
    expect(goBase64Decode(input)).toBe(`illegal base64 data at input byte ${at}`);
  });

  test("Duration strings, duration parsing, %q, RFC3339Nano", () => {
    expect([0, 45, 60, 600, 3600, 5400, 2764800].map(goDuration)).toEqual(["0s", "45s", "1m0s", "10m0s", "1h0m0s", "1h30m0s", "768h0m0s"]);
    expect(["3600", "1h", "90m", "1h30m15s", "1.5h", "500ms", "bad", "5x"].map(parseGoDurationSeconds)).toEqual([3600, 3600, 5400, 5415, 5400, 0, undefined, undefined]);
    expect(goQuote('a"b\\c\n\u0007<')).toBe('"a\\"b\\\\c\\n\\a<"');
    expect(rfc3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5, 120))).toBe("2024-01-02T03:04:05.12Z");
    expect(rfc3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5, 0))).toBe("2024-01-02T03:04:05Z");
  });
});
