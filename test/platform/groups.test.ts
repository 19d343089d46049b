// socket_group: a numeric GID or a group name resolved from the group file (bounded read).

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveGroupId } from "../../src/platform/groups.ts";

const dir = mkdtempSync("/tmp/bkp-groups-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const groupFile = join(dir, "group");
writeFileSync(groupFile, "root:x:0:\nkube-apiserver:x:998:a,b\nbroken:x:notanumber:\nopenbao-kms:x:997:\n");

test("a decimal GID is used as it is, without reading the group file", () => {
  expect(resolveGroupId("0", join(dir, "absent"))).toBe(0);
  expect(resolveGroupId("998", join(dir, "absent"))).toBe(998);
});

test("a name is looked up in the group file", () => {
  expect(resolveGroupId("kube-apiserver", groupFile)).toBe(998);
  expect(resolveGroupId("openbao-kms", groupFile)).toBe(997);
});

test("an unknown name, a malformed entry or an out-of-range GID is an error naming it", () => {
  expect(() => resolveGroupId("nobody-here", groupFile)).toThrow('socket group "nobody-here" does not exist');
  expect(() => resolveGroupId("broken", groupFile)).toThrow('socket group "broken" does not exist');
  expect(() => resolveGroupId("4294967295", groupFile)).toThrow("not a valid GID");
});

test("an oversized group file is refused, not read", () => {
  const big = join(dir, "big");
  writeFileSync(big, "");
  truncateSync(big, 4 * 1024 * 1024 + 1);
  expect(() => resolveGroupId("kube-apiserver", big)).toThrow("too large");
});
