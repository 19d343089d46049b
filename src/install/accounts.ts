// Looks users and groups up in <root>/etc/passwd and <root>/etc/group (files only, bounded),
// so owners are resolved for the system being installed into, never for the one running us.

import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const maxBytes = 4 * 1024 * 1024;

function table(file: string): Map<string, number> {
  const ids = new Map<string, number>();
  let text: string;
  try {
    if (statSync(file).size > maxBytes) return ids;
    text = readFileSync(file, "utf8");
  } catch {
    return ids;
  }
  for (const line of text.split("\n")) {
    const [name, , id] = line.split(":");
    if (name && id !== undefined && /^[0-9]+$/.test(id) && !ids.has(name)) ids.set(name, Number(id));
  }
  return ids;
}

export interface Accounts {
  readonly uid: (name: string) => number | undefined;
  readonly gid: (name: string) => number | undefined;
}

/** `root` is 0 everywhere; every other name only when the root's own files define it. */
export function readAccounts(root: string): Accounts {
  const users = table(join(root, "etc/passwd"));
  const groups = table(join(root, "etc/group"));
  return {
    uid: (name) => (name === "root" ? 0 : users.get(name)),
    gid: (name) => (name === "root" ? 0 : groups.get(name)),
  };
}
