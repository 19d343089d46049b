// scripts/package-sbom.ts on small hand-written bun.lock files: the walk resolves nested copies
// the way node_modules lookup does, follows peers but not optional peers nor dev dependencies,
// refuses a lock that lacks a needed package or an integrity, and the document is deterministic.

import { describe, expect, test } from "bun:test";
import { bundledKeys, makeSbom, readLock, uuidV5 } from "../../scripts/package-sbom.ts";

const sri = (c: string) => `sha512-${Buffer.alloc(64, c).toString("base64")}`;
const lock = (packages: Record<string, unknown>, deps: Record<string, string> = { a: "1", b: "1" }) => JSON.stringify({
  lockfileVersion: 1,
  workspaces: { "": { name: "x", dependencies: deps, devDependencies: { dev: "1" } } },
  packages: { dev: ["dev@1.0.0", "", {}, sri("d")], ...packages },
});

describe("bun.lock runtime closure", () => {
  const text = lock({
    a: ["a@1.0.0", "", { dependencies: { c: "^2" } }, sri("a")],
    b: ["b@1.0.0", "", { dependencies: { c: "^1" }, peerDependencies: { p: "*", q: "*" }, optionalPeers: ["q"] }, sri("b")],
    c: ["c@2.0.0", "", {}, sri("c")],
    "b/c": ["c@1.5.0", "", {}, sri("e")],
    p: ["p@3.0.0", "", {}, sri("p")],
    q: ["q@1.0.0", "", {}, sri("q")],
  });

  test("nested copies, peers, no optional peer, no dev dependency", () => {
    const l = readLock(text);
    expect([...l.closure.values()].map((p) => `${p.key}=${p.name}@${p.version}`).sort()).toEqual(["a=a@1.0.0", "b/c=c@1.5.0", "b=b@1.0.0", "c=c@2.0.0", "p=p@3.0.0"]);
    expect(l.closure.get("b")!.deps).toEqual(["b/c", "p"]);
    expect(l.direct).toEqual(["a", "b"]);
  });

  test("a dependency missing from the lock, or an entry without sha512, is an error", () => {
    expect(() => readLock(lock({ a: ["a@1.0.0", "", { dependencies: { gone: "1" } }, sri("a")], b: ["b@1.0.0", "", {}, sri("b")] }))).toThrow("gone (needed by a) is not in the lock");
    expect(() => readLock(lock({ a: ["a@1.0.0", "", {}, "sha1-abc"], b: ["b@1.0.0", "", {}, sri("b")] }))).toThrow("no sha512 integrity");
  });

  test("metafile inputs map to lock keys, scoped and nested", () => {
    expect(bundledKeys({ inputs: { "src/main.ts": {}, "node_modules/a/x.js": {}, "node_modules/@s/n/node_modules/c/i.js": {}, "node_modules/@s/n/lib/y.js": {} } })).toEqual(["@s/n", "@s/n/c", "a"]);
  });

  test("the SBOM: sorted, scopes from the bundle, same input same bytes, other input other serial", () => {
    const input = { version: "1.2.3", commit: "f".repeat(40), epoch: 1_700_000_000, bunVersion: "1.4.5", bunRevision: "r", lockText: text, bundled: ["a", "c"] };
    const one = makeSbom(input);
    expect(makeSbom(input)).toBe(one);
    const doc = JSON.parse(one) as { serialNumber: string; metadata: { timestamp: string }; components: { name: string; scope: string; properties?: { name: string; value: string }[] }[] };
    expect(doc.metadata.timestamp).toBe("2023-11-14T22:13:20Z");
    expect(doc.components.map((c) => `${c.properties?.find((p) => p.name === "bun.lock:key")?.value ?? "runtime"}:${c.scope}`)).toEqual(["runtime:required", "a:required", "b:excluded", "b/c:excluded", "c:required", "p:excluded"]);
    expect(JSON.parse(makeSbom({ ...input, commit: "e".repeat(40) })).serialNumber).not.toBe(doc.serialNumber);
    expect(() => makeSbom({ ...input, bundled: ["dev"] })).toThrow("not in bun.lock's runtime dependency closure");
  });

  test("uuidV5 agrees with another implementation (Python's uuid.uuid5 in the URL namespace)", () => {
    // python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, "https://example.org/"))'
    expect(uuidV5("https://example.org/")).toBe("527dda32-a0de-5105-a042-cb475b5f7d11");
  });
});
