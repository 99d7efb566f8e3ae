// target-fs: look inside any target the way the plugins see it.
//   target-fs [-L LOADER] [-q] TARGET ls [-l] [PATH] | cat PATH | stat PATH | walk [PATH] | find GLOB | tar PATH…
import type { Writable } from "node:stream";
import type { FileStat } from "../fs/types.js";
import { loaderByName } from "../../loaders/index.js";
import { Target } from "../target.js";
import { exportTar } from "./export-tar.js";
import { maxInflateArg } from "./budgets.js";
import { Output, OutputError } from "../records/output.js";
import { printableName } from "../util/escape.js";
import { EXIT_ERRORS, EXIT_NO_TARGET, EXIT_OK, EXIT_USAGE, printLine, UsageError, versionLine, wantsVersion, type CliIO } from "./common.js";
import { TARGET_FS } from "./spec/target-fs.js";
import { epilogText, flagsOf, type CliSpec } from "./spec/types.js";

/** The help, from the declaration (spec/target-fs.ts). */
export function usageText(spec: CliSpec = TARGET_FS): string {
  const cmds = spec.commands ?? [];
  const cw = Math.max(...cmds.map((c) => c.usage.length)) + 3;
  const flags = Object.entries(spec.options).map(([name, o]) => [flagsOf(name, o).join(", ") + (o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""), o.describe] as const);
  const fw = Math.max(...flags.map(([f]) => f.length)) + 2;
  let out = `usage: ${spec.name} ${spec.usage}\n\n${spec.description}\n\ncommands:\n`;
  for (const c of cmds) out += `  ${c.usage.padEnd(cw)}${c.describe}\n`;
  out += "\noptions:\n";
  for (const [f, d] of flags) out += `  ${f.padEnd(fw)}${d}\n`;
  out += "\n" + epilogText(spec) + "\n";
  return out;
}

const USAGE = usageText();
const COMMANDS = (TARGET_FS.commands ?? []).map((c) => c.name);
const NEEDS_OPERAND = new Set((TARGET_FS.commands ?? []).filter((c) => c.needsOperand).map((c) => c.name));
/** "-L" / "--loader" → "loader", from the declaration. */
const FLAGS = new Map(Object.entries(TARGET_FS.options).flatMap(([name, o]) => flagsOf(name, o).map((f) => [f, name] as const)));

interface Parsed {
  loader?: string;
  maxInflate?: number;
  quiet: boolean;
  long: boolean;
  rest: string[];
}

function parse(argv: readonly string[]): Parsed {
  const out: Parsed = { quiet: false, long: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      out.rest.push(...argv.slice(i + 1));
      break;
    }
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const option = FLAGS.get(eq > 0 ? a.slice(0, eq) : a);
    if (option === "loader") {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a loader name`);
      if (!loaderByName(v)) throw new UsageError(`unknown loader "${v}" (see target-query -l)`);
      out.loader = v;
    } else if (option === "max-inflate") {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a size`);
      out.maxInflate = maxInflateArg(v);
    } else if (option === "quiet" && eq < 0) out.quiet = true;
    else if (a === "-l" && out.rest.length >= 2) out.long = true; // ls -l
    else if (option === "help" && eq < 0) out.rest.unshift("help");
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${a}`);
    else out.rest.push(a);
  }
  return out;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  if (wantsVersion(argv)) {
    printLine(io.stdout, versionLine("target-fs"));
    return EXIT_OK;
  }
  const args = parse(argv);
  if (args.rest[0] === "help") {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (args.rest.length === 0) {
    io.stderr.write(USAGE);
    return EXIT_USAGE;
  }
  const [targetPath, cmd, ...operands] = args.rest as [string, string | undefined, ...string[]];
  if (!cmd) throw new UsageError(`no command given (${COMMANDS.join(", ")})`);
  if (!COMMANDS.includes(cmd)) throw new UsageError(`unknown command ${cmd} (${COMMANDS.join(", ")})`);
  if (NEEDS_OPERAND.has(cmd) && operands.length === 0) throw new UsageError(`${cmd} needs a path`);

  let target: Target;
  try {
    target = await Target.open(targetPath, { loader: args.loader, maxInflate: args.maxInflate });
  } catch (e) {
    printLine(io.stderr, `target-fs: error: ${(e as Error).message}`);
    return EXIT_NO_TARGET;
  }
  if (!args.quiet) for (const w of target.warnings) printLine(io.stderr, `target-fs: warning: ${targetPath}: ${w}`);
  // Every command writes through one Output: a destination that fails throws an OutputError, which ends the
  // command (runCli reports it; a reader that went away ends it quietly).
  const out = new Output(io.stdout, { destination: "standard output" });
  let failed = false;
  try {
    if (cmd === "tar") {
      const r = await exportTar(target.fs, operands, out);
      await out.close();
      for (const s of r.skipped) printLine(io.stderr, `target-fs: tar: ${s.path}: ${s.reason}`);
      return r.skipped.length ? EXIT_ERRORS : EXIT_OK;
    }
    const paths = operands.length ? operands : ["/"];
    for (const p of paths) {
      try {
        await run(target, cmd, p, args.long, out, io.stderr);
      } catch (e) {
        if (e instanceof OutputError) throw e;
        printLine(io.stderr, `target-fs: ${cmd}: ${(e as Error).message}`);
        failed = true;
      }
    }
    await out.close();
  } finally {
    target.close();
  }
  return failed ? EXIT_ERRORS : EXIT_OK;
}

/**
 * ls, walk, find and stat are read by people: names are escaped as `ls -b` does (control characters, DEL, C1
 * and backslashes; a newline in a name is `\n`, so one line is one name). cat writes the file's bytes as they are.
 */
async function run(t: Target, cmd: string, p: string, long: boolean, out: Output, stderr: Writable): Promise<void> {
  const write = (chunk: string | Buffer): void | Promise<void> => out.write(chunk);
  const fs = t.fs;
  switch (cmd) {
    case "ls": {
      const st = fs.stat(p);
      if (st.type !== "dir") {
        await write((long ? longLine(t, p, fs.lstat(p), p) : printableName(p)) + "\n");
        return;
      }
      let text = "";
      for (const e of fs.scandir(p)) {
        const child = p.endsWith("/") ? p + e.name : p + "/" + e.name;
        if (!long) {
          text += printableName(e.name) + "\n";
          continue;
        }
        let cst: FileStat | null = null;
        try {
          cst = fs.lstat(child);
        } catch {
          cst = null;
        }
        text += longLine(t, child, cst, e.name) + "\n";
      }
      await write(text);
      return;
    }
    case "cat": {
      const h = fs.open(p);
      try {
        const buf = Buffer.allocUnsafe(1024 * 1024);
        let pos = 0;
        while (pos < h.size) {
          const n = h.read(buf, 0, Math.min(buf.length, h.size - pos), pos);
          if (n <= 0) break;
          await write(Buffer.from(buf.subarray(0, n)));
          pos += n;
        }
      } finally {
        h.close();
      }
      return;
    }
    case "stat": {
      const st = fs.lstat(p);
      let text = `  path: ${printableName(p)}\n  type: ${st.type}\n  size: ${st.size}\n  mode: ${modeString(st)} (0${st.mode.toString(8)})\n`;
      text += `   uid: ${st.uid}\n   gid: ${st.gid}\n`;
      text += ` mtime: ${st.mtime?.isoformat(" ") ?? "-"}\n atime: ${st.atime?.isoformat(" ") ?? "-"}\n ctime: ${st.ctime?.isoformat(" ") ?? "-"}\n`;
      if (st.btime) text += ` btime: ${st.btime.isoformat(" ")}\n`;
      if (st.ino !== undefined) text += `   ino: ${String(st.ino)}\n`;
      if (st.type === "symlink") text += `  link: ${printableName(fs.readlink(p))}\n`;
      await write(text);
      return;
    }
    case "walk": {
      let text = "";
      let failed = false;
      const onError = (_: string, e: Error): void => {
        printLine(stderr, `target-fs: walk: ${e.message}`);
        failed = true;
      };
      for (const { path } of fs.walk(fs.realpath(p), { onError })) {
        text += printableName(path) + "\n";
        if (text.length > 64 * 1024) {
          await write(text);
          text = "";
        }
      }
      await write(text);
      if (failed) throw new Error(`${p}: some directories were not listed`);
      return;
    }
    case "find": {
      let failed = false;
      const hits = fs.glob(p, {
        onError: (_, e) => {
          printLine(stderr, `target-fs: find: ${e.message}`);
          failed = true;
        },
      });
      await write(hits.map((h) => printableName(h) + "\n").join(""));
      if (failed) throw new Error(`${p}: some directories were not searched`);
      return;
    }
  }
}

function longLine(t: Target, p: string, st: FileStat | null, name: string): string {
  if (!st) return `?????????? ${"?".padStart(5)} ${"?".padStart(5)} ${"?".padStart(10)} ${"?".padEnd(19)} ${printableName(name)}`;
  const mtime = st.mtime ? st.mtime.isoformat(" ").slice(0, 19) : "-".padEnd(19);
  let line = `${modeString(st)} ${String(st.uid).padStart(5)} ${String(st.gid).padStart(5)} ${String(st.size).padStart(10)} ${mtime} ${printableName(name)}`;
  if (st.type === "symlink") {
    try {
      line += ` -> ${printableName(t.fs.readlink(p))}`;
    } catch {
      /* unreadable link */
    }
  }
  return line;
}

const TYPE_CHAR: Record<string, string> = { file: "-", dir: "d", symlink: "l", chardev: "c", blockdev: "b", fifo: "p", socket: "s", other: "?" };

export function modeString(st: FileStat): string {
  const m = st.mode;
  const rwx = (shift: number, special: number, ch: string): string =>
    (m & (4 << shift) ? "r" : "-") + (m & (2 << shift) ? "w" : "-") + (m & special ? (m & (1 << shift) ? ch : ch.toUpperCase()) : m & (1 << shift) ? "x" : "-");
  return (TYPE_CHAR[st.type] ?? "?") + rwx(6, 0o4000, "s") + rwx(3, 0o2000, "s") + rwx(0, 0o1000, "t");
}
