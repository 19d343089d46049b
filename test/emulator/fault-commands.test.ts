// The standalone cluster's fault commands (fault-commands.ts) on a real 3-node cluster: each
// command changes what a client sees, a typo is answered and changes nothing.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type EmulatorCluster, startCluster } from "../support/emulator/cluster.ts";
import { controlHelp, runControlCommand } from "../support/emulator/fault-commands.ts";

let c: EmulatorCluster;
beforeAll(async () => {
  c = await startCluster({ standbys: 2 });
});
afterAll(async () => {
  await c?.stop();
});

const run = (line: string) => runControlCommand(c, line, 1000);
const health = async (i: number) => (await fetch(`${c.nodes[i]!.url}/v1/sys/health`, { tls: { ca: c.active.caPem } } as RequestInit)).status;

test("bad input is answered and changes nothing", async () => {
  expect(await run("")).toBe("");
  expect(await run("help")).toBe(controlHelp);
  expect(await run("reboot 1")).toBe('unknown command "reboot"; try help');
  expect(await run("kill")).toBe("kill takes a node number; try help");
  expect(await run("slow 1")).toBe("slow takes a node number and milliseconds; try help");
  expect(await run("seal 4")).toBe('no node "4": nodes are 1 to 3');
  expect(await run("seal 0")).toBe('no node "0": nodes are 1 to 3');
  expect(await run("slow 1 -5")).toBe('slow takes whole milliseconds from 0 to 600000, got "-5"');
  expect([await health(0), await health(1), await health(2)]).toEqual([200, 429, 429]);
  expect(await run("status")).toBe(
    [`node 1 ${c.nodes[0]!.url}: sys/health HTTP 200 (leader)`, `node 2 ${c.nodes[1]!.url}: sys/health HTTP 429`, `node 3 ${c.nodes[2]!.url}: sys/health HTTP 429`, "leader: node 1"].join("\n"),
  );
});

test("seal, pause, slow, unavailable and kill do what they say, and leadership follows", async () => {
  expect(await run("seal 1")).toBe("ok: seal node 1; leader now node 2");
  expect(await health(0)).toBe(503);
  expect(await run("unseal 1")).toBe("ok: unseal node 1; leader now node 2");
  expect(await run("pause 2")).toBe("ok: pause node 2; leader now node 1");
  expect(await run("status")).toContain(`node 2 ${c.nodes[1]!.url}: no answer within 1000 ms`);
  expect(await run("resume 2")).toBe("ok: resume node 2; leader now node 1");
  expect(await run("slow 3 150")).toBe("ok: slow node 3 150 ms; leader now node 1");
  const t0 = performance.now();
  expect(await health(2)).toBe(429);
  expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  expect(await run("slow 3 0")).toBe("ok: slow node 3 0 ms; leader now node 1");
  expect(await run("unavailable 3")).toBe("ok: unavailable node 3; leader now node 1");
  expect(await health(2)).toBe(503);
  expect(await run("available 3")).toBe("ok: available node 3; leader now node 1");
  expect(await health(2)).toBe(429);
  expect(await run("kill 1")).toBe("ok: kill node 1; leader now node 2");
  expect(await run("status")).toBe(
    [`node 1 ${c.nodes[0]!.url}: connection refused`, `node 2 ${c.nodes[1]!.url}: sys/health HTTP 200 (leader)`, `node 3 ${c.nodes[2]!.url}: sys/health HTTP 429`, "leader: node 2"].join("\n"),
  );
});
