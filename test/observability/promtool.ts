// Runs `promtool check metrics` (Debian package "prometheus", installed by scripts/setup.sh) on
// a scrape body; resolves with its exit code and combined output (empty when the lint is clean).

import { existsSync } from "node:fs";

export const promtoolPath = "/usr/bin/promtool";

export async function promtoolCheck(body: string): Promise<{ code: number; output: string }> {
  if (!existsSync(promtoolPath)) throw new Error(`${promtoolPath} is missing: run scripts/setup.sh (Debian package prometheus)`);
  const p = Bun.spawn([promtoolPath, "check", "metrics"], { stdin: new Blob([body]), stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, output: (out + err).trim() };
}
