// Go `encoding/json` string encoding, byte for byte. The AAD and the state-file hashes are
// computed over Go-marshalled JSON, so JSON.stringify (which leaves <, >, & and U+2028/9 raw)
// is not good enough.

const shortEscapes: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** Returns `s` as a quoted JSON string literal exactly as Go's encoding/json writes it. */
export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const code = ch.charCodeAt(0);
    const short = shortEscapes[ch];
    if (short !== undefined) {
      out += short;
    } else if (code < 0x20 || ch === "<" || ch === ">" || ch === "&" || code === 0x2028 || code === 0x2029) {
      out += "\\u" + code.toString(16).padStart(4, "0");
    } else if (code >= 0xd800 && code <= 0xdfff && !isPairedSurrogate(s, i)) {
      // Go replaces invalid UTF-8 (a lone surrogate here) with U+FFFD.
      out += "\ufffd";
    } else {
      out += ch;
      if (code >= 0xd800 && code <= 0xdbff) {
        out += s[i + 1] as string;
        i++;
      }
    }
  }
  return out + '"';
}

function isPairedSurrogate(s: string, i: number): boolean {
  const code = s.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff;
  }
  return false;
}

/**
 * Encodes an ordered list of [key, string value] pairs as a compact Go-style JSON object.
 * Field order is the array order (Go marshals structs in declaration order).
 */
export function goJsonObjectOfStrings(fields: ReadonlyArray<readonly [string, string]>): string {
  return "{" + fields.map(([k, v]) => goJsonString(k) + ":" + goJsonString(v)).join(",") + "}";
}
