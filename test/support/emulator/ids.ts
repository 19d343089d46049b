// Random identifiers in OpenBao's formats: UUIDs, base62 accessors, `hvs.` tokens, hex suffixes.
import { randomBytes, randomInt, randomUUID } from "node:crypto";

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `n` uniformly random base62 characters. */
export function randomBase62(n: number): string {
  let out = "";
  for (let k = 0; k < n; k++) out += base62[randomInt(62)];
  return out;
}

export function newUuid(): string {
  return randomUUID();
}

/** `n` random bytes as lowercase hex. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** A service token. Real ones are `hvs.` + an SSC-encoded body; length and alphabet match, content is random. */
export function newServiceToken(): string {
  return "hvs." + randomBase62(91);
}

/** A token accessor: 24 base62 characters. */
export function newAccessor(): string {
  return randomBase62(24);
}
