// doctor's openbao.tls with several addresses: one sys/health round through the pool (each endpoint
// asked through its own client: same CA, its own server name), and a line for each endpoint. The
// same round ranks the pool, so the login and Transit checks after it go where serve would send
// them. At least one usable endpoint is needed to go on; a usable cluster with an endpoint down is
// a warning, not a failure.
import type { Config } from "../config/schema.ts";
import { serverNameFor } from "../config/openbao-schema.ts";
import type { EndpointPool } from "../openbao/endpoints.ts";
import { callTimeout, describeFailure, unusableHealth } from "./describe.ts";
import { fail, type Outcome, pass, warn } from "./runner.ts";

export async function checkEndpoints(pool: EndpointPool, c: Config): Promise<{ outcome: Outcome; usable: number }> {
  const lines = (await pool.checkAll(callTimeout(c))).map(({ address, health, error }) => {
    if (health === undefined) return { usable: false, line: `${address}: ${describeFailure(error, c, address)}` };
    if (!health.usable) return { usable: false, line: unusableHealth(address, health) };
    return { usable: true, line: `${address} as ${serverNameFor(c.openbao, address)}: ${health.state} (sys/health HTTP ${health.status})` };
  });
  const usable = lines.filter((l) => l.usable).length;
  const total = lines.length;
  const text = `${usable} of ${total} OpenBao endpoints usable; ${lines.map((l) => l.line).join("; ")}`;
  if (usable === 0) return { outcome: fail(text), usable };
  return { outcome: usable < total ? warn(text) : pass(text), usable };
}
