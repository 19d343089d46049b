// The redaction check the e2e runs rely on (test/helpers/log-capture.ts) must be able to fail:
// each kind of secret is caught in a log line, a registered plaintext is caught, and the lines a
// healthy provider really writes pass.

import { expect, test } from "bun:test";
import { describeLeaks, findLeaks, registerSecret } from "../helpers/log-capture.ts";

const jwt = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlc2lnbmF0dXJl";
const token = "hvs.CAESIJ4t0kEnS3cr3tV4lu3Xyz0123456789";
const ciphertext = "vault:v1:8SDd3WHDOjf7mq69CyCqYjBXAiQQAVZRkFM13ok481zoCmHnSeDX9vyf7w==";
const keyId = "obk2.Mv2pXq0Tr3kq1T2bQ5a1bT4Xh0Zt8hWcYwq2Zp9a7fE";
const b64 = (s: string) => Buffer.from(s).toString("base64");

test.each([
  ["jwt", jwt],
  ["openbao token", token],
  ["transit ciphertext", ciphertext],
  ["transit ciphertext (base64)", b64(ciphertext)],
  ["raw key_id", keyId],
  ["raw key_id (base64)", b64(keyId)],
  ["raw key_id (base64)", b64("obk2.0v2pXq0Tr3kq1T2bQ5a1bT4Xh0Zt8hWcYwq2Zp9a7fE")],
  ["raw key_id (base64)", b64("obk2.-v2pXq0Tr3kq1T2bQ5a1bT4Xh0Zt8hWcYwq2Zp9a7fE")],
])("a %s anywhere in a line is found", (kind, secret) => {
  const line = JSON.stringify({ ts: "2026-01-01T00:00:00Z", level: "warn", message: "kms.request", reason: `x ${secret} y` });
  const leaks = findLeaks(["{}", line]);
  expect(leaks.map((l) => [l.kind, l.line, l.event])).toContainEqual([kind, 1, "kms.request"]);
  // The description names the kind and the event, never the secret.
  expect(describeLeaks(leaks)).not.toContain(secret);
});

test("a registered plaintext (and an extra exact value) is found; short values are ignored", () => {
  const plaintext = b64("a data-encryption key seed 32 bytes!");
  registerSecret(plaintext);
  registerSecret("short");
  expect(findLeaks([`plain ${plaintext}`]).map((l) => l.kind)).toEqual(["registered secret"]);
  expect(findLeaks(["a line with short in it"])).toEqual([]);
  expect(findLeaks(["has 0123456789abcdefXYZ"], ["0123456789abcdefXYZ"]).map((l) => l.kind)).toEqual(["registered secret"]);
});

test("real provider lines pass: hashes, classes, paths and numbers only", () => {
  const lines = [
    '{"ts":"2026-11-28T18:00:00.000Z","level":"info","message":"serve.start","version":"0.1.0","commit":"24b97ae","config_path":"/etc/openbao-kms/config.toml"}',
    '{"ts":"2026-11-28T18:00:00.100Z","level":"debug","message":"kms.request","method":"Decrypt","grpc_code":0,"error_class":"none","duration_ms":1.234,"key_id_hash":"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU","uid_hash":"n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"}',
    '{"ts":"2026-11-28T18:00:00.200Z","level":"warn","message":"socket.stale_removed","socket_path":"/run/openbao-kms/kms.sock"}',
    "2026-11-28T18:00:00.300Z INFO  auth.login status=ok duration_ms=3.2 token_ttl_seconds=3600",
  ];
  expect(findLeaks(lines)).toEqual([]);
});
