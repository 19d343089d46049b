// Resolves a group name or decimal GID to a numeric GID from /etc/group (bounded read).

import { readFileSync, statSync } from "node:fs";

const maxGroupFileBytes = 4 * 1024 * 1024;

/** Returns the GID for `nameOrGid`; throws Error with a clear message when it cannot. */
export function resolveGroupId(nameOrGid: string, groupFile = "/etc/group"): number {
  if (/^[0-9]+$/.test(nameOrGid)) {
    const gid = Number(nameOrGid);
    if (!Number.isSafeInteger(gid) || gid > 0xfffffffe) throw new Error(`socket group ${nameOrGid} is not a valid GID`);
    return gid;
  }
  if (statSync(groupFile).size > maxGroupFileBytes) throw new Error(`${groupFile} is too large`);
  for (const line of readFileSync(groupFile, "utf8").split("\n")) {
    const [name, , gid] = line.split(":");
    if (name === nameOrGid && gid !== undefined && /^[0-9]+$/.test(gid)) return Number(gid);
  }
  throw new Error(`socket group "${nameOrGid}" does not exist`);
}
