// Test PKI made with the real `openssl` CLI: a throwaway CA and certificates it signs.
// Guarantees: fresh keys on every call, SANs exactly as requested, certs 0644, keys 0600.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A certificate authority on disk. `keyFile` is only needed to issue certificates. */
export interface TestCa {
  caFile: string;
  caPem: string;
  caKeyFile: string;
}

/** A leaf certificate signed by a TestCa. */
export interface TestCert {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

/** What `makeTestPki` returns: the CA plus one server certificate. */
export interface TestPki extends TestCert {
  caFile: string;
  caPem: string;
}

const validityDays = "2";
const opensslTimeoutMs = 15_000;

function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"], timeout: opensslTimeoutMs });
}

function newKeyArgs(): string[] {
  return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
}

/** Creates a self-signed CA named `<name>` under `dir` (files `<name>.pem`, `<name>.key`). */
export function makeCa(dir: string, name = "ca"): TestCa {
  const caFile = join(dir, `${name}.pem`);
  const caKeyFile = join(dir, `${name}.key`);
  const subject = `/CN=bao-kms-provider test CA ${randomBytes(4).toString("hex")}`;
  openssl([
    "req", "-x509", ...newKeyArgs(), "-keyout", caKeyFile, "-out", caFile, "-days", validityDays,
    "-subj", subject,
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  chmodSync(caFile, 0o644);
  chmodSync(caKeyFile, 0o600);
  return { caFile, caPem: readFileSync(caFile, "utf8"), caKeyFile };
}

/** Options for `issueCert`. `usage` picks the extended key usage. */
export interface IssueOptions {
  name: string; // file stem
  commonName: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  usage?: "server" | "client";
}

/** Issues a leaf certificate signed by `ca`, written as `<name>.pem` / `<name>.key` in `dir`. */
export function issueCert(ca: TestCa, dir: string, o: IssueOptions): TestCert {
  const certFile = join(dir, `${o.name}.pem`);
  const keyFile = join(dir, `${o.name}.key`);
  const csrFile = join(dir, `${o.name}.csr`);
  const extFile = join(dir, `${o.name}.ext`);
  const sans = [...(o.dnsNames ?? []).map((d) => `DNS:${d}`), ...(o.ipAddresses ?? []).map((ip) => `IP:${ip}`)];
  const ext = [
    "basicConstraints=critical,CA:FALSE",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    `extendedKeyUsage=${o.usage === "client" ? "clientAuth" : "serverAuth"}`,
    ...(sans.length > 0 ? [`subjectAltName=${sans.join(",")}`] : []),
  ];
  writeFileSync(extFile, ext.join("\n") + "\n");
  openssl(["req", ...newKeyArgs(), "-keyout", keyFile, "-out", csrFile, "-subj", `/CN=${o.commonName}`]);
  openssl([
    "x509", "-req", "-in", csrFile, "-CA", ca.caFile, "-CAkey", ca.caKeyFile,
    "-set_serial", `0x${randomBytes(8).toString("hex")}`, "-days", validityDays,
    "-extfile", extFile, "-out", certFile,
  ]);
  chmodSync(certFile, 0o644);
  chmodSync(keyFile, 0o600);
  return { certFile, keyFile, certPem: readFileSync(certFile, "utf8"), keyPem: readFileSync(keyFile, "utf8") };
}

/**
 * Creates a CA and a server certificate for `serverName` with SANs
 * DNS:<serverName>, DNS:localhost, IP:127.0.0.1 (plus `extraNames`, DNS or IP literals).
 */
export function makeTestPki(dir: string, o: { serverName: string; extraNames?: string[] }): TestPki {
  const ca = makeCa(dir, "ca");
  const names = [o.serverName, "localhost", "127.0.0.1", ...(o.extraNames ?? [])];
  const isIp = (s: string) => /^[0-9.]+$/.test(s) || s.includes(":");
  const dnsNames = unique(names.filter((n) => !isIp(n)));
  const ipAddresses = unique(names.filter(isIp));
  const leaf = issueCert(ca, dir, { name: "server", commonName: o.serverName, dnsNames, ipAddresses });
  return { caFile: ca.caFile, caPem: ca.caPem, ...leaf };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
