// The files a host installation consists of, embedded in the binary (Bun bundles these text
// imports), with their install paths and modes. `install systemd` and scripts/package.ts both
// read this table, so the packages and the bare binary install the same bytes.

import unit from "../../packaging/systemd/bao-kms-provider.service" with { type: "text" };
import sysusers from "../../packaging/systemd/sysusers.conf" with { type: "text" };
import tmpfiles from "../../packaging/systemd/tmpfiles.conf" with { type: "text" };
import exampleConfig from "../../packaging/examples/config.toml" with { type: "text" };
import encryptionConfig from "../../packaging/examples/encryption-config.yaml" with { type: "text" };
import manPage from "../../packaging/man/bao-kms-provider.1" with { type: "text" };

export interface EmbeddedFile {
  /** Absolute install path. */
  readonly path: string;
  readonly mode: number;
  readonly bytes: Uint8Array;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
/** gzip -9 with no name and no timestamp: the same bytes from the packager and the binary (both Bun's zlib). */
const gzip = (text: string) => Bun.gzipSync(utf8(text), { level: 9 });

export const binaryPath = "/usr/bin/bao-kms-provider";
export const binaryMode = 0o755;
export const unitName = "bao-kms-provider.service";
export const configPath = "/etc/openbao-kms/config.toml";
export const docDir = "/usr/share/doc/bao-kms-provider";

/** Files every installation carries besides the binary (owner root:root). */
export const systemFiles: readonly EmbeddedFile[] = [
  { path: `/usr/lib/systemd/system/${unitName}`, mode: 0o644, bytes: utf8(unit) },
  { path: "/usr/lib/sysusers.d/openbao-kms.conf", mode: 0o644, bytes: utf8(sysusers) },
  { path: "/usr/lib/tmpfiles.d/openbao-kms.conf", mode: 0o644, bytes: utf8(tmpfiles) },
  { path: "/usr/share/man/man1/bao-kms-provider.1.gz", mode: 0o644, bytes: gzip(manPage) },
  { path: `${docDir}/config.toml`, mode: 0o644, bytes: utf8(exampleConfig as string) },
  { path: `${docDir}/encryption-config.yaml`, mode: 0o644, bytes: utf8(encryptionConfig as string) },
];

/** The live config `install systemd` writes from the example (never by the packages). */
export const configFile: EmbeddedFile = { path: configPath, mode: 0o640, bytes: utf8(exampleConfig as string) };

/** The embedded tmpfiles.d text: the directory layout and the owners of operator files. */
export const tmpfilesText: string = tmpfiles;
/** The embedded sysusers.d text: the user and groups. */
export const sysusersText: string = sysusers;
