// `bun run emulator`: runs the OpenBao emulator standalone until SIGINT/SIGTERM and prints how
// to reach it (URL, CA, root token, a fresh JWT also kept in <dir>/jwt) as text or one JSON line.
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "./server.ts";
import { startCluster } from "./cluster.ts";
import { controlHelp, runControlCommand } from "./fault-commands.ts";

const usage = `Usage: bun run emulator [options]

Starts a local HTTPS OpenBao emulator (transit + jwt/approle auth) and keeps it running
until SIGINT or SIGTERM. Policies are enforced; the roles carry only the policy
"bao-kms-provider policy openbao" prints for the transit mount and key.

Options:
  --port <n>            listen port (default 8200; 0 = random); with --nodes, node i listens on port+i
  --nodes <n>           an HA cluster of n nodes (1 to 7, default 1): the first active, the others
                        standbys that serve reads and forward writes to it; faults are then
                        typed on standard input, one command per line (see below)
  --host <addr>         listen address (default 127.0.0.1)
  --dir <path>          where CA, certificate and jwt file go (default: temp dir, removed on exit)
  --server-name <name>  TLS server name in the certificate (default openbao.test)
  --transit-mount <m>   transit mount path (default transit)
  --key <name>          transit key created at start (default kubernetes)
  --allow-upsert        keep OpenBao's default disable_upsert=false on the transit mount
                        (default: disable_upsert=true, as init's setup script sets it)
  --jwt-mount <m>       jwt auth mount (default jwt → auth/jwt)
  --role <name>         jwt role (default openbao-kms)
  --token-ttl <s>       TTL of login tokens in seconds (default 3600)
  --jwt-ttl <s>         lifetime of the printed JWT; <dir>/jwt is refreshed at half of it (default 3600)
  --json                print one JSON line instead of text
  -h, --help            show this help

With --nodes 2 or more, standard input takes fault commands:
${controlHelp.split("\n").slice(1).join("\n")}
Each command answers one line (status: one per node), as JSON with --json.
`;

function intOption(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: "string" }, nodes: { type: "string" }, host: { type: "string" }, dir: { type: "string" }, "server-name": { type: "string" },
        "transit-mount": { type: "string" }, key: { type: "string" }, "allow-upsert": { type: "boolean" },
        "jwt-mount": { type: "string" }, role: { type: "string" }, "token-ttl": { type: "string" },
        "jwt-ttl": { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  let port: number, tokenTtl: number, jwtTtl: number, nodes: number;
  try {
    port = intOption("port", values.port, 8200);
    nodes = intOption("nodes", values.nodes, 1);
    if (nodes < 1 || nodes > 7) throw new Error(`--nodes must be between 1 and 7, got ${values.nodes}`);
    tokenTtl = intOption("token-ttl", values["token-ttl"], 3600);
    jwtTtl = Math.max(60, intOption("jwt-ttl", values["jwt-ttl"], 3600));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }

  const activeOpts = {
    host: values.host, port, dir: values.dir, serverName: values["server-name"],
    transit: { mount: values["transit-mount"], keyName: values.key, disableUpsert: !values["allow-upsert"] },
    jwt: { mount: values["jwt-mount"], role: values.role, tokenTtlSeconds: tokenTtl },
  };
  const cluster = nodes === 1 ? undefined : await startCluster({ ...activeOpts, standbys: nodes - 1, standbyPorts: (i) => (port === 0 ? 0 : port + i + 1) });
  const emu = cluster?.active ?? (await startEmulator(activeOpts));
  const jwtFile = join(emu.dir, "jwt");
  const writeJwt = () => {
    writeFileSync(jwtFile, emu.mintJwt({}, { ttlSeconds: jwtTtl }) + "\n", { mode: 0o600 });
    chmodSync(jwtFile, 0o600);
  };
  writeJwt();
  const refresh = setInterval(writeJwt, (jwtTtl * 1000) / 2);
  const jwt = emu.mintJwt({}, { ttlSeconds: jwtTtl });

  const info = {
    url: emu.url, caFile: emu.caFile, serverName: emu.serverName, rootToken: emu.rootToken,
    transitMount: emu.transitMount, transitMountUuid: emu.mountUuid(emu.transitMount), keyName: emu.keyName,
    jwtMount: emu.jwtMount, jwtRole: emu.jwtRole, jwtAudience: emu.jwtAudience, jwtIssuer: emu.jwtIssuer,
    jwtFile, jwt, approle: emu.approle, dir: emu.dir,
    ...(cluster === undefined ? {} : { nodes: cluster.nodes.map((n) => n.url) }),
  };
  if (values.json) {
    process.stdout.write(JSON.stringify(info) + "\n");
  } else {
    const rows: Array<[string, string]> = [
      ["url", cluster === undefined ? info.url : `${info.url} (node 1, active)`],
      ...(cluster === undefined ? [] : cluster.standbys.map((n, i): [string, string] => [`node ${i + 2}`, `${n.url} (standby)`])), ["ca file", info.caFile], ["server name", info.serverName], ["root token", info.rootToken],
      ["transit mount", `${info.transitMount} (uuid ${info.transitMountUuid})`], ["transit key", info.keyName],
      ["jwt mount", info.jwtMount], ["jwt role", info.jwtRole], ["jwt audience", info.jwtAudience],
      ["jwt file", `${jwtFile} (refreshed every ${jwtTtl / 2} s)`], ["jwt", jwt],
      ["approle", `${emu.approle.mount} role_id=${emu.approle.roleId} secret_id=${emu.approle.secretId}`],
    ];
    process.stdout.write(`OpenBao emulator running (Ctrl-C to stop${cluster === undefined ? "" : "; type help for fault commands"})\n`);
    for (const [k, v] of rows) process.stdout.write(`  ${(k + ":").padEnd(15)} ${v}\n`);
  }

  const stopped = new Promise<void>((resolve) => {
    const onSignal = () => resolve();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  if (cluster !== undefined) void readCommands(cluster, values.json === true);
  await stopped;
  clearInterval(refresh);
  await (cluster ?? emu).stop();
  if (!values.json) process.stdout.write("OpenBao emulator stopped\n");
  return 0;
}

/** Fault commands from stdin, one per line, until it closes (the emulator keeps running after). */
async function readCommands(cluster: NonNullable<Awaited<ReturnType<typeof startCluster>>>, json: boolean): Promise<void> {
  for await (const line of console) {
    let reply: string;
    try {
      reply = await runControlCommand(cluster, line);
    } catch (e) {
      reply = `failed: ${(e as Error).message}`;
    }
    if (reply === "") continue;
    process.stdout.write(json ? JSON.stringify({ command: line.trim(), reply: reply.split("\n") }) + "\n" : `${reply}\n`);
  }
}

// Exit explicitly: a cluster's stdin reader would otherwise keep the process alive after stop.
process.exit(await main(process.argv.slice(2)));
