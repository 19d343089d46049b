// The one reader of openbao.ca_cert_file (serve, doctor, rotation commands, benchmark): a
// regular file, bounded, and its failures named without the file's content.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CaBundleError, maxCaBundleBytes, readCaBundle } from "../../src/openbao/from-config.ts";

const dir = mkdtempSync("/tmp/bkp-ca-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("reads a bundle up to the limit, refuses one byte more", async () => {
  writeFileSync(join(dir, "ok.pem"), "a".repeat(maxCaBundleBytes));
  expect(await readCaBundle(join(dir, "ok.pem"))).toHaveLength(maxCaBundleBytes);
  writeFileSync(join(dir, "big.pem"), "a".repeat(maxCaBundleBytes + 1));
  await expect(readCaBundle(join(dir, "big.pem"))).rejects.toThrow(`is larger than ${maxCaBundleBytes} bytes`);
});

test("a missing file, a directory or a FIFO is a CaBundleError naming the file (a FIFO never blocks)", async () => {
  await expect(readCaBundle(join(dir, "nope.pem"))).rejects.toBeInstanceOf(CaBundleError);
  await expect(readCaBundle(join(dir, "nope.pem"))).rejects.toThrow(`openbao.ca_cert_file ${join(dir, "nope.pem")}: file not found`);
  await expect(readCaBundle(dir)).rejects.toThrow("is a directory");
  expect(Bun.spawnSync(["mkfifo", join(dir, "fifo")]).exitCode).toBe(0);
  await expect(readCaBundle(join(dir, "fifo"))).rejects.toThrow("is not a regular file");
});
