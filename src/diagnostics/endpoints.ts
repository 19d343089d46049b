// doctor's openbao.tls with several addresses: every endpoint is asked sys/health through its own
// client (same CA, its own server name), and each gets one line. At least one usable endpoint is
// needed to go on; a usable cluster with an endpoint down is a warning, not a failure.
import type { Config } from "../config/schema.ts";
import { serverNameFor } from "../config/openbao-schema.ts";
import type { EndpointPool } from "../openbao/endpoints.ts";
import { readHealth } from "../openbao/sys-reads.ts";
import { callTimeout, describeFailure, unusableHealth } from "./describe.ts";
import { fail, type Outcome, pass, warn } from "./runner.ts";

export async function checkEndpoints(pool: EndpointPool, c: Config): Promise<{ outcome: Outcome; usable: number }> {
  const lines = await Promise.all(
    pool.members.map(async ({ address, http }) => {
      try {
        const h = await readHealth(http, callTimeout(c));
        if (!h.usable) return { usable: false, line: unusableHealth(address, h) };
        return { usable: true, line: `${address} as ${serverNameFor(c.openbao, address)}: ${h.state} (sys/health HTTP ${h.status})` };
      } catch (e) {
        return { usable: false, line: `${address}: ${describeFailure(e, c, address)}` };
      }
    }),
  );
  const usable = lines.filter((l) => l.usable).length;
  const total = lines.length;
  const text = `${usable} of ${total} OpenBao endpoints usable; ${lines.map((l) => l.line).join("; ")}`;
  if (usable === 0) return { outcome: fail(text), usable };
  return { outcome: usable < total ? warn(text) : pass(text), usable };
}
