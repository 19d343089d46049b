// `probe`: act like kube-apiserver against a running socket. Status → Encrypt(32 random
// bytes) → Decrypt, and check what the apiserver would check. No config or credentials.

import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { lstatSync } from "node:fs";
import { isAbsolute } from "node:path";
import { parseDuration } from "../config/duration.ts";
import { createKmsClient } from "../kms/grpc/client.ts";
import { hashValue, isHashValue } from "../kms/hash.ts";
import { isWellFormedKeyId } from "../kms/key-id.ts";
import { formatFlags, parseFlags, parseOutputFormat } from "./args.ts";
import { exitCodes, usageError, type ExitCode } from "./exit-codes.ts";
import { hasFailure, renderReport, type Check } from "../diagnostics/report.ts";

const flags = {
  socket: { type: "string", value: "PATH", description: "KMS socket to probe (default /run/openbao-kms/kms.sock)", default: undefined },
  config: { type: "string", value: "PATH", description: "take the socket from this config's server.socket_path (instead of --socket; exit 3 when the config is invalid)", default: undefined },
  timeout: { type: "string", value: "DURATION", description: "overall deadline for the three calls", default: "10s" },
  output: { type: "string", value: "FORMAT", description: "text or json", default: "text" },
  "expected-key-id": { type: "string", value: "ID", description: "fail unless Status reports this key_id (obk2.…, or its hash H(key_id) as doctor and rotation-plan print it)" },
} as const;

export const probeHelp = `Usage: bao-kms-provider probe [flags]

Calls Status, Encrypt (32 random bytes) and Decrypt on a running provider, as kube-apiserver
would, and checks version "v2", healthz "ok", Status key_id == Encrypt key_id and the round trip.
With --expected-key-id it also checks that Status reports that key_id: after switching from the
Go provider, pass the activeKeyId of the state file the Go provider left (or H(key_id) from its
rotation-plan). Only hashes are printed, never a key_id.
Exit 0 when every check passes, 4 when one fails, 2 on bad flags.

Flags:
${formatFlags(flags)}
`;

export async function runProbe(argv: readonly string[], out: (s: string) => void): Promise<ExitCode> {
  const f = parseFlags(argv, flags);
  if (f.help) {
    out(probeHelp);
    return exitCodes.ok;
  }
  const format = parseOutputFormat(f.output);
  if (f.socket !== undefined && f.config !== undefined) throw usageError("--socket and --config are exclusive");
  const socket = f.config !== undefined ? await socketFromConfig(f.config) : (f.socket ?? defaultSocket);
  if (!isAbsolute(socket)) throw usageError("--socket must be an absolute path");
  let timeoutMs: number;
  try {
    timeoutMs = parseDuration(f.timeout ?? "");
  } catch {
    throw usageError(`--timeout must be a duration such as 10s`);
  }
  if (timeoutMs <= 0) throw usageError("--timeout must be > 0");
  const expected = f["expected-key-id"];
  if (expected !== undefined && !isWellFormedKeyId(expected) && !isHashValue(expected)) {
    throw usageError("--expected-key-id must be a key_id (obk2. + 43 characters) or its hash H(key_id) (43 characters)");
  }

  const checks = await probeChecks(socket, timeoutMs, expected);
  const report = { name: "probe", checks };
  out(renderReport(report, format));
  return hasFailure(report) ? exitCodes.checkFailed : exitCodes.ok;
}

/** Whether Status's key_id is the expected one, given as a key_id or as H(key_id). */
export function keyIdMatches(keyId: string, expected: string): boolean {
  const [a, b] = isWellFormedKeyId(expected) ? [keyId, expected] : [hashValue(keyId), expected];
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Runs the probe sequence; later checks are skipped once one fails. */
export async function probeChecks(socket: string, timeoutMs: number, expectedKeyId?: string): Promise<Check[]> {
  const checks: Check[] = [];
  const euid = process.geteuid?.() ?? -1;
  checks.push(
    euid === 0
      ? { id: "client.identity", title: "probe identity", status: "warn", message: "running as root: this does not prove kube-apiserver's user can reach the socket" }
      : { id: "client.identity", title: "probe identity", status: "pass", message: `uid ${euid}` },
  );
  let st;
  try {
    st = lstatSync(socket, { throwIfNoEntry: false });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === "EACCES"
        ? `permission denied reaching ${socket}: this user (uid ${euid}) cannot search its directory; kube-apiserver's user must be in the socket's group`
        : `cannot inspect ${socket} (${code ?? "error"})`;
    checks.push({ id: "socket.path", title: "socket exists", status: "fail", message });
    return skipRest(checks, ["socket.connect", "kms.status", "kms.key_id", "kms.encrypt", "kms.decrypt"]);
  }
  if (st === undefined || !st.isSocket()) {
    checks.push({ id: "socket.path", title: "socket exists", status: "fail", message: st === undefined ? `${socket} does not exist` : `${socket} is not a socket` });
    return skipRest(checks, ["socket.connect", "kms.status", "kms.key_id", "kms.encrypt", "kms.decrypt"]);
  }
  checks.push({ id: "socket.path", title: "socket exists", status: "pass", message: socket });

  const deadline = new Date(Date.now() + timeoutMs);
  const client = createKmsClient(socket);
  try {
    let status;
    try {
      status = await client.status(deadline);
    } catch (e) {
      checks.push({ id: "socket.connect", title: "connect and call Status", status: "fail", message: grpcMessage(e) });
      return skipRest(checks, ["kms.status", "kms.key_id", "kms.encrypt", "kms.decrypt"]);
    }
    checks.push({ id: "socket.connect", title: "connect and call Status", status: "pass" });
    if (status.version !== "v2" || status.healthz !== "ok") {
      checks.push({ id: "kms.status", title: "Status is v2 and healthy", status: "fail", message: `version ${JSON.stringify(status.version)}, healthz ${JSON.stringify(status.healthz)}` });
      return skipRest(checks, ["kms.key_id", "kms.encrypt", "kms.decrypt"]);
    }
    checks.push({ id: "kms.status", title: "Status is v2 and healthy", status: "pass" });
    if (!isWellFormedKeyId(status.keyId)) {
      checks.push({ id: "kms.key_id", title: "Status key_id well-formed", status: "fail", message: "key_id is empty or not an obk2 key_id" });
      return skipRest(checks, ["kms.encrypt", "kms.decrypt"]);
    }
    checks.push({ id: "kms.key_id", title: "Status key_id well-formed", status: "pass", message: `H(key_id)=${hashValue(status.keyId)}` });
    if (expectedKeyId !== undefined) {
      const want = isWellFormedKeyId(expectedKeyId) ? hashValue(expectedKeyId) : expectedKeyId;
      if (!keyIdMatches(status.keyId, expectedKeyId)) {
        checks.push({ id: "kms.expected_key_id", title: "Status key_id is --expected-key-id", status: "fail", message: `Status H(key_id)=${hashValue(status.keyId)}, expected H(key_id)=${want}` });
        return skipRest(checks, ["kms.encrypt", "kms.decrypt"]);
      }
      checks.push({ id: "kms.expected_key_id", title: "Status key_id is --expected-key-id", status: "pass", message: `H(key_id)=${want}` });
    }

    const seed = randomBytes(32);
    let enc;
    try {
      enc = await client.encrypt(seed, randomUUID(), deadline);
    } catch (e) {
      checks.push({ id: "kms.encrypt", title: "Encrypt 32 random bytes", status: "fail", message: grpcMessage(e) });
      return skipRest(checks, ["kms.decrypt"]);
    }
    const encProblem =
      enc.keyId !== status.keyId ? "Encrypt key_id differs from Status key_id (kube-apiserver would discard it)"
      : enc.ciphertext.byteLength === 0 || enc.ciphertext.byteLength > 1024 ? `ciphertext size ${enc.ciphertext.byteLength} outside 1..1024`
      : undefined;
    if (encProblem) {
      checks.push({ id: "kms.encrypt", title: "Encrypt 32 random bytes", status: "fail", message: encProblem });
      return skipRest(checks, ["kms.decrypt"]);
    }
    checks.push({ id: "kms.encrypt", title: "Encrypt 32 random bytes", status: "pass", message: `ciphertext ${enc.ciphertext.byteLength} bytes, ${Object.keys(enc.annotations).length} annotations` });

    try {
      const dec = await client.decrypt({ ciphertext: enc.ciphertext, keyId: enc.keyId, annotations: enc.annotations, uid: randomUUID() }, deadline);
      const same = dec.plaintext.byteLength === seed.byteLength && timingSafeEqual(dec.plaintext, seed);
      checks.push(same ? { id: "kms.decrypt", title: "Decrypt round trip", status: "pass" } : { id: "kms.decrypt", title: "Decrypt round trip", status: "fail", message: "plaintext did not round-trip" });
    } catch (e) {
      checks.push({ id: "kms.decrypt", title: "Decrypt round trip", status: "fail", message: grpcMessage(e) });
    }
    return checks;
  } finally {
    client.close();
  }
}

function skipRest(checks: Check[], ids: string[]): Check[] {
  for (const id of ids) checks.push({ id, title: "not run", status: "skip", message: "an earlier check failed" });
  return checks;
}

function grpcMessage(e: unknown): string {
  const err = e as { code?: number; details?: string; message?: string };
  return err.code !== undefined ? `gRPC code ${err.code}: ${err.details ?? ""}` : String(err.message ?? e);
}

const defaultSocket = "/run/openbao-kms/kms.sock";

/** server.socket_path of a config, loaded and validated as `serve` does (exit 3 when invalid). */
async function socketFromConfig(path: string): Promise<string> {
  const { loadConfigFile } = await import("../config/load.ts");
  const { configOrExit } = await import("./load-config.ts");
  return (await configOrExit(() => loadConfigFile(path, { env: {} }))).server.socketPath;
}
