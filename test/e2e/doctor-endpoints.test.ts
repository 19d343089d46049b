// doctor with openbao.addresses, on the compiled binary against a 3-node emulator cluster: every
// node is asked sys/health once and gets one line in openbao.tls; a sealed or dead node is a warning while another is usable
// (the login and Transit checks then pass through the usable ones); none usable is a failure.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type EmulatorCluster, startCluster } from "../support/emulator/cluster.ts";
import { reportLines, runBinary } from "../helpers/cli.ts";
import { writeProviderFiles, type ProviderFiles } from "../helpers/provider.ts";

let cluster: EmulatorCluster;
let files: ProviderFiles;

beforeAll(async () => {
  cluster = await startCluster({ standbys: 2 });
  files = writeProviderFiles(cluster.active, { addresses: cluster.nodes.map((n) => n.url) });
}, 30_000);
afterAll(async () => {
  await cluster?.stop();
  files?.cleanup();
});

const doctor = async () => {
  const r = await runBinary(["doctor", "--config", files.configPath], { secrets: [cluster.active.rootToken] });
  const status = (id: string) => reportLines(r.stdout).find(([, i]) => i === id)?.[0];
  const tls = r.stdout.split("\n").find((l) => l.includes("openbao.tls")) ?? "";
  return { r, status, tls };
};

test("all three usable: pass, one line per node with its role, from one sys/health per node", async () => {
  const since = Date.now();
  const { r, status, tls } = await doctor();
  // The lines and the pool's ranking come from the same round (no second sys/health).
  expect(cluster.nodes.map((n) => n.requests.filter((q) => q.atMs >= since && q.path === "/v1/sys/health").length)).toEqual([1, 1, 1]);
  expect(status("openbao.tls"), r.stdout).toBe("pass");
  expect(tls).toContain("3 of 3 OpenBao endpoints usable");
  expect(tls).toContain(`${cluster.nodes[0]!.url} as openbao.test: active`);
  expect(tls).toContain(`${cluster.nodes[1]!.url} as openbao.test: standby`);
  expect(status("openbao.auth")).toBe("pass");
  expect(r.code).toBe(0);
});

test("one sealed, one dead: warn naming each; the login and Transit checks still pass", async () => {
  cluster.seal(cluster.nodes[1]!);
  await cluster.kill(cluster.nodes[2]!);
  const { r, status, tls } = await doctor();
  expect(status("openbao.tls"), r.stdout).toBe("warn");
  expect(tls).toContain("1 of 3 OpenBao endpoints usable");
  expect(tls).toContain(`${cluster.nodes[1]!.url} answered but is sealed`);
  expect(tls).toContain(`${cluster.nodes[2]!.url}: cannot connect to ${cluster.nodes[2]!.url}`);
  expect(status("openbao.auth")).toBe("pass");
  expect(status("transit.profile")).toBe("pass");
});

test("none usable: fail, and the checks that need OpenBao are skipped", async () => {
  cluster.seal(cluster.nodes[0]!);
  const { r, status, tls } = await doctor();
  expect(status("openbao.tls"), r.stdout).toBe("fail");
  expect(tls).toContain("0 of 3 OpenBao endpoints usable");
  expect(status("openbao.auth")).toBe("skip");
  expect(r.code).not.toBe(0);
});
