// Reads the `d` (create directory) and `z` (adjust existing path) lines of a tmpfiles.d file, so
// `install systemd` applies exactly the layout systemd-tmpfiles would (pure; no I/O).

export interface TmpfilesEntry {
  readonly type: "d" | "z";
  readonly path: string;
  readonly mode: number;
  readonly user: string;
  readonly group: string;
}

/** Parses the lines this project uses; anything else is an error (the file is ours and embedded). */
export function parseTmpfiles(text: string): TmpfilesEntry[] {
  const out: TmpfilesEntry[] = [];
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [type, path, mode, user, group, age, ...rest] = line.split(/\s+/);
    if ((type !== "d" && type !== "z") || path === undefined || !path.startsWith("/") || !/^[0-7]{4}$/.test(mode ?? "") || !user || !group || age !== "-" || rest.length > 0) {
      throw new Error(`tmpfiles.d line ${i + 1} is not a supported d/z entry: ${line}`);
    }
    out.push({ type, path, mode: parseInt(mode!, 8), user, group });
  }
  return out;
}
