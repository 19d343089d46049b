// Files the .deb and .rpm carry for operators besides the host installation (src/install/
// layout.ts): the monitoring mixin and the shell completions. The completions are generated
// here, at package-build time, by the same code as `bao-kms-provider completion`, from the
// help text of the source being packaged: the same bytes on every build of a commit.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateCompletion } from "../src/cli/completion.ts";
import { runCli } from "../src/cli/root.ts";
import { docDir } from "../src/install/layout.ts";
import { repoRoot } from "./package-meta.ts";
import type { Extra } from "./package-stage.ts";

export const monitoringDir = "/usr/share/bao-kms-provider/monitoring";
/** Directories only this package uses (the rpm owns them with %dir). */
export const operatorDirs = ["/usr/share/bao-kms-provider", monitoringDir] as const;

/** The mixin's files and its documentation: install path → source path in the repository. */
export const monitoringFiles: Readonly<Record<string, string>> = {
  [`${monitoringDir}/prometheus-alerts.yaml`]: "packaging/monitoring/prometheus-alerts.yaml",
  [`${monitoringDir}/prometheus-rules.yaml`]: "packaging/monitoring/prometheus-rules.yaml",
  [`${monitoringDir}/grafana-dashboard.json`]: "packaging/monitoring/grafana-dashboard.json",
  // Prose goes to the doc dir (Debian policy; lintian flags documentation elsewhere).
  [`${docDir}/monitoring.md`]: "packaging/monitoring/README.md",
  [`${docDir}/runbook.md`]: "docs/runbook.md",
};

export const bashCompletionPath = "/usr/share/bash-completion/completions/bao-kms-provider";
/** Debian's zsh adds vendor-completions to $fpath; Fedora/RHEL's zsh reads site-functions. */
export const zshCompletionPath = { deb: "/usr/share/zsh/vendor-completions/_bao-kms-provider", rpm: "/usr/share/zsh/site-functions/_bao-kms-provider" } as const;

/** Paths in the .deb that `install systemd` does not write (the packages carry them only). */
export const packageOnlyPaths: readonly string[] = [...Object.keys(monitoringFiles), bashCompletionPath, zshCompletionPath.deb];

export async function operatorFiles(format: "deb" | "rpm"): Promise<Extra[]> {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  return [
    ...Object.entries(monitoringFiles).map(([path, src]) => ({ path, mode: 0o644, bytes: readFileSync(join(repoRoot, src)) })),
    { path: bashCompletionPath, mode: 0o644, bytes: utf8(await generateCompletion("bash", runCli)) },
    { path: zshCompletionPath[format], mode: 0o644, bytes: utf8(await generateCompletion("zsh", runCli)) },
  ];
}
