// Filesystem checks on the files a config names: the CA bundle must hold parseable
// certificates (not only exist), and the config file's own mode problem reads as one sentence.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { caBundleProblem, configFileProblems } from "../../src/config/file-checks.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { makeCa } from "../support/tls.ts";
import { fixtureText } from "./fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "file-checks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string, mode = 0o644) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
};

test("a CA bundle must hold at least one certificate, each of which parses", () => {
  const ca = makeCa(dir, "good");
  expect(caBundleProblem(ca.caFile)).toBeUndefined();
  expect(caBundleProblem(file("empty.pem", ""))).toBe("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  expect(caBundleProblem(file("key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))).toBe("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  expect(caBundleProblem(file("bad.pem", `${ca.caPem}-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n`))).toBe("certificate 2 of 2 does not parse as X.509");
  expect(caBundleProblem(join(dir, "missing.pem"))).toBe("must exist and be readable");
});

test("configFileProblems names the CA content problem (config check, doctor and serve all use it)", async () => {
  const cfg = await parseConfigText((await fixtureText("minimal.toml")).replace(/ca_cert_file = "[^"]*"/, `ca_cert_file = "${file("notes.txt", "this is not a certificate\n")}"`), { env: {} });
  const problems = configFileProblems(cfg, "", undefined, {});
  expect(problems).toContainEqual({ path: "openbao.ca_cert_file", message: "holds no PEM certificate (-----BEGIN CERTIFICATE-----)" });
});

test("the config file's own mode problem reads 'config file permissions unsafe', not 'config file file …'", async () => {
  const path = file("config.toml", await fixtureText("minimal.toml"), 0o666);
  const cfg = await parseConfigText(await fixtureText("minimal.toml"), { env: {} });
  const own = configFileProblems(cfg, path).find((p) => p.path === "");
  expect(own?.message).toBe("config file permissions unsafe: mode must not include 0037 (has 0666)");
});
