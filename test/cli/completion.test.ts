// `completion bash|zsh|fish`: the scripts come from --help (a command or flag added to the help
// appears without touching the generator), bash completes commands, subcommands, flags and flag
// values when its completion function runs, fish does the same through `complete -C`, and all
// three pass their shell's syntax check. Uses the compiled binary for the real scripts.

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bashScript, commandTable, fishScript, zshScript, type HelpRunner } from "../../src/cli/completion.ts";
import { rootHelp } from "../../src/cli/root.ts";
import { runBinary } from "../helpers/cli.ts";

const dir = mkdtempSync("/tmp/bkp-completion-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sh(argv: string[], stdin?: string): { code: number; out: string; err: string } {
  const r = Bun.spawnSync(argv, { stdin: stdin === undefined ? "ignore" : new Blob([stdin]), stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin", HOME: dir } });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

/** Sources a bash completion script and runs its function on each command line; one line of candidates per case. */
function bashComplete(script: string, lines: readonly string[][]): string[] {
  const file = join(dir, `c-${Math.random().toString(36).slice(2)}.bash`);
  writeFileSync(file, script);
  const body = [
    `source '${file}'`,
    `[[ "$(complete -p bao-kms-provider)" == "complete -F _bao_kms_provider bao-kms-provider" ]] || { echo "not registered" >&2; exit 9; }`,
    ...lines.map((words) => `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _bao_kms_provider; echo "\${COMPREPLY[*]}"`),
  ].join("\n");
  const r = sh(["bash", "--norc", "--noprofile", "-c", body]);
  if (r.code !== 0) throw new Error(`bash exited ${r.code}: ${r.err}`);
  return r.out.split("\n").slice(0, lines.length);
}

async function script(shell: string): Promise<string> {
  const r = await runBinary(["completion", shell]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return r.stdout;
}

describe("completion from the compiled binary", () => {
  test("bash: syntax, and it completes commands, subcommands, flags and flag values", async () => {
    const text = await script("bash");
    const file = join(dir, "bao-kms-provider.bash");
    writeFileSync(file, text);
    expect(sh(["bash", "-n", file]).code).toBe(0);
    const got = bashComplete(text, [
      ["bao-kms-provider", "ser"],
      ["bao-kms-provider", "ver"],
      ["bao-kms-provider", "doctor", "--enc"],
      ["bao-kms-provider", "doctor", "--output", ""],
      ["bao-kms-provider", "serve", "--log-level", "w"],
      ["bao-kms-provider", "config", "ch"],
      ["bao-kms-provider", "config", "check", "--"],
      ["bao-kms-provider", "config", "check", "--config", "/x", "--"],
      ["bao-kms-provider", "policy", ""],
      ["bao-kms-provider", "completion", ""],
      ["bao-kms-provider", "help", "rot"],
      ["bao-kms-provider", "init", "--model", ""],
      ["bao-kms-provider", "nosuch", "--"],
      ["bao-kms-provider", "doctor", "*", "--"],
    ]);
    expect(got).toEqual([
      "serve",
      "verify-key verify-rotation version",
      "--encryption-config",
      "text json",
      "warn",
      "check",
      "--config --output --help",
      "--output --help",
      "openbao",
      "bash zsh fish",
      "rotation-plan",
      "systemd static-pod",
      "",
      "--config --encryption-config --output --etcd-endpoints --etcd-cafile --etcd-certfile --etcd-keyfile --etcd-prefix --help",
    ]);
  });

  test("bash: every command of the root help is offered, each with the flags its own --help lists", async () => {
    const text = await script("bash");
    const commands = [...rootHelp.matchAll(/^ {2}([a-z][a-z0-9-]*) {2,}/gm)].map((m) => m[1]);
    expect(commands.length).toBeGreaterThan(10);
    const [offered] = bashComplete(text, [["bao-kms-provider", ""]]);
    expect(offered!.split(" ").sort()).toEqual([...commands].sort() as string[]);
    for (const c of ["serve", "doctor", "retire-versions", "benchmark", "init"]) {
      const help = (await runBinary([c, "--help"])).stdout;
      const flags = [...help.matchAll(/^ {2}(?:-h, )?(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1]);
      const [line] = bashComplete(text, [["bao-kms-provider", c, "--"]]);
      expect(line!.split(" ").sort()).toEqual([...flags].sort() as string[]);
    }
  });

  test("zsh: syntax, compinit registers the function, and TAB in an interactive zsh completes a flag, a subcommand and a command", async () => {
    if (!existsSync("/usr/bin/zsh")) throw new Error("/usr/bin/zsh is missing: run scripts/setup.sh (Debian package zsh)");
    const text = await script("zsh");
    const fpath = join(dir, "zsh");
    mkdirSync(fpath, { recursive: true });
    writeFileSync(join(fpath, "_bao-kms-provider"), text);
    const syntax = sh(["zsh", "-n", join(fpath, "_bao-kms-provider")]);
    expect(syntax.err).toBe("");
    expect(syntax.code).toBe(0);
    const r = sh(["zsh", "-f", "-c", `fpath=('${fpath}' $fpath); autoload -Uz compinit; compinit -u -D; print -r -- $_comps[bao-kms-provider]`]);
    expect(r.out.trim()).toBe("_bao-kms-provider");
    // An interactive zsh on a pseudo-terminal (zsh/zpty): type a partial line and TAB, read the line back.
    // Reads for up to 10 s, until the expected completion shows (a loaded machine is slow to load compinit).
    const complete = (line: string, expected: string) => {
      const script = [
        "zmodload zsh/zpty",
        "zpty z 'zsh -f -i'",
        `zpty -w z 'PS1=">"; fpath=(${fpath} $fpath); autoload -Uz compinit; compinit -u -D; print READY'`,
        "zpty -r z out '*READY*'",
        `zpty -w -n z $'${line}\t'`,
        'all=""',
        `for i in {1..50}; do while zpty -r -t z chunk; do all+=$chunk; done; [[ $all == *'${expected}'* ]] && break; sleep 0.2; done`,
        "print -r -- $all",
        "zpty -d z",
      ].join("\n");
      const out = sh(["timeout", "20", "zsh", "-f", "-c", script]).out;
      // The last redraw of the edited line (after the final bracketed-paste switch).
      return out.split("\x1b[?2004h").at(-1)!.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
    };
    for (const [line, want] of [
      ["bao-kms-provider doctor --enc", "bao-kms-provider doctor --encryption-config="],
      ["bao-kms-provider config ch", "bao-kms-provider config check"],
      ["bao-kms-provider rotation-p", "bao-kms-provider rotation-plan"],
    ] as const) {
      expect(complete(line, want)).toContain(want);
    }
  }, 60_000);

  test("fish: syntax, and complete -C offers commands, flags and values", async () => {
    if (!existsSync("/usr/bin/fish")) throw new Error("/usr/bin/fish is missing: run scripts/setup.sh (Debian package fish)");
    const text = await script("fish");
    const file = join(dir, "bao-kms-provider.fish");
    writeFileSync(file, text);
    expect(sh(["fish", "--no-config", "-n", file]).code).toBe(0);
    const words = (line: string) => {
      const r = sh(["fish", "--no-config", "-c", `source '${file}'; complete -C '${line}'`]);
      if (r.code !== 0) throw new Error(r.err);
      return r.out.split("\n").filter(Boolean).map((l) => l.split("\t")[0]).sort();
    };
    expect(words("bao-kms-provider ser")).toEqual(["serve"]);
    expect(words("bao-kms-provider doctor --enc")).toEqual(["--encryption-config"]);
    expect(words("bao-kms-provider doctor --output ")).toEqual(["json", "text"]);
    expect(words("bao-kms-provider config ")).toEqual(["check", "import", "schema", "show"]);
    expect(words("bao-kms-provider config check --")).toEqual(["--config", "--help", "--output"]);
  });

  test("usage errors: no shell, an unknown shell, an extra argument (exit 2)", async () => {
    for (const [args, msg] of [
      [["completion"], "completion needs a shell: bash, zsh or fish"],
      [["completion", "tcsh"], 'unsupported shell "tcsh": expected bash, zsh or fish'],
      [["completion", "bash", "zsh"], 'unexpected argument "zsh"'],
      [["completion", "--nope"], "unknown flag --nope"],
    ] as const) {
      const r = await runBinary([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`bao-kms-provider: ${msg}\n`);
    }
    const help = await runBinary(["help", "completion"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: bao-kms-provider completion bash|zsh|fish");
  });

  test("the output is deterministic (the packages ship it)", async () => {
    for (const s of ["bash", "zsh", "fish"]) expect(await script(s)).toBe(await script(s));
  });
});

describe("generated from the help text, not from a list of its own", () => {
  // A CLI with a command and flags the real one does not have: the generator must pick them up.
  const fakeHelp: Record<string, string> = {
    "--help": "Usage: bao-kms-provider <command>\n\nCommands:\n  frobnicate   turn the knob\n  group        a group: group alpha | beta\n  help         show help\n\nExit codes: 0 ok.\n",
    "frobnicate --help": "Usage: bao-kms-provider frobnicate [--widget FILE] [--mode fast|slow] [--dry-run]\n\nFlags:\n  --widget FILE                the widget file\n  --mode MODE                  how fast\n  --dry-run                    do nothing\n  -h, --help                   show this help\n",
    "group --help": "Usage: bao-kms-provider group <alpha|beta>\n\nSubcommands:\n  alpha    first\n  beta     second\n           (continued)\n",
    "group alpha --help": "Usage: bao-kms-provider group alpha [--level N]\n\nFlags:\n  --level N                    a number\n  -h, --help                   show this help\n",
    "group beta --help": "Usage: bao-kms-provider group beta\n",
  };
  const runner: HelpRunner = async (argv) => {
    const text = fakeHelp[argv.join(" ")];
    if (text === undefined) throw new Error(`no help for ${argv.join(" ")}`);
    return text;
  };

  test("the table reflects the help", async () => {
    const table = await commandTable(runner);
    expect(table.map((c) => c.name)).toEqual(["frobnicate", "group", "help"]);
    expect(table[0]!.flags).toEqual([
      { name: "widget", description: "the widget file", value: { kind: "file" } },
      { name: "mode", description: "how fast", value: { kind: "words", words: ["fast", "slow"] } },
      { name: "dry-run", description: "do nothing", value: { kind: "none" } },
    ]);
    expect(table[1]!.subcommands.map((s) => [s.name, s.description])).toEqual([["alpha", "first"], ["beta", "second (continued)"]]);
    expect(table[1]!.subcommands[0]!.flags.map((f) => f.name)).toEqual(["level"]);
  });

  test("bash completes the new command, its flags, their values and the group's subcommands", async () => {
    const table = await commandTable(runner);
    expect(bashComplete(bashScript(table), [
      ["bao-kms-provider", "fro"],
      ["bao-kms-provider", "frobnicate", "--"],
      ["bao-kms-provider", "frobnicate", "--mode", ""],
      ["bao-kms-provider", "group", ""],
      ["bao-kms-provider", "group", "alpha", "--"],
    ])).toEqual(["frobnicate", "--widget --mode --dry-run --help", "fast slow", "alpha beta", "--level --help"]);
  });

  test("zsh and fish scripts for it pass their syntax checks", async () => {
    const table = await commandTable(runner);
    writeFileSync(join(dir, "fake.zsh"), zshScript(table));
    writeFileSync(join(dir, "fake.fish"), fishScript(table));
    expect(sh(["zsh", "-n", join(dir, "fake.zsh")]).code).toBe(0);
    expect(sh(["fish", "--no-config", "-n", join(dir, "fake.fish")]).code).toBe(0);
    expect(fishScript(table)).toContain("-l mode -d 'how fast' -x -a 'fast slow'");
  });
});
