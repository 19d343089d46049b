// Drives test/support/kms_client.py (python3-grpcio), an independent KMS v2 client.

import { join } from "node:path";
import { registerSecret } from "./log-capture.ts";

export interface PyResult {
  ok: boolean;
  code?: string;
  details?: string;
  [k: string]: unknown;
}

export interface EncryptReply extends PyResult {
  ciphertext: string;
  key_id: string;
  annotations: Record<string, string>;
}

const root = join(import.meta.dir, "..", "..");

export class PyKmsClient {
  private readonly proc;
  private buffer = "";
  private readonly waiting: Array<(r: PyResult) => void> = [];

  constructor(socketPath: string) {
    this.proc = Bun.spawn(["/usr/bin/python3", join(root, "test/support/kms_client.py"), socketPath, join(root, "proto")], {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "inherit",
    });
    void this.pump();
  }

  private async pump() {
    const decoder = new TextDecoder();
    for await (const chunk of this.proc.stdout) {
      this.buffer += decoder.decode(chunk);
      let nl: number;
      while ((nl = this.buffer.indexOf("\n")) !== -1) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.waiting.shift()?.(JSON.parse(line) as PyResult);
      }
    }
  }

  /** Sends one request and waits for its answer (requests are answered in order). */
  send<T extends PyResult = PyResult>(req: Record<string, unknown>): Promise<T> {
    return new Promise((resolve) => {
      this.waiting.push(resolve as (r: PyResult) => void);
      this.proc.stdin.write(JSON.stringify(req) + "\n");
      this.proc.stdin.flush();
    });
  }

  status(timeout = 5) {
    return this.send<PyResult & { version: string; healthz: string; key_id: string }>({ op: "status", timeout });
  }
  encrypt(plaintext: Uint8Array, timeout = 5) {
    // Every plaintext a test sends must stay out of the provider's logs (test/helpers/log-capture.ts).
    registerSecret(Buffer.from(plaintext).toString("base64"));
    return this.send<EncryptReply>({ op: "encrypt", plaintext: Buffer.from(plaintext).toString("base64"), uid: crypto.randomUUID(), timeout });
  }
  decrypt(r: { ciphertext: string; key_id: string; annotations: Record<string, string> }, timeout = 5) {
    return this.send<PyResult & { plaintext: string }>({ op: "decrypt", ciphertext: r.ciphertext, key_id: r.key_id, annotations: r.annotations, uid: crypto.randomUUID(), timeout });
  }

  async close() {
    this.proc.stdin.end();
    await this.proc.exited;
  }
}
