// init's last steps: every generated file is parsed back and checked, then written into an
// absent or empty --out directory, each file created exclusively (O_EXCL, no symlink followed).
import { chmodSync, closeSync, constants, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync, writeSync } from "node:fs";
import { identityFingerprint } from "../config/fingerprint.ts";
import { parseConfigText } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { checkEncryptionConfigText } from "../diagnostics/encryption-config.ts";
import { parsePolicyHcl, policyStanzas } from "../init/policy.ts";
import { staticPodUid } from "../init/render.ts";
import { mountIdMarker } from "../init/setup-script.ts";
import { CliError, exitCodes } from "./exit-codes.ts";
import type { Generated } from "./init-generate.ts";

/** Stands in for the mount's uuid while the generated config is checked (never written). */
export const pendingMountIdForChecks = "00000000-0000-4000-8000-000000000000";
export const policyNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Re-checks a generated file by parsing it back; a problem here is a bug, so it is exit 1. */
export function selfCheck(file: Generated, cfg: Config, policyName: string, socketGid: number | undefined, image: string | undefined): void {
  const problem = (why: string) => new CliError(exitCodes.error, `generated ${file.name} failed its self-check: ${why}`);
  switch (file.name) {
    case "config.toml": {
      const again = parseConfigText(file.text, { env: {} });
      if (identityFingerprint(again) !== identityFingerprint(cfg)) throw problem("fingerprint changed on reload");
      return;
    }
    case "config.toml.in": {
      if (file.text.split(mountIdMarker).length !== 2) throw problem(`${mountIdMarker} must appear exactly once`);
      const again = parseConfigText(file.text.replace(mountIdMarker, pendingMountIdForChecks), { env: {} });
      if (identityFingerprint(again) !== identityFingerprint(cfg)) throw problem("fingerprint changed on reload");
      return;
    }
    case "encryption-config-readers.yaml":
    case "encryption-config.yaml": {
      const r = checkEncryptionConfigText(file.text, { providerName: cfg.transit.keyIdScope.providerName, socketPath: cfg.server.socketPath });
      if (r.problems.length > 0) throw problem(r.problems.join("; "));
      const want = file.name === "encryption-config.yaml" ? "kms-first" : "identity-first";
      if (r.order !== want || !r.identityFallback) throw problem(`providers must be ${want}`);
      return;
    }
    case "openbao-policy.hcl": {
      const parsed = parsePolicyHcl(file.text);
      const want = policyStanzas(cfg.transit.mountPath, cfg.transit.keyName);
      if (JSON.stringify(parsed) !== JSON.stringify(want.map((s) => ({ path: s.path, capabilities: s.capabilities })))) throw problem("stanzas differ");
      if (!policyNamePattern.test(policyName)) throw problem("policy name");
      return;
    }
    case "openbao-setup.sh": {
      if (!file.text.startsWith("#!/bin/sh\n") || !file.text.includes("\nset -eu\n")) throw problem("missing #!/bin/sh or set -eu");
      if (!file.text.includes('{"disable_upsert":true}') || !file.text.includes('"exportable":false')) throw problem("missing safe key settings");
      if (/[\u0000-\u0008\u000b-\u001f]/.test(file.text)) throw problem("control characters");
      return;
    }
    case "bao-kms-provider.yaml": {
      const pod = Bun.YAML.parse(file.text) as { kind?: string; spec?: { securityContext?: { supplementalGroups?: number[]; runAsUser?: number }; containers?: Array<{ image?: string }> } };
      if (pod.kind !== "Pod") throw problem("kind must be Pod");
      if (pod.spec?.containers?.[0]?.image !== image) throw problem("image differs");
      if (!pod.spec?.securityContext?.supplementalGroups?.includes(socketGid as number)) throw problem("socket GID missing from supplementalGroups");
      if (pod.spec.securityContext.runAsUser !== staticPodUid) throw problem("runAsUser");
      return;
    }
    case "installation.json": {
      const rec = JSON.parse(file.text) as { identityFingerprint?: string };
      if (rec.identityFingerprint !== null && rec.identityFingerprint !== identityFingerprint(cfg)) throw problem("fingerprint");
      if (/token|secret/i.test(Object.keys(rec).join(","))) throw problem("secret-like field");
      return;
    }
    default:
      throw problem("unknown file");
  }
}

export function prepareOutDir(dir: string): void {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (st === undefined) {
    try {
      mkdirSync(dir, { mode: 0o750 });
      chmodSync(dir, 0o750);
    } catch (e) {
      throw new CliError(exitCodes.error, `cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
    }
    return;
  }
  if (st.isSymbolicLink() || !st.isDirectory()) throw new CliError(exitCodes.error, `${dir} is not a directory`);
  if (readdirSync(dir).length > 0) throw new CliError(exitCodes.error, `${dir} is not empty; init never overwrites generated files`);
}

export function writeExclusive(path: string, text: string, mode: number): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(exitCodes.error, code === "EEXIST" ? `${path} already exists; init never overwrites files` : `cannot create ${path}: ${code ?? "error"}`);
  }
  try {
    fchmodSync(fd, mode);
    const buf = Buffer.from(text, "utf8");
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
  } catch (e) {
    throw new CliError(exitCodes.error, `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
  } finally {
    closeSync(fd);
  }
}
