// doctor's least-privilege check treats the soft-delete paths as key management.
import { expect, test } from "bun:test";
import { capabilityPaths, judgeCapabilities } from "../../src/diagnostics/capabilities.ts";

const p = capabilityPaths("transit", "k8s");
const good = new Map<string, string[]>([[p.key, ["read"]], [p.encrypt, ["update"]], [p.decrypt, ["update"]]]);

test("soft-delete and soft-delete-restore are management paths the token must not have", () => {
  expect(p.management).toContain("transit/keys/k8s/soft-delete");
  expect(p.management).toContain("transit/keys/k8s/soft-delete-restore");
  expect(judgeCapabilities(p, good)).toEqual({ missing: [], excess: [] });
  expect(judgeCapabilities(p, new Map([...good, ["transit/keys/k8s/soft-delete", ["delete"]]])).excess).toEqual(["delete on transit/keys/k8s/soft-delete"]);
  expect(judgeCapabilities(p, new Map([...good, ["transit/keys/k8s/soft-delete-restore", ["update"]]])).excess).toEqual(["update on transit/keys/k8s/soft-delete-restore"]);
});
